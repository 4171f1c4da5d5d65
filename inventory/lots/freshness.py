"""Fresh produce: the loss curve per category and near-expiry bundle suggestions (生鲜损耗).

The loss curve is read from the ledger: per category and day, what arrived on receipts and
what was written off (adjustments for damage, expiry, loss or a short count); the rate is
the cumulative loss over the cumulative receipts. Bundles pair each lot that expires within
a few days with the best-selling other item of its category, at a discount that grows as
the expiry date comes closer.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory.lots.freezes import frozen_lot_ids
from inventory.models import Item, LedgerEntry, Lot, LotBalance, Warehouse

#: Adjustment reasons that count as loss (the ledger row's note is the reason).
LOSS_REASONS: Final = frozenset({"damaged", "expired", "lost", "count_loss"})
#: Days left → discount percent of a bundle; further out than the last key: the last value.
BUNDLE_DISCOUNTS: Final = ((0, 50), (1, 30), (3, 20))
_ZERO = Decimal(0)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def loss_curve(session: Session, today: date, days: int) -> list[dict[str, Any]]:
    """Per category: one point per day of the last ``days`` days (received, lost, rate)."""
    first = today - timedelta(days=days - 1)
    rows = session.execute(
        select(Item.category, LedgerEntry.created_at, LedgerEntry.reason, LedgerEntry.note,
               LedgerEntry.qty)
        .join(Item, Item.id == LedgerEntry.item_id)
        .where(LedgerEntry.bucket == "on_hand", LedgerEntry.created_at >= _day_start(first),
               LedgerEntry.created_at < _day_start(today + timedelta(days=1)),
               LedgerEntry.reason.in_(("receipt", "adjustment"))))
    received: dict[tuple[str, date], Decimal] = defaultdict(lambda: _ZERO)
    lost: dict[tuple[str, date], Decimal] = defaultdict(lambda: _ZERO)
    categories: set[str] = set()
    for category, at, reason, note, qty in rows:
        day = at.astimezone(UTC).date()
        if reason == "receipt" and qty > 0:
            received[category, day] += qty
        elif reason == "adjustment" and qty < 0 and note.split(" ")[0] in LOSS_REASONS:
            lost[category, day] += -qty
        else:
            continue
        categories.add(category)
    curves = []
    for category in sorted(categories):
        total_in, total_lost, points = _ZERO, _ZERO, []
        for n in range(days):
            day = first + timedelta(days=n)
            total_in += received[category, day]
            total_lost += lost[category, day]
            rate = (total_lost / total_in).quantize(Decimal("0.0001")) if total_in else None
            points.append({"day": day.isoformat(), "received": str(received[category, day]),
                           "lost": str(lost[category, day]),
                           "loss_rate": str(rate) if rate is not None else None})
        curves.append({"category": category, "points": points,
                       "received": str(total_in), "lost": str(total_lost)})
    return curves


def bundle_discount(days_left: int) -> int:
    """The discount percent of a bundle whose lot has ``days_left`` days to go."""
    for limit, pct in BUNDLE_DISCOUNTS:
        if days_left <= limit:
            return pct
    return BUNDLE_DISCOUNTS[-1][1]


def _best_sellers(session: Session, since: datetime) -> dict[str, list[str]]:
    """Per category, SKUs by quantity shipped since ``since`` (most first)."""
    shipped = -func.sum(LedgerEntry.qty)
    rows = session.execute(
        select(Item.category, Item.sku, shipped).join(Item, Item.id == LedgerEntry.item_id)
        .where(LedgerEntry.reason == "shipment", LedgerEntry.bucket == "on_hand",
               LedgerEntry.created_at >= since)
        .group_by(Item.category, Item.sku).order_by(shipped.desc(), Item.sku))
    ranked: dict[str, list[str]] = defaultdict(list)
    for category, sku, _qty in rows:
        ranked[category].append(sku)
    return ranked


def near_expiry_bundles(session: Session, today: date, within_days: int) -> list[dict[str, Any]]:
    """Lots on hand that expire within ``within_days`` (not expired, not frozen), each with
    a partner item of its category to sell it with and a discount."""
    rows = session.execute(
        select(Lot, Item, Warehouse, LotBalance.on_hand)
        .join(LotBalance, LotBalance.lot_id == Lot.id).join(Item, Item.id == Lot.item_id)
        .join(Warehouse, Warehouse.id == LotBalance.warehouse_id)
        .where(LotBalance.on_hand > 0, Lot.expiry_date.is_not(None),
               Lot.expiry_date >= today, Lot.expiry_date <= today + timedelta(days=within_days))
        .order_by(Lot.expiry_date, Item.sku, Lot.lot_no))
    sellers = _best_sellers(session, _day_start(today - timedelta(days=14)))
    frozen: dict[int, set[int]] = {}
    bundles = []
    for lot, item, warehouse, on_hand in rows:
        if lot.id in frozen.setdefault(warehouse.id, frozen_lot_ids(session, warehouse.id)):
            continue
        assert lot.expiry_date is not None
        days_left = (lot.expiry_date - today).days
        partner = next((sku for sku in sellers.get(item.category, []) if sku != item.sku), None)
        bundles.append({"sku": item.sku, "name": item.name_zh, "category": item.category,
                        "lot_no": lot.lot_no, "warehouse": warehouse.code,
                        "expiry_date": lot.expiry_date.isoformat(), "days_left": days_left,
                        "on_hand": str(on_hand), "partner_sku": partner,
                        "discount_pct": bundle_discount(days_left)})
    return bundles
