"""Planning over the 进销存 core: channel stock pools with their 15-minute rebalance,
three-way match of supplier invoices, and replenishment (safety stock, reorder point,
draft purchase orders).

Modules here import only submodules of :mod:`inventory.documents` (never its package
door), because the sales order service imports :mod:`inventory.planning.pools` while that
door is still being built.
"""

from __future__ import annotations

from inventory.planning.errors import (
    ChannelPaused,
    InvalidPlanningInput,
    PlanningError,
    PoolShort,
    UnknownChannel,
    UnknownRun,
)
from inventory.planning.invoice_service import (
    InvoiceService,
    NewInvoiceLine,
    NewSupplierInvoice,
)
from inventory.planning.pool_service import REBALANCE_INTERVAL_SECONDS, PoolService
from inventory.planning.pools import PoolSetting
from inventory.planning.replenishment_service import PolicySetting, ReplenishmentService

__all__ = [
    "REBALANCE_INTERVAL_SECONDS",
    "ChannelPaused",
    "InvalidPlanningInput",
    "InvoiceService",
    "NewInvoiceLine",
    "NewSupplierInvoice",
    "PlanningError",
    "PolicySetting",
    "PoolService",
    "PoolSetting",
    "PoolShort",
    "ReplenishmentService",
    "UnknownChannel",
    "UnknownRun",
]
