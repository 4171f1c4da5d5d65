"""The adjustment (库存调整单) state machine, its reasons and the approval threshold. Pure.

draft → posted (the correction is applied) when it is within the threshold; above it,
draft → awaiting_approval, and a second user — never the creator — approves (posted)
or rejects it. A draft or an adjustment awaiting approval can be cancelled.
Every adjustment carries a reason from a fixed list and at least one photo.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal, TypedDict

from inventory.documents.machine import Transitions, step

DOCUMENT = "adjustment"


class AdjustmentReason(StrEnum):
    """Why stock is corrected (a fixed list)."""

    COUNT_GAIN = "count_gain"  # 盘盈: more counted than on the books
    COUNT_LOSS = "count_loss"  # 盘亏: less counted than on the books
    DAMAGED = "damaged"  # 破损报废
    EXPIRED = "expired"  # 过期报废
    LOST = "lost"  # 丢失
    FOUND = "found"  # 找回
    STOCKTAKE = "stocktake"  # 盘点差异: the variances of a posted stocktake
    OTHER = "other"  # 其他: see the note


class AdjustmentStatus(StrEnum):
    """Where an adjustment stands."""

    DRAFT = "draft"  # written; stock unchanged
    AWAITING_APPROVAL = "awaiting_approval"  # above the threshold: waits for a second user
    POSTED = "posted"  # applied to stock
    REJECTED = "rejected"  # the approver refused it; stock unchanged
    CANCELLED = "cancelled"  # withdrawn; stock unchanged


class AdjustmentAction(StrEnum):
    """What can happen to an adjustment."""

    POST = "post"  # apply directly (within the threshold)
    SUBMIT = "submit"  # ask for a second user's approval (above the threshold)
    APPROVE = "approve"  # a second user approves: applied to stock
    REJECT = "reject"  # a second user refuses
    CANCEL = "cancel"  # withdraw


S, A = AdjustmentStatus, AdjustmentAction

TRANSITIONS: Transitions[AdjustmentStatus, AdjustmentAction] = {
    S.DRAFT: {A.POST: S.POSTED, A.SUBMIT: S.AWAITING_APPROVAL, A.CANCEL: S.CANCELLED},
    S.AWAITING_APPROVAL: {A.APPROVE: S.POSTED, A.REJECT: S.REJECTED, A.CANCEL: S.CANCELLED},
}


def transition(status: AdjustmentStatus, action: AdjustmentAction, no: str = ""
               ) -> AdjustmentStatus:
    """The status an adjustment reaches by ``action``.

    Raises:
        InvalidTransition: ``status`` does not allow ``action`` (names the allowed ones).
    """
    return step(TRANSITIONS, DOCUMENT, status, action, no)


@dataclass(frozen=True, slots=True, kw_only=True)
class ApprovalThreshold:
    """Above either limit an adjustment needs a second user's approval (None: no limit)."""

    #: Largest |qty| of one line that may post without approval.
    qty: Decimal | None = None
    #: Largest Σ |qty| × unit cost of the adjustment that may post without approval.
    value: Decimal | None = None


def needs_approval(threshold: ApprovalThreshold,
                   lines: Iterable[tuple[Decimal, Decimal]]) -> bool:
    """True when (qty, unit cost) lines exceed the threshold by quantity or by value."""
    lines = list(lines)
    if threshold.qty is not None and any(abs(q) > threshold.qty for q, _ in lines):
        return True
    value = sum((abs(q) * cost for q, cost in lines), Decimal(0))
    return threshold.value is not None and value > threshold.value


#: The event each action emits.
EVENTS: dict[AdjustmentAction, str] = {
    A.POST: "adjustment.posted",
    A.SUBMIT: "adjustment.submitted",
    A.APPROVE: "adjustment.posted",
    A.REJECT: "adjustment.rejected",
    A.CANCEL: "adjustment.cancelled",
}


class AdjustmentLinePayload(TypedDict):
    """One corrected line."""

    line_no: int
    sku: str
    qty: str
    unit_cost: str


class _AdjustmentEvent(TypedDict):
    no: str
    from_status: str
    to_status: str
    warehouse: str
    reason: str
    photo_count: int
    stocktake_no: str | None
    created_by: str
    actor: str


class AdjustmentSubmitted(_AdjustmentEvent):
    """``adjustment.submitted``: above the threshold, waiting for a second user."""

    type: Literal["adjustment.submitted"]
    lines: list[AdjustmentLinePayload]


class AdjustmentPosted(_AdjustmentEvent):
    """``adjustment.posted``: applied to stock; ``approved_by`` is "" when none was needed."""

    type: Literal["adjustment.posted"]
    approved_by: str
    lines: list[AdjustmentLinePayload]


class AdjustmentRejected(_AdjustmentEvent):
    """``adjustment.rejected``: the second user refused it."""

    type: Literal["adjustment.rejected"]
    reason_text: str


class AdjustmentCancelled(_AdjustmentEvent):
    """``adjustment.cancelled``."""

    type: Literal["adjustment.cancelled"]
