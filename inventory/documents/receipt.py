"""The receipt (入库单) state machine and its inspection check. Pure: no I/O.

draft → inspected → put_away; a failed inspection (or a rule) freezes it, and a frozen
receipt cannot be put away until a user with a quality role releases it. Cancelled
from draft or frozen (goods sent back).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal, TypedDict

from inventory.documents.machine import Transitions, step
from kernel.security import ROLE_PERMISSIONS, Permission

DOCUMENT = "receipt"
#: Measured weight may differ from the expected weight by this share (2 %) by default.
DEFAULT_WEIGHT_TOLERANCE_PCT = Decimal("2")
#: Roles allowed to release a frozen receipt: those holding the quality:release permission
#: (the quality role, and admin).
QUALITY_ROLES = frozenset(role.value for role, granted in ROLE_PERMISSIONS.items()
                          if Permission.QUALITY_RELEASE in granted)


class ReceiptStatus(StrEnum):
    """Where a receipt stands."""

    DRAFT = "draft"  # goods announced or unloaded, not yet checked
    INSPECTED = "inspected"  # inspection passed (or a frozen receipt was released)
    FROZEN = "frozen"  # inspection failed or a rule froze it; put-away is blocked
    PUT_AWAY = "put_away"  # goods are on hand, posted to the ledger
    CANCELLED = "cancelled"  # abandoned, e.g. goods sent back to the supplier


class ReceiptAction(StrEnum):
    """What can happen to a receipt."""

    INSPECT = "inspect"  # record the check (scan, photos, weight)
    FREEZE = "freeze"  # block put-away (a failed check, or a rule)
    RELEASE = "release"  # a quality user lifts the freeze
    PUT_AWAY = "put_away"  # post the goods to stock
    CANCEL = "cancel"  # abandon the receipt


S, A = ReceiptStatus, ReceiptAction

TRANSITIONS: Transitions[ReceiptStatus, ReceiptAction] = {
    S.DRAFT: {A.INSPECT: S.INSPECTED, A.FREEZE: S.FROZEN, A.CANCEL: S.CANCELLED},
    S.INSPECTED: {A.FREEZE: S.FROZEN, A.PUT_AWAY: S.PUT_AWAY},
    S.FROZEN: {A.RELEASE: S.INSPECTED, A.CANCEL: S.CANCELLED},
}


def transition(status: ReceiptStatus, action: ReceiptAction, no: str = "") -> ReceiptStatus:
    """The status a receipt reaches by ``action``.

    Raises:
        InvalidTransition: ``status`` does not allow ``action`` (names the allowed ones).
    """
    return step(TRANSITIONS, DOCUMENT, status, action, no)


@dataclass(frozen=True, slots=True, kw_only=True)
class Inspection:
    """What the inspector recorded (扫码 + 拍照 + 称重)."""

    is_scanned: bool
    photo_count: int
    measured_weight_kg: Decimal | None = None
    expected_weight_kg: Decimal | None = None
    tolerance_pct: Decimal = DEFAULT_WEIGHT_TOLERANCE_PCT


def inspection_failures(check: Inspection) -> list[str]:
    """Why an inspection fails, one short English reason each; empty when it passes.

    The weight is checked only when an expected weight is given; then a measured
    weight is required and must be within ``tolerance_pct`` of it.
    """
    failures = []
    if not check.is_scanned:
        failures.append("not scanned")
    if check.photo_count < 1:
        failures.append("no photo")
    if check.expected_weight_kg is not None:
        if check.measured_weight_kg is None:
            failures.append("weight not measured")
        else:
            allowed = check.expected_weight_kg * check.tolerance_pct / 100
            if abs(check.measured_weight_kg - check.expected_weight_kg) > allowed:
                failures.append(f"weight {check.measured_weight_kg} kg is outside "
                                f"{check.expected_weight_kg} kg ± {check.tolerance_pct} %")
    return failures


#: The event each action emits.
EVENTS: dict[ReceiptAction, str] = {
    A.INSPECT: "receipt.inspected",
    A.FREEZE: "receipt.frozen",
    A.RELEASE: "receipt.released",
    A.PUT_AWAY: "receipt.put_away",
    A.CANCEL: "receipt.cancelled",
}


class _ReceiptEvent(TypedDict):
    no: str
    from_status: str
    to_status: str
    purchase_order_no: str
    warehouse: str
    actor: str


class ReceiptInspected(_ReceiptEvent):
    """``receipt.inspected``: the check was recorded; ``failures`` empty means it passed."""

    type: Literal["receipt.inspected"]
    is_scanned: bool
    photo_count: int
    measured_weight_kg: str | None
    expected_weight_kg: str | None
    failures: list[str]


class ReceiptFrozen(_ReceiptEvent):
    """``receipt.frozen``: put-away is blocked for ``reason``."""

    type: Literal["receipt.frozen"]
    reason: str


class ReceiptReleased(_ReceiptEvent):
    """``receipt.released``: a quality user lifted the freeze."""

    type: Literal["receipt.released"]
    released_by: str


class ReceiptLinePayload(TypedDict):
    """One put-away line."""

    line_no: int
    sku: str
    qty: str
    lot_no: str | None
    expiry_date: str | None


class ReceiptPutAway(_ReceiptEvent):
    """``receipt.put_away``: the goods are on hand."""

    type: Literal["receipt.put_away"]
    lines: list[ReceiptLinePayload]


class ReceiptCancelled(_ReceiptEvent):
    """``receipt.cancelled``."""

    type: Literal["receipt.cancelled"]
