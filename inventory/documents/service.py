"""The door to business documents: one service per document type, over one runner."""

from __future__ import annotations

from inventory.documents.purchase_order_service import PurchaseOrderService
from inventory.documents.receipt_service import ReceiptService
from inventory.documents.runner import DocumentRunner
from inventory.documents.sales_order_service import SalesOrderService
from inventory.documents.sales_return_service import SalesReturnService
from inventory.documents.shipment_service import ShipmentService
from inventory.guards import StockGuard
from kernel.clock import Clock
from kernel.db import Database


class DocumentServices:
    """Every document service, sharing one database and clock."""

    def __init__(self, db: Database, clock: Clock, guard: StockGuard | None = None) -> None:
        """``guard`` (the engine's guard rules) may refuse confirms and returns."""
        self.runner = DocumentRunner(db, clock, guard)
        self.sales_orders = SalesOrderService(self.runner)
        self.purchase_orders = PurchaseOrderService(self.runner)
        self.receipts = ReceiptService(self.runner)
        self.shipments = ShipmentService(self.runner)
        self.sales_returns = SalesReturnService(self.runner)
