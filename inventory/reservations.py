"""Holds on stock (预占): reserve, release, consume, and expiry.

An expired hold never blocks a sale: besides the periodic sweep, every command that
checks availability first releases the expired holds of its (item, warehouse) in its
own transaction (:func:`release_expired_holds`).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import BigInteger, Table, case, literal, select, update
from sqlalchemy.orm import Session

from inventory import guarantees
from inventory.commands import CommandContext, DocumentRef, ReleaseReservation, ReserveStock
from inventory.errors import (
    InsufficientReservation,
    InsufficientStock,
    ReservationNotActive,
    UnknownReservation,
)
from inventory.item_freezes import check_not_frozen
from inventory.journal import Journal, stock_key
from inventory.lookup import balance_row, item_by_sku, warehouse_by_code
from inventory.models import Item, Reservation, Warehouse
from kernel.types import UtcDateTime, to_milli

_R = cast(Table, Reservation.__table__)
_r = _R.c


def reservation_view(res: Reservation, item: Item, warehouse: Warehouse) -> dict[str, Any]:
    """A reservation as the API shows it."""
    return {"id": res.id, "sku": item.sku, "warehouse": warehouse.code, "qty": str(res.qty),
            "original_qty": str(res.original_qty), "status": res.status,
            "expires_at": res.expires_at.isoformat() if res.expires_at else None,
            "document": ({"type": res.document_type, "ref": res.document_ref}
                         if res.document_type else None)}


def _document(res: Reservation) -> DocumentRef | None:
    """The document a hold was made for, to stamp on its release's ledger rows."""
    if res.document_type is None:
        return None
    return DocumentRef(type=res.document_type, ref=res.document_ref or "")


def _end(session: Session, res: Reservation, status: str, now: datetime) -> bool:
    """Move an active reservation to ``status``; False if someone else ended it first."""
    result = session.execute(update(_R)
                             .where(_r.id == res.id, _r.status == "active")
                             .values(status=status, ended_at=now))
    return guarantees.changed_one(result)


def expire_one(session: Session, ctx: CommandContext, res: Reservation, item: Item,
               warehouse: Warehouse, now: datetime) -> dict[str, Any] | None:
    """Release one expired hold with its own ledger rows and event; None if already ended."""
    if not _end(session, res, "expired", now):
        return None
    if res.qty > 0:
        guarantees.unhold(session, ctx.tenant_id, item.id, warehouse.id, res.qty)
    doc = _document(res)
    journal = Journal(session, ctx, "expire", doc, now)
    if res.qty > 0:
        journal.record(item, warehouse, -res.qty, "expire", bucket="reserved")
    res.status = "expired"
    return journal.finish("stock.reservation_expired", stock_key(item, warehouse),
                          {"reservation": reservation_view(res, item, warehouse)})


def release_expired_holds(session: Session, ctx: CommandContext, item: Item,
                          warehouse: Warehouse, now: datetime) -> int:
    """Release every hold of (item, warehouse) whose time is up; returns how many."""
    expired = session.scalars(
        select(Reservation).where(
            Reservation.item_id == item.id, Reservation.warehouse_id == warehouse.id,
            Reservation.status == "active", Reservation.expires_at <= now)
        .order_by(Reservation.expires_at, Reservation.id)).all()
    return sum(1 for res in expired if expire_one(session, ctx, res, item, warehouse, now))


