"""Freezing lots by location: a warm freezer holds every lot on hand in it (冻结库位批次).

A freeze is not a stock movement (no quantity changes), so it writes no ledger row; the
``lot_freeze`` row carries who froze it and why: the rule's event, version and node when a
rule did (:class:`~inventory.commands.Provenance`), or the person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory.commands import CommandContext
from inventory.errors import UnknownLot
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.lots.errors import LotNotFrozen
from inventory.lots.models import LotFreeze
from inventory.models import Item, Lot, LotBalance, Warehouse


def lots_in_location(session: Session, warehouse: Warehouse) -> list[tuple[Lot, Item, Any]]:
    """The lots with goods on hand in ``warehouse``: (lot, item, on hand), by SKU and lot."""
    return [(lot, item, on_hand) for lot, item, on_hand in session.execute(
        select(Lot, Item, LotBalance.on_hand)
        .join(LotBalance, LotBalance.lot_id == Lot.id)
        .join(Item, Item.id == Lot.item_id)
        .where(LotBalance.warehouse_id == warehouse.id, LotBalance.on_hand > 0)
        .order_by(Item.sku, Lot.lot_no))]


def frozen_lot_ids(session: Session, warehouse_id: int) -> set[int]:
    """Ids of the lots frozen in one location."""
    return set(session.scalars(select(LotFreeze.lot_id).where(
        LotFreeze.warehouse_id == warehouse_id, LotFreeze.status == "frozen")))


def freeze_location(session: Session, ctx: CommandContext, warehouse_code: str, reason: str,
                    now: datetime) -> list[dict[str, Any]]:
    """Freeze every lot on hand in ``warehouse_code``; one entry per lot with its outcome
    (``frozen``, or ``already frozen`` — nothing changes twice).

    Raises:
        UnknownWarehouse: no such location in the tenant.
    """
    warehouse = warehouse_by_code(session, warehouse_code)
    rows = {r.lot_id: r for r in session.scalars(select(LotFreeze).where(
        LotFreeze.warehouse_id == warehouse.id))}
    prov = ctx.provenance
    done: list[dict[str, Any]] = []
    for lot, item, on_hand in lots_in_location(session, warehouse):
        row = rows.get(lot.id)
        outcome = "already frozen" if row is not None and row.status == "frozen" else "frozen"
        if row is None:
            row = LotFreeze(tenant_id=ctx.tenant_id, lot_id=lot.id, warehouse_id=warehouse.id)
            session.add(row)
        if outcome == "frozen":
            row.status, row.reason, row.actor, row.frozen_at = "frozen", reason, ctx.actor, now
            row.cause_event_id, row.rule_version, row.rule_node = (
                prov.cause_event_id, prov.rule_version, prov.rule_node)
            row.released_at, row.released_by = None, ""
        done.append({"sku": item.sku, "lot_no": lot.lot_no, "warehouse": warehouse.code,
                     "on_hand": str(on_hand), "outcome": outcome})
    session.flush()
    return done


def freeze_lot(session: Session, ctx: CommandContext, lot_no: str, reason: str,
               now: datetime) -> list[dict[str, Any]]:
    """Freeze lot ``lot_no`` (of any SKU) in every location that holds it; one entry per
    lot and location with its outcome (``frozen`` or ``already frozen``).

    Raises:
        UnknownLot: no lot with that number holds goods anywhere in the tenant.
    """
    held = session.execute(
        select(Lot, Item, Warehouse, LotBalance.on_hand)
        .join(LotBalance, LotBalance.lot_id == Lot.id).join(Item, Item.id == Lot.item_id)
        .join(Warehouse, Warehouse.id == LotBalance.warehouse_id)
        .where(Lot.lot_no == lot_no, LotBalance.on_hand > 0)
        .order_by(Item.sku, Warehouse.code)).all()
    if not held:
        raise UnknownLot(sku="*", lot_no=lot_no)
    prov = ctx.provenance
    done: list[dict[str, Any]] = []
    for lot, item, warehouse, on_hand in held:
        row = session.scalar(select(LotFreeze).where(LotFreeze.lot_id == lot.id,
                                                     LotFreeze.warehouse_id == warehouse.id))
        outcome = "already frozen" if row is not None and row.status == "frozen" else "frozen"
        if row is None:
            row = LotFreeze(tenant_id=ctx.tenant_id, lot_id=lot.id, warehouse_id=warehouse.id)
            session.add(row)
        if outcome == "frozen":
            row.status, row.reason, row.actor, row.frozen_at = "frozen", reason, ctx.actor, now
            row.cause_event_id, row.rule_version, row.rule_node = (
                prov.cause_event_id, prov.rule_version, prov.rule_node)
            row.released_at, row.released_by = None, ""
        done.append({"sku": item.sku, "lot_no": lot.lot_no, "warehouse": warehouse.code,
                     "on_hand": str(on_hand), "outcome": outcome})
    session.flush()
    return done


def release_lot(session: Session, ctx: CommandContext, sku: str, lot_no: str,
                warehouse_code: str, now: datetime) -> dict[str, Any]:
    """Lift the freeze of one lot in one location (a person's decision, never a rule's).

    Raises:
        UnknownItem, UnknownWarehouse, UnknownLot: names unknown in the tenant.
        LotNotFrozen: the lot is not frozen there.
    """
    item = item_by_sku(session, sku)
    warehouse = warehouse_by_code(session, warehouse_code)
    lot = session.scalar(select(Lot).where(Lot.item_id == item.id, Lot.lot_no == lot_no))
    if lot is None:
        raise UnknownLot(sku=sku, lot_no=lot_no)
    row = session.scalar(select(LotFreeze).where(LotFreeze.lot_id == lot.id,
                                                 LotFreeze.warehouse_id == warehouse.id))
    if row is None or row.status != "frozen":
        raise LotNotFrozen(sku=sku, lot_no=lot_no, warehouse=warehouse.code)
    row.status, row.released_at, row.released_by = "released", now, ctx.actor
    session.flush()
    return freeze_view(row, item, lot, warehouse)


def freeze_view(row: LotFreeze, item: Item, lot: Lot, warehouse: Warehouse) -> dict[str, Any]:
    """A lot freeze as the API shows it."""
    return {"sku": item.sku, "lot_no": lot.lot_no, "warehouse": warehouse.code,
            "expiry_date": lot.expiry_date.isoformat() if lot.expiry_date else None,
            "status": row.status, "reason": row.reason, "actor": row.actor,
            "cause_event_id": row.cause_event_id, "rule_version": row.rule_version,
            "rule_node": row.rule_node, "frozen_at": row.frozen_at.isoformat(),
            "released_at": row.released_at.isoformat() if row.released_at else None,
            "released_by": row.released_by}


def list_freezes(session: Session, status: str | None, offset: int, limit: int
                 ) -> tuple[list[dict[str, Any]], int]:
    """Lot freezes of the session's tenant, newest first, optionally of one status."""
    query = (select(LotFreeze, Item, Lot, Warehouse)
             .join(Lot, Lot.id == LotFreeze.lot_id).join(Item, Item.id == Lot.item_id)
             .join(Warehouse, Warehouse.id == LotFreeze.warehouse_id))
    if status is not None:
        query = query.where(LotFreeze.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(LotFreeze.frozen_at.desc(), LotFreeze.id.desc())
                           .offset(offset).limit(limit))
    return [freeze_view(*r) for r in rows], total
