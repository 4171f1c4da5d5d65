"""FEFO picking suggestion (先到期先出): which lots to pick, earliest expiry first.

Frozen lots (a warm freezer) and expired lots are never suggested; they are listed with the
reason they were skipped, so the picker sees why the shelf's first box is not on the list.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory.commands import checked_qty
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.lots.freezes import frozen_lot_ids
from inventory.models import Lot, LotBalance


def suggest_picks(session: Session, sku: str, warehouse_code: str, qty: Decimal,
                  today: date) -> dict[str, Any]:
    """The lots to pick ``qty`` of ``sku`` from, earliest expiry first (no expiry last).

    Raises:
        UnknownItem, UnknownWarehouse: names unknown in the tenant.
        InvalidQuantity: ``qty`` is not a positive quantity.
    """
    wanted = checked_qty(qty)
    item = item_by_sku(session, sku)
    warehouse = warehouse_by_code(session, warehouse_code)
    frozen = frozen_lot_ids(session, warehouse.id)
    rows = session.execute(
        select(Lot, LotBalance.on_hand).join(LotBalance, LotBalance.lot_id == Lot.id)
        .where(LotBalance.item_id == item.id, LotBalance.warehouse_id == warehouse.id,
               LotBalance.on_hand > 0)
        .order_by(Lot.expiry_date.is_(None), Lot.expiry_date, Lot.lot_no, Lot.id))
    picks: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    left = wanted
    for lot, on_hand in rows:
        expiry = lot.expiry_date.isoformat() if lot.expiry_date else None
        why = ("frozen" if lot.id in frozen
               else "expired" if lot.expiry_date is not None and lot.expiry_date < today
               else None)
        if why is not None:
            skipped.append({"lot_no": lot.lot_no, "expiry_date": expiry,
                            "on_hand": str(on_hand), "reason": why})
            continue
        if left <= 0:
            continue
        take = min(left, on_hand)
        left -= take
        picks.append({"lot_no": lot.lot_no, "expiry_date": expiry, "on_hand": str(on_hand),
                      "take": str(take),
                      "days_left": (lot.expiry_date - today).days if lot.expiry_date else None})
    return {"sku": item.sku, "warehouse": warehouse.code, "qty": str(wanted), "picks": picks,
            "short": str(max(left, Decimal(0))), "skipped": skipped}
