"""The distributed stock board: ledger stock per SKU in every warehouse and store, beside
the count each store's edge device last reported (MQTT ``edge.stock_reported`` events).

The ledger is the truth (every change went through a document); an edge report is shown
next to it with the difference, so a store whose shelf and books disagree stands out. A
report changes no stock: correcting it is a stocktake or an adjustment, like any other.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory.lookup import item_by_sku
from inventory.models import Item, StockBalance, Warehouse
from kernel.models import OutboxEvent

#: The module name packs switch on (``modules = ["stock_board"]``).
MODULE = "stock_board"
#: The event an edge device's stock message becomes (General pack's edge stock sync).
EDGE_EVENT = "edge.stock_reported"


def _quantity(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _edge_reports(session: Session, skus: set[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """The latest report per (store, SKU) among ``skus`` (by event order)."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    rows = session.execute(select(OutboxEvent.payload, OutboxEvent.occurred_at)
                           .where(OutboxEvent.type == EDGE_EVENT).order_by(OutboxEvent.id))
    for payload, occurred_at in rows:
        edge = payload.get("edge") if isinstance(payload, dict) else None
        if not isinstance(edge, dict) or edge.get("sku") not in skus:
            continue
        on_hand = _quantity(edge.get("on_hand"))
        if on_hand is None:
            continue
        latest[(str(edge.get("store")), str(edge["sku"]))] = {
            "on_hand": on_hand, "counted_at": edge.get("counted_at"),
            "reported_at": occurred_at}
    return latest


def stock_board(session: Session, *, sku: str | None, kind: str | None, offset: int,
                limit: int) -> tuple[list[dict[str, Any]], int]:
    """One row per SKU (paged, by SKU): totals and each location's stock, with the store's
    last edge report and its difference from the ledger.

    Raises:
        UnknownItem: ``sku`` is not in the tenant.
    """
    items = select(Item).where(Item.id.in_(select(StockBalance.item_id)))
    if sku:
        items = items.where(Item.id == item_by_sku(session, sku).id)
    total = session.scalar(select(func.count()).select_from(items.subquery())) or 0
    page = list(session.scalars(items.order_by(Item.sku).offset(offset).limit(limit)))
    places = (select(StockBalance, Warehouse)
              .join(Warehouse, Warehouse.id == StockBalance.warehouse_id)
              .where(StockBalance.item_id.in_([i.id for i in page]),
                     Warehouse.kind != "transit"))
    if kind:
        places = places.where(Warehouse.kind == kind)
    by_item: dict[int, list[tuple[StockBalance, Warehouse]]] = {}
    for balance, warehouse in session.execute(places.order_by(Warehouse.code)):
        by_item.setdefault(balance.item_id, []).append((balance, warehouse))
    reports = _edge_reports(session, {i.sku for i in page})
    out = []
    for item in page:
        locations = []
        held = by_item.get(item.id, [])
        for balance, warehouse in held:
            report = reports.get((warehouse.code, item.sku))
            locations.append({
                "location": warehouse.code, "kind": warehouse.kind,
                "name_zh": warehouse.name_zh, "on_hand": balance.on_hand,
                "reserved": balance.reserved, "available": balance.on_hand - balance.reserved,
                "edge_on_hand": report["on_hand"] if report else None,
                "edge_reported_at": report["reported_at"] if report else None,
                "edge_difference": report["on_hand"] - balance.on_hand if report else None})
        out.append({"sku": item.sku, "name_zh": item.name_zh, "name_en": item.name_en,
                    "unit": item.unit,
                    "on_hand": sum((b.on_hand for b, _ in held), Decimal(0)),
                    "available": sum((b.on_hand - b.reserved for b, _ in held), Decimal(0)),
                    "locations": locations})
    return out, total
