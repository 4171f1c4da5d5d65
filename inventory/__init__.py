"""The 进销存 core: items, warehouses, lots, the ledger, balances and reservations.

It knows nothing of rules: it accepts commands and appends domain events to the outbox.
"""

from __future__ import annotations

from inventory.commands import (
    Address,
    AdjustStock,
    Command,
    CommandContext,
    DocumentRef,
    Provenance,
    ReceiveStock,
    ReleaseReservation,
    ReserveStock,
    ShipStock,
    TransferStock,
    checked_qty,
)
from inventory.errors import (
    IdempotencyKeyReused,
    InsufficientLotStock,
    InsufficientReservation,
    InsufficientStock,
    InvalidQuantity,
    InventoryError,
    ReservationMismatch,
    ReservationNotActive,
    SameWarehouseTransfer,
    UnknownItem,
    UnknownLot,
    UnknownReservation,
    UnknownWarehouse,
)
from inventory.guards import StockGuard
from inventory.service import StockService

__all__ = [
    "Address",
    "AdjustStock",
    "Command",
    "CommandContext",
    "DocumentRef",
    "IdempotencyKeyReused",
    "InsufficientLotStock",
    "InsufficientReservation",
    "InsufficientStock",
    "InvalidQuantity",
    "InventoryError",
    "Provenance",
    "ReceiveStock",
    "ReleaseReservation",
    "ReservationMismatch",
    "ReservationNotActive",
    "ReserveStock",
    "SameWarehouseTransfer",
    "ShipStock",
    "StockGuard",
    "StockService",
    "TransferStock",
    "UnknownItem",
    "UnknownLot",
    "UnknownReservation",
    "UnknownWarehouse",
    "checked_qty",
]