def reserve(session: Session, ctx: CommandContext, cmd: ReserveStock, now: datetime
            ) -> dict[str, Any]:
    """Hold available stock, optionally until a deadline.

    Raises:
        UnknownItem, UnknownWarehouse: names that do not exist in the tenant.
        InsufficientStock: available is below the requested quantity.
        ItemFrozen: the item is frozen.
    """
    item = item_by_sku(session, cmd.sku)
    check_not_frozen(item, "reserved")
    warehouse = warehouse_by_code(session, cmd.warehouse)
    release_expired_holds(session, ctx, item, warehouse, now)
    guarantees.ensure_balance(session, ctx.tenant_id, item.id, warehouse.id)
    if not guarantees.hold(session, ctx.tenant_id, item.id, warehouse.id, cmd.qty):
        raise refusal(session, item, warehouse, cmd.qty)
    expires_at = now + timedelta(seconds=cmd.ttl_seconds) if cmd.ttl_seconds else None
    res = Reservation(id=str(uuid.uuid4()), tenant_id=ctx.tenant_id, item_id=item.id,
                      warehouse_id=warehouse.id, qty=cmd.qty, original_qty=cmd.qty,
                      status="active", created_at=now, expires_at=expires_at,
                      document_type=cmd.document.type if cmd.document else None,
                      document_ref=cmd.document.ref if cmd.document else None)
    session.add(res)
    session.flush()
    journal = Journal(session, ctx, "reserve", cmd.document, now)
    journal.record(item, warehouse, cmd.qty, "reserve", bucket="reserved")
    return journal.finish("stock.reserved", stock_key(item, warehouse),
                          {"reservation": reservation_view(res, item, warehouse)})


def load_reservation(session: Session, reservation_id: str) -> tuple[Reservation, Item, Warehouse]:
    """A reservation of the session's tenant with its item and warehouse.

    Raises:
        UnknownReservation: no such reservation in this tenant.
    """
    row = session.execute(
        select(Reservation, Item, Warehouse)
        .join(Item, Item.id == Reservation.item_id)
        .join(Warehouse, Warehouse.id == Reservation.warehouse_id)
        .where(Reservation.id == reservation_id)
        .execution_options(populate_existing=True)).first()
    if row is None:
        raise UnknownReservation(reservation_id=reservation_id)
    return row[0], row[1], row[2]


def release(session: Session, ctx: CommandContext, cmd: ReleaseReservation, now: datetime
            ) -> dict[str, Any]:
    """Give a hold back.

    Raises:
        UnknownReservation: not in this tenant.
        ReservationNotActive: already released, consumed or expired.
    """
    res, item, warehouse = load_reservation(session, cmd.reservation_id)
    if res.status == "active" and res.expires_at is not None and res.expires_at <= now:
        expire_one(session, ctx, res, item, warehouse, now)
    if res.status != "active" or not _end(session, res, "released", now):
        raise ReservationNotActive(reservation_id=res.id, status=res.status)
    guarantees.unhold(session, ctx.tenant_id, item.id, warehouse.id, res.qty)
    doc = _document(res)
    journal = Journal(session, ctx, "release", doc, now)
    if res.qty > 0:
        journal.record(item, warehouse, -res.qty, "release", bucket="reserved")
    res.status = "released"
    return journal.finish("stock.released", stock_key(item, warehouse),
                          {"reservation": reservation_view(res, item, warehouse)})


def consume(session: Session, ctx: CommandContext, res: Reservation, qty: Decimal,
            now: datetime) -> None:
    """Use ``qty`` of a hold for a shipment; the hold ends when nothing is left.

    Raises:
        ReservationNotActive: ended or expired.
        InsufficientReservation: it holds less than ``qty``.
    """
    if res.status != "active" or (res.expires_at is not None and res.expires_at <= now):
        raise ReservationNotActive(reservation_id=res.id,
                                   status="expired" if res.status == "active" else res.status)
    m = literal(to_milli(qty), BigInteger)
    result = session.execute(
        update(_R)
        .where(_r.id == res.id, _r.status == "active", _r.qty >= m)
        .values(qty=_r.qty - m,
                status=case((_r.qty - m == 0, "consumed"), else_=_r.status),
                ended_at=case((_r.qty - m == 0, literal(now, UtcDateTime())),
                              else_=_r.ended_at)))
    if not guarantees.changed_one(result):
        raise InsufficientReservation(reservation_id=res.id, held=res.qty, requested=qty)


def refusal(session: Session, item: Item, warehouse: Warehouse, requested: Decimal
            ) -> InsufficientStock:
    """The error that names the balance which refused a request."""
    row = balance_row(session, item.id, warehouse.id)
    available = (row.on_hand - row.reserved) if row else Decimal("0.000")
    return InsufficientStock(sku=item.sku, warehouse=warehouse.code, available=available,
                             requested=requested)
