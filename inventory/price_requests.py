"""A price change request: the item's prices as an event, asked of guards, then queued.

``price.change_requested`` is a guard event: guard rules are asked inside the request's own
transaction (a refusal rolls it back, as ``sales_order.confirm_requested`` does), and the
event goes to the outbox in the same transaction, so reaction rules (promotion, rebate:
``set price.final_price …``) run after commit in the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from inventory import guards
from inventory.guarantees import append_event, new_event_id
from inventory.lookup import item_by_sku

#: The event a price request raises.
PRICE_CHANGE_REQUESTED = "price.change_requested"


@dataclass(frozen=True, slots=True)
class PriceRequest:
    """A request to price one SKU: its list price (default: the item's) and promotion."""

    sku: str
    list_price: Decimal | None = None
    promotion_price: Decimal | None = None
    rebate_rate: Decimal | None = None


def request_price_change(session: Session, tenant_id: int, request: PriceRequest,
                         now: datetime, guard: guards.StockGuard | None = None) -> str:
    """Ask guards about the request and queue ``price.change_requested``; its event id.

    ``price.list_price`` is the requested list price, ``price.promotion_price`` and
    ``price.final_price`` start at the promotion price (else the list price): rules set
    ``price.final_price`` from there.

    Raises:
        NotFound: no item has the SKU.
        DomainError: a guard rule refused the request (nothing is queued).
    """
    item = item_by_sku(session, request.sku)
    listed = request.list_price if request.list_price is not None else item.list_price
    start = request.promotion_price if request.promotion_price is not None else listed
    price: dict[str, Any] = {"list_price": _text(listed), "promotion_price": _text(start),
                             "final_price": _text(start)}
    if request.rebate_rate is not None:
        price["rebate_rate"] = str(request.rebate_rate)
    entities: dict[str, Any] = {
        "item": {"sku": item.sku, "category": item.category,
                 "list_price": _text(item.list_price), "cost_price": _text(item.cost_price)},
        "price": price}
    guards.check(guard, session, tenant_id, PRICE_CHANGE_REQUESTED, entities, now)
    event_id = new_event_id()
    append_event(session, tenant_id, event_id, PRICE_CHANGE_REQUESTED, item.sku, entities, now)
    return event_id


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


__all__ = ["PRICE_CHANGE_REQUESTED", "PriceRequest", "request_price_change"]
