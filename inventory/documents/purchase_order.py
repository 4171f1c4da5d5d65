"""The purchase order (采购单) state machine: statuses, transitions, events. Pure: no I/O.

draft → approved → partially_received → received → closed; cancelled from draft or
approved. Receipts move it on when they are put away; a partially received order may
also be closed short (强制结案).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, TypedDict

from inventory.documents.machine import Transitions, step

DOCUMENT = "purchase_order"


class PurchaseOrderStatus(StrEnum):
    """Where a purchase order stands."""

    DRAFT = "draft"  # being written
    APPROVED = "approved"  # sent to the supplier; receipts may be posted against it
    PARTIALLY_RECEIVED = "partially_received"  # some quantity has been put away
    RECEIVED = "received"  # every line has been put away in full
    CLOSED = "closed"  # finished (in full, or closed short)
    CANCELLED = "cancelled"  # abandoned before anything arrived


class PurchaseOrderAction(StrEnum):
    """What can happen to a purchase order."""

    APPROVE = "approve"  # release it to the supplier
    RECEIVE_PART = "receive_part"  # a receipt was put away, and some quantity is still open
    RECEIVE_ALL = "receive_all"  # a receipt was put away, and nothing is open any more
    CLOSE = "close"  # file it (a partially received order is closed short)
    CANCEL = "cancel"  # abandon it


S, A = PurchaseOrderStatus, PurchaseOrderAction

TRANSITIONS: Transitions[PurchaseOrderStatus, PurchaseOrderAction] = {
    S.DRAFT: {A.APPROVE: S.APPROVED, A.CANCEL: S.CANCELLED},
    S.APPROVED: {A.RECEIVE_PART: S.PARTIALLY_RECEIVED, A.RECEIVE_ALL: S.RECEIVED,
                 A.CANCEL: S.CANCELLED},
    S.PARTIALLY_RECEIVED: {A.RECEIVE_PART: S.PARTIALLY_RECEIVED, A.RECEIVE_ALL: S.RECEIVED,
                           A.CLOSE: S.CLOSED},
    S.RECEIVED: {A.CLOSE: S.CLOSED},
}

#: Statuses in which a receipt may be written against the order.
RECEIVABLE = frozenset({S.APPROVED, S.PARTIALLY_RECEIVED})


def transition(status: PurchaseOrderStatus, action: PurchaseOrderAction, no: str = ""
               ) -> PurchaseOrderStatus:
    """The status a purchase order reaches by ``action``.

    Raises:
        InvalidTransition: ``status`` does not allow ``action`` (names the allowed ones).
    """
    return step(TRANSITIONS, DOCUMENT, status, action, no)


#: The event each action emits.
EVENTS: dict[PurchaseOrderAction, str] = {
    A.APPROVE: "purchase_order.approved",
    A.RECEIVE_PART: "purchase_order.partially_received",
    A.RECEIVE_ALL: "purchase_order.received",
    A.CLOSE: "purchase_order.closed",
    A.CANCEL: "purchase_order.cancelled",
}


class _PurchaseOrderEvent(TypedDict):
    no: str
    from_status: str
    to_status: str
    supplier: str
    warehouse: str
    actor: str


class PurchaseOrderApproved(_PurchaseOrderEvent):
    """``purchase_order.approved``."""

    type: Literal["purchase_order.approved"]


class PurchaseOrderReceived(_PurchaseOrderEvent):
    """``purchase_order.partially_received`` / ``.received``: a receipt was put away."""

    type: Literal["purchase_order.partially_received", "purchase_order.received"]
    receipt_no: str


class PurchaseOrderClosed(_PurchaseOrderEvent):
    """``purchase_order.closed``."""

    type: Literal["purchase_order.closed"]


class PurchaseOrderCancelled(_PurchaseOrderEvent):
    """``purchase_order.cancelled``."""

    type: Literal["purchase_order.cancelled"]
