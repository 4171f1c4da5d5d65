"""The door to business documents: one service per document type, over one runner."""

from __future__ import annotations

from inventory.documents.adjustment import ApprovalThreshold
from inventory.documents.adjustment_service import AdjustmentService
from inventory.documents.party_service import PartyService
from inventory.documents.purchase_order_service import PurchaseOrderService
from inventory.documents.receipt_service import ReceiptService
from inventory.documents.runner import DocumentRunner
from inventory.documents.sales_order_service import SalesOrderService
from inventory.documents.sales_return_service import SalesReturnService
from inventory.documents.shipment_service import ShipmentService
from inventory.documents.stocktake_service import StocktakeService
from inventory.documents.transfer_service import TransferService
from inventory.guards import StockGuard
from kernel.clock import Clock
from kernel.db import Database
from kernel.settings import get_settings


def threshold_from_settings() -> ApprovalThreshold:
    """The adjustment approval threshold configured by ``JXCFLOW_ADJUSTMENT_APPROVAL_*``."""
    settings = get_settings()
    return ApprovalThreshold(qty=settings.adjustment_approval_qty,
                             value=settings.adjustment_approval_value)


class DocumentServices:
    """Every document service, sharing one database and clock."""

    def __init__(self, db: Database, clock: Clock, guard: StockGuard | None = None,
                 threshold: ApprovalThreshold | None = None) -> None:
        """``guard`` (the engine's guard rules) may refuse confirms and returns."""
        self.runner = DocumentRunner(db, clock, guard)
        threshold = threshold or threshold_from_settings()
        self.sales_orders = SalesOrderService(self.runner)
        self.purchase_orders = PurchaseOrderService(self.runner)
        self.receipts = ReceiptService(self.runner)
        self.shipments = ShipmentService(self.runner)
        self.sales_returns = SalesReturnService(self.runner)
        self.transfers = TransferService(self.runner)
        self.adjustments = AdjustmentService(self.runner, threshold)
        self.stocktakes = StocktakeService(self.runner, threshold)
        self.parties = PartyService(self.runner)
