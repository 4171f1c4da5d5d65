"""Business documents with strict state machines; every stock change they make names them.

One module per document holds its statuses, transition table, pure ``transition`` and
events (sales_order, purchase_order, receipt, shipment, sales_return, transfer, adjustment,
stocktake); the ``*_service``
modules run the actions in one transaction each, through :class:`DocumentServices`.
"""

from __future__ import annotations

from inventory.documents import parties, suppliers
from inventory.documents.adjustment import AdjustmentReason, ApprovalThreshold
from inventory.documents.adjustment_service import NewAdjustment, NewAdjustmentLine
from inventory.documents.errors import (
    CustomerFrozen,
    DocumentError,
    DuplicateDocument,
    EmptyDocument,
    InvalidTransition,
    NotCounted,
    PhotoRequired,
    QualityRoleRequired,
    QuantityExceeded,
    SecondApproverRequired,
    ShipmentNotConfirmed,
    StocktakeStillBlind,
    SupplierQualificationExpired,
    UnknownCustomer,
    UnknownDocument,
    UnknownLine,
    UnknownSupplier,
)
from inventory.documents.purchase_order_service import NewPurchaseLine, NewPurchaseOrder
from inventory.documents.receipt import Inspection
from inventory.documents.receipt_service import NewReceipt, NewReceiptLine
from inventory.documents.sales_order_service import NewOrderLine, NewSalesOrder
from inventory.documents.sales_return import ReturnReason
from inventory.documents.sales_return_service import NewReturnLine, NewSalesReturn
from inventory.documents.service import DocumentServices
from inventory.documents.shift_snapshots import take_due_snapshots
from inventory.documents.shipment_service import NewShipment, NewShipmentLine
from inventory.documents.stocktake import StocktakeScope
from inventory.documents.stocktake_service import Count, NewStocktake
from inventory.documents.suppliers import QualificationKind
from inventory.documents.transfer_service import NewTransfer, NewTransferLine

__all__ = [
    "AdjustmentReason",
    "ApprovalThreshold",
    "Count",
    "CustomerFrozen",
    "DocumentError",
    "DocumentServices",
    "DuplicateDocument",
    "EmptyDocument",
    "Inspection",
    "InvalidTransition",
    "NewAdjustment",
    "NewAdjustmentLine",
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
    "NewStocktake",
    "NewTransfer",
    "NewTransferLine",
    "NotCounted",
    "PhotoRequired",
    "QualificationKind",
    "QualityRoleRequired",
    "QuantityExceeded",
    "ReturnReason",
    "SecondApproverRequired",
    "ShipmentNotConfirmed",
    "StocktakeScope",
    "StocktakeStillBlind",
    "SupplierQualificationExpired",
    "UnknownCustomer",
    "UnknownDocument",
    "UnknownLine",
    "UnknownSupplier",
    "parties",
    "suppliers",
    "take_due_snapshots",
]
