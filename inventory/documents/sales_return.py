"""The sales return (退货单) state machine and its reasons. Pure: no I/O.

draft → posted (the goods are received back); cancelled from draft. Each line names
the original sales order line, and may return at most shipped − already returned.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, TypedDict

from inventory.documents.machine import Transitions, step

DOCUMENT = "sales_return"


class ReturnReason(StrEnum):
    """Why goods come back (a fixed list)."""

    DAMAGED = "damaged"  # 破损
    MISMATCH = "mismatch"  # 不符: not what was ordered
    LATE = "late"  # 超时: arrived too late
    OTHER = "other"  # 其他: see the note


class SalesReturnStatus(StrEnum):
    """Where a sales return stands."""

    DRAFT = "draft"  # announced; goods not yet back
    POSTED = "posted"  # goods received back into stock
    CANCELLED = "cancelled"  # abandoned


class SalesReturnAction(StrEnum):
    """What can happen to a sales return."""

    POST = "post"  # receive the goods back
    CANCEL = "cancel"  # abandon it


S, A = SalesReturnStatus, SalesReturnAction

TRANSITIONS: Transitions[SalesReturnStatus, SalesReturnAction] = {
    S.DRAFT: {A.POST: S.POSTED, A.CANCEL: S.CANCELLED},
}


def transition(status: SalesReturnStatus, action: SalesReturnAction, no: str = ""
               ) -> SalesReturnStatus:
    """The status a sales return reaches by ``action``.

    Raises:
        InvalidTransition: ``status`` does not allow ``action`` (names the allowed ones).
    """
    return step(TRANSITIONS, DOCUMENT, status, action, no)


#: The event each action emits.
EVENTS: dict[SalesReturnAction, str] = {
    A.POST: "sales_return.posted",
    A.CANCEL: "sales_return.cancelled",
}


class SalesReturnLinePayload(TypedDict):
    """One returned line."""

    line_no: int
    order_line_no: int
    sku: str
    qty: str


class _SalesReturnEvent(TypedDict):
    no: str
    from_status: str
    to_status: str
    sales_order_no: str
    warehouse: str
    reason: str
    actor: str


class SalesReturnPosted(_SalesReturnEvent):
    """``sales_return.posted``: the goods are back on hand."""

    type: Literal["sales_return.posted"]
    lines: list[SalesReturnLinePayload]


class SalesReturnCancelled(_SalesReturnEvent):
    """``sales_return.cancelled``."""

    type: Literal["sales_return.cancelled"]
