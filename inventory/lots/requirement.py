"""Lots and expiry are mandatory on receipts of perishable items (易腐商品必填批次与保质期).

An item is perishable when its ``perishable`` attribute (declared by the food pack) is true.
The check runs inside the receipt's transaction, through the
:class:`~inventory.guards.StockGuard` seam, while the ``lots`` module is switched on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory.guards import RECEIPT_REQUESTED
from inventory.lots.errors import LotRequired
from inventory.models import Item

#: The item attribute that marks a perishable item.
PERISHABLE: Final = "perishable"


__all__ = ["PERISHABLE", "RECEIPT_REQUESTED", "check_receipt_lines", "is_perishable"]


def is_perishable(item: Item) -> bool:
    """True when the item's ``perishable`` attribute is set."""
    return bool((item.attributes or {}).get(PERISHABLE))


def check_receipt_lines(session: Session, lines: Sequence[Mapping[str, Any]]) -> None:
    """Refuse the first line of a perishable item without a lot number or expiry date.

    ``lines`` are ``{"line_no", "sku", "lot_no", "expiry_date"}``.

    Raises:
        LotRequired: a perishable line lacks its lot number or expiry date.
    """
    skus = {str(line["sku"]) for line in lines}
    perishable = {item.sku for item in session.scalars(select(Item).where(Item.sku.in_(skus)))
                  if is_perishable(item)}
    for line in lines:
        if line["sku"] not in perishable:
            continue
        missing = [(en, zh) for key, en, zh in (("lot_no", "lot number", "批次号"),
                                                  ("expiry_date", "expiry date", "保质期"))
                   if not line.get(key)]
        if missing:
            raise LotRequired(line_no=line["line_no"], sku=line["sku"],
                              missing=", ".join(en for en, _ in missing),
                              missing_zh="、".join(zh for _, zh in missing))
