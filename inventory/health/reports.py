"""Inventory-health reports: near-expiry lots (FEFO) and count variance over time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from inventory.documents import stocktake
from inventory.documents.warehouse_models import Stocktake, StocktakeLine
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.models import Item, Lot, LotBalance, Warehouse


@dataclass(frozen=True, slots=True, kw_only=True)
class NearExpiryFilter:
    """Lots expiring within ``horizon_days`` of ``today`` (already expired ones included)."""

    today: date
    horizon_days: int
    warehouse: str | None = None
    sku: str | None = None


def near_expiry(session: Session, flt: NearExpiryFilter, *, offset: int, limit: int
                ) -> tuple[list[dict[str, Any]], int]:
    """Lots on hand that expire within the horizon, per warehouse, earliest expiry first.

    Raises:
        UnknownItem, UnknownWarehouse: a filter names something not in the tenant.
    """
    conditions: list[ColumnElement[bool]] = [
        LotBalance.on_hand > 0, Lot.expiry_date.is_not(None),
        Lot.expiry_date <= flt.today + timedelta(days=flt.horizon_days)]
    if flt.warehouse:
        conditions.append(LotBalance.warehouse_id == warehouse_by_code(session, flt.warehouse).id)
    if flt.sku:
        conditions.append(LotBalance.item_id == item_by_sku(session, flt.sku).id)
    stmt = (select(LotBalance.on_hand, Lot, Item, Warehouse.code)
            .join(Lot, Lot.id == LotBalance.lot_id).join(Item, Item.id == LotBalance.item_id)
            .join(Warehouse, Warehouse.id == LotBalance.warehouse_id).where(*conditions))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(Warehouse.code, Lot.expiry_date, Item.sku, Lot.lot_no)
                           .offset(offset).limit(limit))
    out = []
    for on_hand, lot, item, warehouse in rows:
        assert lot.expiry_date is not None  # filtered above
        out.append({"warehouse": warehouse, "sku": item.sku, "name_zh": item.name_zh,
                    "name_en": item.name_en, "unit": item.unit, "lot_no": lot.lot_no,
                    "expiry_date": lot.expiry_date,
                    "days_left": (lot.expiry_date - flt.today).days, "on_hand": on_hand})
    return out, total


@dataclass(frozen=True, slots=True, kw_only=True)
class VarianceFilter:
    """Posted stocktakes in ``[since, until]``, optionally of one warehouse or SKU."""

    since: datetime
    until: datetime
    warehouse: str | None = None
    sku: str | None = None


def variance_series(session: Session, flt: VarianceFilter) -> dict[str, Any]:
    """Count-variance rates over time: one point per posted stocktake, and per SKU.

    Rates are the ones stored when each stocktake was posted (``variance_rate_ppm``),
    oldest first; a line whose system quantity was zero has no rate (None).

    Raises:
        UnknownItem, UnknownWarehouse: a filter names something not in the tenant.
    """
    conditions: list[ColumnElement[bool]] = [
        Stocktake.status == "posted", Stocktake.posted_at >= flt.since,
        Stocktake.posted_at <= flt.until]
    if flt.warehouse:
        conditions.append(Stocktake.warehouse_id == warehouse_by_code(session, flt.warehouse).id)
    item_id = item_by_sku(session, flt.sku).id if flt.sku else None
    counts = []
    docs = session.execute(select(Stocktake, Warehouse.code)
                           .join(Warehouse, Warehouse.id == Stocktake.warehouse_id)
                           .where(*conditions).order_by(Stocktake.posted_at, Stocktake.id)).all()
    by_sku: dict[str, list[dict[str, Any]]] = {}
    for doc, warehouse in docs:
        line_stmt = (select(StocktakeLine, Item.sku).join(Item, Item.id == StocktakeLine.item_id)
                     .where(StocktakeLine.stocktake_id == doc.id)
                     .order_by(StocktakeLine.line_no))
        if item_id is not None:
            line_stmt = line_stmt.where(StocktakeLine.item_id == item_id)
        lines = session.execute(line_stmt).all()
        if item_id is not None and not lines:
            continue
        counts.append({"no": doc.no, "warehouse": warehouse, "posted_at": doc.posted_at,
                       "variance_rate": stocktake.from_ppm(doc.variance_rate_ppm),
                       "lines": len(lines)})
        for line, sku in lines:
            by_sku.setdefault(sku, []).append({
                "no": doc.no, "warehouse": warehouse, "posted_at": doc.posted_at,
                "system_qty": line.system_qty, "counted_qty": line.counted_qty,
                "variance_rate": stocktake.from_ppm(line.variance_rate_ppm)})
    return {"counts": counts,
            "skus": [{"sku": sku, "points": points} for sku, points in sorted(by_sku.items())]}
