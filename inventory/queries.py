"""Reading stock: balances, lots, the ledger and reservations, always within one tenant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.models import (
    Item,
    LedgerEntry,
    Lot,
    LotBalance,
    Reservation,
    StockBalance,
    Warehouse,
)
from inventory.reservations import load_reservation, reservation_view
from kernel.errors import InvalidInput


def balances(session: Session, *, sku: str | None, warehouse: str | None, offset: int,
             limit: int) -> tuple[list[dict[str, Any]], int]:
    """Stock per SKU × warehouse: on hand, reserved, available.

    Raises:
        UnknownItem, UnknownWarehouse: a filter names something not in the tenant.
    """
    stmt = (select(StockBalance, Item, Warehouse)
            .join(Item, Item.id == StockBalance.item_id)
            .join(Warehouse, Warehouse.id == StockBalance.warehouse_id))
    if sku:
        stmt = stmt.where(StockBalance.item_id == item_by_sku(session, sku).id)
    if warehouse:
        stmt = stmt.where(StockBalance.warehouse_id == warehouse_by_code(session, warehouse).id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(Item.sku, Warehouse.code).offset(offset).limit(limit))
    out = [{"sku": i.sku, "name_zh": i.name_zh, "name_en": i.name_en, "unit": i.unit,
            "warehouse": w.code, "on_hand": b.on_hand, "reserved": b.reserved,
            "available": b.on_hand - b.reserved} for b, i, w in rows]
    return out, total


def lots(session: Session, sku: str, warehouse: str | None) -> list[dict[str, Any]]:
    """Lot balances of one SKU in FEFO order.

    Raises:
        UnknownItem, UnknownWarehouse: names not in the tenant.
    """
    item = item_by_sku(session, sku)
    stmt = (select(LotBalance, Lot, Warehouse).join(Lot, Lot.id == LotBalance.lot_id)
            .join(Warehouse, Warehouse.id == LotBalance.warehouse_id)
            .where(LotBalance.item_id == item.id, LotBalance.on_hand > 0))
    if warehouse:
        stmt = stmt.where(LotBalance.warehouse_id == warehouse_by_code(session, warehouse).id)
    stmt = stmt.order_by(Warehouse.code, Lot.expiry_date.is_(None), Lot.expiry_date, Lot.lot_no)
    return [{"sku": item.sku, "warehouse": w.code, "lot_no": lot.lot_no,
             "expiry_date": lot.expiry_date, "on_hand": lb.on_hand}
            for lb, lot, w in session.execute(stmt)]


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerFilter:
    """Filters of the ledger page."""

    sku: str | None = None
    warehouse: str | None = None
    reason: str | None = None
    document_ref: str | None = None
    event_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _aware(moment: datetime, name: str) -> datetime:
    """Read a time without an offset as UTC.

    Raises:
        InvalidInput: the time falls outside what a timestamp can hold once in UTC.
    """
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise InvalidInput(field=name, reason="time out of range",
                           reason_zh="时间超出范围") from exc


def ledger(session: Session, flt: LedgerFilter, *, offset: int, limit: int
           ) -> tuple[list[dict[str, Any]], int]:
    """Ledger rows, newest first, filtered.

    Raises:
        UnknownItem, UnknownWarehouse: a filter names something not in the tenant.
    """
    conditions: list[ColumnElement[bool]] = []
    if flt.sku:
        conditions.append(LedgerEntry.item_id == item_by_sku(session, flt.sku).id)
    if flt.warehouse:
        conditions.append(
            LedgerEntry.warehouse_id == warehouse_by_code(session, flt.warehouse).id)
    if flt.reason:
        conditions.append(LedgerEntry.reason == flt.reason)
    if flt.document_ref:
        conditions.append(LedgerEntry.document_ref == flt.document_ref)
    if flt.event_id:
        conditions.append(LedgerEntry.event_id == flt.event_id)
    if flt.since:
        conditions.append(LedgerEntry.created_at >= _aware(flt.since, "since"))
    if flt.until:
        conditions.append(LedgerEntry.created_at < _aware(flt.until, "until"))
    # Counted on the ledger alone: item and warehouse are foreign keys, so the inner joins
    # below drop no row, and the count stays an index scan on large ledgers.
    total = session.scalar(select(func.count()).select_from(LedgerEntry)
                           .where(*conditions)) or 0
    stmt = (select(LedgerEntry, Item.sku, Warehouse.code, Lot.lot_no)
            .join(Item, Item.id == LedgerEntry.item_id)
            .join(Warehouse, Warehouse.id == LedgerEntry.warehouse_id)
            .outerjoin(Lot, Lot.id == LedgerEntry.lot_id).where(*conditions))
    rows = session.execute(stmt.order_by(LedgerEntry.id.desc()).offset(offset).limit(limit))
    return [ledger_view(e, sku, wh, lot_no) for e, sku, wh, lot_no in rows], total


def ledger_view(e: LedgerEntry, sku: str, warehouse: str, lot_no: str | None) -> dict[str, Any]:
    """One ledger row as the API shows it."""
    return {"id": e.id, "sku": sku, "warehouse": warehouse, "lot_no": lot_no, "bucket": e.bucket,
            "qty": e.qty, "reason": e.reason, "note": e.note, "document_type": e.document_type,
            "document_ref": e.document_ref, "event_id": e.event_id,
            "cause_event_id": e.cause_event_id, "rule_version": e.rule_version,
            "rule_node": e.rule_node, "actor": e.actor, "created_at": e.created_at}


def ledger_entry(session: Session, entry_id: int) -> dict[str, Any] | None:
    """One ledger row of the tenant, or None."""
    row = session.execute(
        select(LedgerEntry, Item.sku, Warehouse.code, Lot.lot_no)
        .join(Item, Item.id == LedgerEntry.item_id)
        .join(Warehouse, Warehouse.id == LedgerEntry.warehouse_id)
        .outerjoin(Lot, Lot.id == LedgerEntry.lot_id).where(LedgerEntry.id == entry_id)).first()
    return ledger_view(*row) if row else None


def reservation(session: Session, reservation_id: str) -> dict[str, Any]:
    """One reservation.

    Raises:
        UnknownReservation: not in this tenant.
    """
    return reservation_view(*load_reservation(session, reservation_id))


def reservations(session: Session, *, status: str | None, sku: str | None, offset: int,
                 limit: int) -> tuple[list[dict[str, Any]], int]:
    """Reservations of the tenant, newest first."""
    stmt = (select(Reservation, Item, Warehouse).join(Item, Item.id == Reservation.item_id)
            .join(Warehouse, Warehouse.id == Reservation.warehouse_id))
    if status:
        stmt = stmt.where(Reservation.status == status)
    if sku:
        stmt = stmt.where(Reservation.item_id == item_by_sku(session, sku).id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(Reservation.created_at.desc(), Reservation.id)
                           .offset(offset).limit(limit))
    return [reservation_view(r, i, w) for r, i, w in rows], total


def ledger_sums(session: Session) -> dict[tuple[int, int, str], Decimal]:
    """Σ ledger qty per (item, warehouse, bucket): what the balances must equal."""
    rows = session.execute(select(LedgerEntry.item_id, LedgerEntry.warehouse_id,
                                  LedgerEntry.bucket, func.sum(LedgerEntry.qty))
                           .group_by(LedgerEntry.item_id, LedgerEntry.warehouse_id,
                                     LedgerEntry.bucket))
    return {(i, w, b): Decimal(s or 0) for i, w, b, s in rows}
