"""The work order (生产工单) state machine: statuses, transitions, events. Pure: no I/O.

draft → released (the shop floor may start) → issued (every component left the warehouse,
tied to the order) → received (the finished goods came in) → closed. A draft or a released
order can be cancelled; once components are issued the order must be finished (their
stock is spent), and a closed or cancelled order is final.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, TypedDict

from inventory.documents.machine import Transitions, step

DOCUMENT = "work_order"


class WorkOrderStatus(StrEnum):
    """Where a work order stands."""

    DRAFT = "draft"  # written; nothing has moved
    RELEASED = "released"  # released to the shop floor; components not yet issued
    ISSUED = "issued"  # every component issued out of the warehouse (领料)
    RECEIVED = "received"  # the finished goods were received into the warehouse (完工入库)
    CLOSED = "closed"  # finished and closed; final
    CANCELLED = "cancelled"  # abandoned before any component was issued; final


class WorkOrderAction(StrEnum):
    """What can happen to a work order."""

    RELEASE = "release"  # hand the order to the shop floor
    ISSUE = "issue"  # take the components out of stock
    RECEIVE = "receive"  # put the finished goods into stock
    CLOSE = "close"  # close a finished order
    CANCEL = "cancel"  # abandon an order whose components are still in stock


S, A = WorkOrderStatus, WorkOrderAction

TRANSITIONS: Transitions[WorkOrderStatus, WorkOrderAction] = {
    S.DRAFT: {A.RELEASE: S.RELEASED, A.CANCEL: S.CANCELLED},
    S.RELEASED: {A.ISSUE: S.ISSUED, A.CANCEL: S.CANCELLED},
    S.ISSUED: {A.RECEIVE: S.RECEIVED},
    S.RECEIVED: {A.CLOSE: S.CLOSED},
}


def transition(status: WorkOrderStatus, action: WorkOrderAction, no: str = ""
               ) -> WorkOrderStatus:
    """The status a work order reaches by ``action``.

    Raises:
        InvalidTransition: ``status`` does not allow ``action`` (names the allowed ones).
    """
    return step(TRANSITIONS, DOCUMENT, status, action, no)


#: The event each action emits.
EVENTS: dict[WorkOrderAction, str] = {
    A.RELEASE: "work_order.released",
    A.ISSUE: "work_order.components_issued",
    A.RECEIVE: "work_order.finished_goods_received",
    A.CLOSE: "work_order.closed",
    A.CANCEL: "work_order.cancelled",
}


class WorkOrderLinePayload(TypedDict):
    """One component issued, with the lots it came from."""

    line_no: int
    sku: str
    qty: str
    lots: list[list[str]]


class _WorkOrderEvent(TypedDict):
    no: str
    sku: str
    qty: str
    warehouse: str
    from_status: str
    to_status: str
    actor: str


class WorkOrderReleased(_WorkOrderEvent):
    """``work_order.released``: handed to the shop floor."""

    type: Literal["work_order.released"]


class WorkOrderComponentsIssued(_WorkOrderEvent):
    """``work_order.components_issued``: every component left the warehouse."""

    type: Literal["work_order.components_issued"]
    lines: list[WorkOrderLinePayload]


class WorkOrderFinishedGoodsReceived(_WorkOrderEvent):
    """``work_order.finished_goods_received``: the finished goods came in, in one lot."""

    type: Literal["work_order.finished_goods_received"]
    lot_no: str


class WorkOrderClosed(_WorkOrderEvent):
    """``work_order.closed``: a finished order was closed."""

    type: Literal["work_order.closed"]


class WorkOrderCancelled(_WorkOrderEvent):
    """``work_order.cancelled``: abandoned; nothing moved."""

    type: Literal["work_order.cancelled"]
