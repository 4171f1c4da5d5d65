"""Business documents with strict state machines; every stock change they make names them.

One module per document holds its statuses, transition table, pure ``transition`` and
events (sales_order, purchase_order, receipt, shipment, sales_return); the ``*_service``
modules run the actions in one transaction each, through :class:`DocumentServices`.
"""

from __future__ import annotations

from inventory.documents import parties
from inventory.documents.errors import (
    CustomerFrozen,
    DocumentError,
    DuplicateDocument,
    EmptyDocument,
    InvalidTransition,
    QualityRoleRequired,
    QuantityExceeded,
    ShipmentNotConfirmed,
    UnknownCustomer,
    UnknownDocument,
    UnknownLine,
)
from inventory.documents.purchase_order_service import NewPurchaseLine, NewPurchaseOrder
from inventory.documents.receipt import Inspection
from inventory.documents.receipt_service import NewReceipt, NewReceiptLine
from inventory.documents.sales_order_service import NewOrderLine, NewSalesOrder
from inventory.documents.sales_return import ReturnReason
from inventory.documents.sales_return_service import NewReturnLine, NewSalesReturn
from inventory.documents.service import DocumentServices
from inventory.documents.shipment_service import NewShipment, NewShipmentLine

__all__ = [
    "CustomerFrozen",
    "DocumentError",
    "DocumentServices",
    "DuplicateDocument",
    "EmptyDocument",
    "Inspection",
    "InvalidTransition",
    "NewOrderLine",
    "NewPurchaseLine",
    "NewPurchaseOrder",
    "NewReceipt",
    "NewReceiptLine",
    "NewReturnLine",
    "NewSalesOrder",
    "NewSalesReturn",
    "NewShipment",
    "NewShipmentLine",
    "QualityRoleRequired",
    "QuantityExceeded",
    "ReturnReason",
    "ShipmentNotConfirmed",
    "UnknownCustomer",
    "UnknownDocument",
    "UnknownLine",
    "parties",
]
