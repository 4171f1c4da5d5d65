"""The sales order (销售单) state machine: statuses, transitions, events. Pure: no I/O.

draft → confirmed (stock reserved per line; a deposit order's hold expires) →
partially_shipped → shipped → closed; cancelled from draft, confirmed or
partially_shipped (what is still reserved is released).
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Literal, TypedDict

from inventory.documents.machine import Transitions, step

DOCUMENT = "sales_order"
#: How long a deposit order's reservation holds when the order names no hold time.
DEFAULT_DEPOSIT_HOLD = timedelta(hours=2)


class SalesOrderStatus(StrEnum):
    """Where a sales order stands."""

    DRAFT = "draft"  # being written; nothing reserved
    CONFIRMED = "confirmed"  # every line's stock is reserved
    PARTIALLY_SHIPPED = "partially_shipped"  # some lines or quantities have left
    SHIPPED = "shipped"  # every line has left in full
    CLOSED = "closed"  # finished; nothing more happens
    CANCELLED = "cancelled"  # abandoned; remaining holds released


class SalesOrderAction(StrEnum):
    """What can happen to a sales order."""

    CONFIRM = "confirm"  # reserve stock for every line
    SHIP_PART = "ship_part"  # a shipment left, and some quantity is still open
    SHIP_ALL = "ship_all"  # a shipment left, and nothing is open any more
    CLOSE = "close"  # file the shipped order
    CANCEL = "cancel"  # abandon the order, releasing what is still held


S, A = SalesOrderStatus, SalesOrderAction

TRANSITIONS: Transitions[SalesOrderStatus, SalesOrderAction] = {
    S.DRAFT: {A.CONFIRM: S.CONFIRMED, A.CANCEL: S.CANCELLED},
    S.CONFIRMED: {A.SHIP_PART: S.PARTIALLY_SHIPPED, A.SHIP_ALL: S.SHIPPED,
                  A.CANCEL: S.CANCELLED},
    S.PARTIALLY_SHIPPED: {A.SHIP_PART: S.PARTIALLY_SHIPPED, A.SHIP_ALL: S.SHIPPED,
                          A.CANCEL: S.CANCELLED},
    S.SHIPPED: {A.CLOSE: S.CLOSED},
}


def transition(status: SalesOrderStatus, action: SalesOrderAction, no: str = ""
               ) -> SalesOrderStatus:
    """The status a sales order reaches by ``action``.

    Raises:
        InvalidTransition: ``status`` does not allow ``action`` (names the allowed ones).
    """
    return step(TRANSITIONS, DOCUMENT, status, action, no)


#: The event each action emits.
EVENTS: dict[SalesOrderAction, str] = {
    A.CONFIRM: "sales_order.confirmed",
    A.SHIP_PART: "sales_order.partially_shipped",
    A.SHIP_ALL: "sales_order.shipped",
    A.CLOSE: "sales_order.closed",
    A.CANCEL: "sales_order.cancelled",
}


class SalesOrderLinePayload(TypedDict):
    """One line as events carry it (quantities as decimal strings)."""

    line_no: int
    sku: str
    qty: str
    shipped_qty: str
    reservation_id: str | None


class _SalesOrderEvent(TypedDict):
    no: str
    from_status: str
    to_status: str
    customer: str
    warehouse: str
    #: The sales channel's code, or None for an order outside every channel.
    channel: str | None
    actor: str


class SalesOrderConfirmed(_SalesOrderEvent):
    """``sales_order.confirmed``: stock is held for every line."""

    type: Literal["sales_order.confirmed"]
    deposit_amount: str
    #: When a deposit order's holds lapse (ISO 8601); None when they never do.
    hold_expires_at: str | None
    lines: list[SalesOrderLinePayload]


class SalesOrderShipped(_SalesOrderEvent):
    """``sales_order.partially_shipped`` / ``sales_order.shipped``: a shipment left."""

    type: Literal["sales_order.partially_shipped", "sales_order.shipped"]
    shipment_no: str
    lines: list[SalesOrderLinePayload]


class SalesOrderClosed(_SalesOrderEvent):
    """``sales_order.closed``: filed."""

    type: Literal["sales_order.closed"]


class SalesOrderCancelled(_SalesOrderEvent):
    """``sales_order.cancelled``: abandoned; ``released`` lists the holds given back."""

    type: Literal["sales_order.cancelled"]
    released: list[str]
    #: Every line with the hold it had (now released, consumed or lapsed).
    lines: list[SalesOrderLinePayload]
