"""The lots module as the API uses it: one call per action, each in one transaction.

Commands (a freezer reading, releasing a lot) are idempotent with a key, like documents;
reports read the session tenant's rows only and take "today" from the tenant's clock.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy.orm import Session

from inventory import guarantees
from inventory.commands import CommandContext
from inventory.documents.runner import DocumentRunner
from inventory.lookup import warehouse_by_code
from inventory.lots import fefo, freezes, freshness, recall
from kernel.clock import Clock, tenant_now
from kernel.db import Database

#: The event a freezer reading raises (declared by the food pack's schema).
FREEZER_READ: Final = "freezer.temperature_read"


def _reading(session: Session, ctx: CommandContext, freezer: str, location: str,
             celsius: Decimal, at: datetime | None, now: datetime) -> dict[str, Any]:
    warehouse = warehouse_by_code(session, location)
    event_id = guarantees.new_event_id()
    payload = {"freezer": {"id": freezer, "location": warehouse.code},
               # a JSON number; the engine reads JSON numbers back as Decimals
               "reading": {"celsius": float(celsius), "at": (at or now).isoformat()}}
    guarantees.append_event(session, ctx.tenant_id, event_id, FREEZER_READ,
                            f"freezer:{freezer}", payload, now)
    return {"event_id": event_id, "type": FREEZER_READ, "freezer": freezer,
            "location": warehouse.code, "celsius": str(celsius),
            "at": (at or now).isoformat(), "occurred_at": now.isoformat()}


class LotService:
    """Lots, freezes and the food reports of one database."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.runner = DocumentRunner(db, clock)
        self.clock = clock

    def record_reading(self, ctx: CommandContext, freezer: str, location: str,
                       celsius: Decimal, at: datetime | None = None) -> dict[str, Any]:
        """Record a freezer's temperature as a ``freezer.temperature_read`` event.

        Raises:
            UnknownWarehouse: ``location`` is not a warehouse code of the tenant.
        """
        return self.runner.write(
            ctx, "cold_chain.reading", {"freezer": freezer, "location": location,
                                        "celsius": celsius, "at": at},
            lambda s, now: _reading(s, ctx, freezer, location, celsius, at, now))

    def release(self, ctx: CommandContext, sku: str, lot_no: str, warehouse: str
                ) -> dict[str, Any]:
        """Lift one lot's freeze in one location (a quality decision).

        Raises:
            UnknownItem, UnknownWarehouse, UnknownLot, LotNotFrozen.
        """
        return self.runner.write(
            ctx, "lots.release", {"sku": sku, "lot_no": lot_no, "warehouse": warehouse},
            lambda s, now: freezes.release_lot(s, ctx, sku, lot_no, warehouse, now))

    def freezes(self, tenant_id: int, status: str | None, offset: int, limit: int
                ) -> tuple[list[dict[str, Any]], int]:
        """Lot freezes, newest first."""
        return self.runner.read(tenant_id, lambda s: freezes.list_freezes(s, status, offset,
                                                                          limit))

    def fefo(self, tenant_id: int, sku: str, warehouse: str, qty: Decimal) -> dict[str, Any]:
        """Which lots to pick, earliest expiry first (frozen and expired ones skipped)."""
        today = tenant_now(self.clock, tenant_id).date()
        return self.runner.read(tenant_id, lambda s: fefo.suggest_picks(s, sku, warehouse, qty,
                                                                        today))

    def recall(self, tenant_id: int, sku: str, lot_no: str) -> dict[str, Any]:
        """Every customer who received the lot."""
        return self.runner.read(tenant_id, lambda s: recall.lot_receivers(s, sku, lot_no))

    def loss_curve(self, tenant_id: int, days: int) -> list[dict[str, Any]]:
        """The loss curve per category over the last ``days`` days."""
        today = tenant_now(self.clock, tenant_id).date()
        return self.runner.read(tenant_id, lambda s: freshness.loss_curve(s, today, days))

    def bundles(self, tenant_id: int, within_days: int) -> list[dict[str, Any]]:
        """Near-expiry bundle suggestions."""
        today = tenant_now(self.clock, tenant_id).date()
        return self.runner.read(tenant_id, lambda s: freshness.near_expiry_bundles(
            s, today, within_days))
