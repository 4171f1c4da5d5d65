"""The door to stock changes: one transaction per command, idempotent by key."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory import guarantees, movements, reservations
from inventory.commands import (
    AdjustStock,
    Command,
    CommandContext,
    ReceiveStock,
    ReleaseReservation,
    ReserveStock,
    ShipStock,
    TransferStock,
)
from inventory.guards import StockGuard, request_event
from inventory.models import Reservation
from kernel.clock import Clock, tenant_now
from kernel.db import Database

Handler = Callable[[Session, CommandContext, Any, datetime], dict[str, Any]]

_HANDLERS: dict[type[Any], Handler] = {
    ReceiveStock: movements.receive,
    ShipStock: movements.ship,
    TransferStock: movements.transfer,
    AdjustStock: movements.adjust,
    ReserveStock: reservations.reserve,
    ReleaseReservation: reservations.release,
}


def request_hash(command: Command) -> str:
    """A fingerprint of the command's content, to detect a key reused for another request."""
    return guarantees.request_fingerprint(command.name, dataclasses.asdict(command))


class StockService:
    """Runs stock commands: check → conditional balance update → ledger → outbox, atomically."""

    def __init__(self, db: Database, clock: Clock, guard: StockGuard | None = None) -> None:
        self.db = db
        self.clock = clock
        self.guard = guard

    def execute(self, ctx: CommandContext, command: Command) -> dict[str, Any]:
        """Run ``command`` in one write transaction and return its result.

        With ``ctx.idempotency_key`` the first result is stored, and a repeat of the same
        request returns it again with ``"replayed": true`` and changes nothing.

        Raises:
            InventoryError: a refusal naming the balance, reservation or unknown name.
            IdempotencyKeyReused: the key was used before for a different request.
        """
        now = tenant_now(self.clock, ctx.tenant_id)
        with self.db.write(ctx.tenant_id) as session:
            key = ctx.idempotency_key
            if key is not None:
                first = guarantees.claim_key(session, ctx.tenant_id, key, command.name,
                                             request_hash(command), now)
                if first is not None:
                    return {**first, "replayed": True}
            request = request_event(command) if self.guard is not None else None
            if request is not None and self.guard is not None:
                # Guard rules run inside this transaction: a refusal rolls back the key
                # claim too, and nothing has been written yet.
                self.guard.check(session, ctx.tenant_id, request[0], request[1], now)
            result = _HANDLERS[type(command)](session, ctx, command, now)
            if key is not None:
                guarantees.store_response(session, ctx.tenant_id, key, result)
            return {**result, "replayed": False}

    def sweep_expired(self, tenant_id: int | None = None, limit: int = 500) -> int:
        """Release holds whose time is up, one short transaction each; returns how many.

        Called by the worker on a schedule; commands also release their own SKU's expired
        holds, so a late sweep never blocks a sale. With ``tenant_id``, only that tenant's
        holds, on that tenant's time (a sandbox tenant's clock may run ahead).
        """
        now = tenant_now(self.clock, tenant_id)
        with self.db.read(tenant_id) as session:
            due = session.execute(
                select(Reservation.id, Reservation.tenant_id)
                .where(Reservation.status == "active", Reservation.expires_at <= now)
                .order_by(Reservation.expires_at).limit(limit)).all()
        released = 0
        for reservation_id, owner in due:
            ctx = CommandContext(tenant_id=owner, actor="system:sweep")
            with self.db.write(owner) as session:
                res, item, warehouse = reservations.load_reservation(session, reservation_id)
                if res.status == "active" and reservations.expire_one(
                        session, ctx, res, item, warehouse, now):
                    released += 1
        return released


__all__ = ["StockService", "request_hash"]
