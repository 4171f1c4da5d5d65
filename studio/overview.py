"""What the dashboard shows: stock health, the alert inbox, recent events, movements by day.

Reads only, each one indexed query scoped to the session's tenant.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, cast, func, select
from sqlalchemy.orm import Session

from engine.models import InboxMessage
from inventory.models import Item, LedgerEntry, Lot, LotBalance, Warehouse
from kernel.models import OutboxEvent

NEAR_EXPIRY_DAYS = 30


def near_expiry(session: Session, today: date, limit: int = 10
                ) -> tuple[list[dict[str, Any]], int]:
    """Lots in stock that expire within ``NEAR_EXPIRY_DAYS``, soonest first, and their count."""
    horizon = today + timedelta(days=NEAR_EXPIRY_DAYS)
    stmt = (select(Item.sku, Item.name_zh, Item.name_en, Warehouse.code, Lot.lot_no,
                   Lot.expiry_date, LotBalance.on_hand)
            .join(Lot, Lot.id == LotBalance.lot_id).join(Item, Item.id == LotBalance.item_id)
            .join(Warehouse, Warehouse.id == LotBalance.warehouse_id)
            .where(LotBalance.on_hand > 0, Lot.expiry_date.is_not(None),
                   Lot.expiry_date <= horizon))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(Lot.expiry_date, Item.sku).limit(limit))
    return [{"sku": r[0], "name_zh": r[1], "name_en": r[2], "warehouse": r[3], "lot_no": r[4],
             "expiry_date": r[5], "on_hand": r[6], "days": (r[5] - today).days if r[5] else 0}
            for r in rows], total


def movements_by_day(session: Session, now: datetime, days: int = 14
                     ) -> list[dict[str, Any]]:
    """Ledger rows into and out of on-hand stock per day over the last ``days`` days.

    Rows, not quantities: quantities of different units (boxes, kilograms) do not add up.
    """
    since = now - timedelta(days=days)
    day: ColumnElement[Any] = (func.date(LedgerEntry.created_at)
                               if session.get_bind().dialect.name == "sqlite"
                               else cast(LedgerEntry.created_at, Date))
    qty = LedgerEntry.qty
    stmt = (select(day, func.count().filter(qty > 0), func.count().filter(qty < 0))
            .where(LedgerEntry.created_at >= since, LedgerEntry.bucket == "on_hand")
            .group_by(day).order_by(day))
    out = []
    for d, inbound, outbound in session.execute(stmt):
        out.append({"day": str(d), "in": int(str(inbound or 0)),
                    "out": int(str(outbound or 0))})
    return out


def recent_alerts(session: Session, limit: int = 8) -> list[InboxMessage]:
    """The newest alerts and notifications."""
    return list(session.scalars(select(InboxMessage).order_by(InboxMessage.id.desc())
                                .limit(limit)))


def recent_events(session: Session, limit: int = 10) -> list[OutboxEvent]:
    """The newest domain events."""
    return list(session.scalars(select(OutboxEvent).order_by(OutboxEvent.id.desc())
                                .limit(limit)))
