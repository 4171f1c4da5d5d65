"""The stocktake (盘点单) state machine, blind checks and count-variance rates. Pure.

counting (counters record what they find, never seeing the system quantity) → closed
(counting stops; variances become visible) → posted (the variances become an
adjustment). A closed count can be reopened; counting or closed can be cancelled.

count-variance rate (账实差异率) = |system − counted| ÷ system, per SKU and for the
whole count (Σ|system − counted| ÷ Σ system).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Literal, TypedDict

from inventory.documents.machine import Transitions, step

DOCUMENT = "stocktake"
_PPM = Decimal(1_000_000)


class StocktakeScope(StrEnum):
    """What a stocktake counts."""

    ALL = "all"  # every SKU with a balance in the warehouse
    SELECTED = "selected"  # the SKUs named when it was created
    BLIND_CHECK = "blind_check"  # N SKUs drawn at random (抽盘)


class StocktakeStatus(StrEnum):
    """Where a stocktake stands."""

    COUNTING = "counting"  # counters at work; blind
    CLOSED = "closed"  # counting stopped; variances visible for review
    POSTED = "posted"  # variances applied through an adjustment; rates stored
    CANCELLED = "cancelled"  # abandoned; stock unchanged


class StocktakeAction(StrEnum):
    """What can happen to a stocktake."""

    COUNT = "count"  # record counted quantities
    CLOSE = "close"  # stop counting
    REOPEN = "reopen"  # count again
    POST = "post"  # apply the variances
    CANCEL = "cancel"  # abandon


S, A = StocktakeStatus, StocktakeAction

TRANSITIONS: Transitions[StocktakeStatus, StocktakeAction] = {
    S.COUNTING: {A.COUNT: S.COUNTING, A.CLOSE: S.CLOSED, A.CANCEL: S.CANCELLED},
    S.CLOSED: {A.REOPEN: S.COUNTING, A.POST: S.POSTED, A.CANCEL: S.CANCELLED},
}


def transition(status: StocktakeStatus, action: StocktakeAction, no: str = ""
               ) -> StocktakeStatus:
    """The status a stocktake reaches by ``action``.

    Raises:
        InvalidTransition: ``status`` does not allow ``action`` (names the allowed ones).
    """
    return step(TRANSITIONS, DOCUMENT, status, action, no)


def blind_check_sample(skus: Sequence[str], size: int, seed: int) -> list[str]:
    """``size`` SKUs drawn at random, reproducibly from ``seed`` (all of them if fewer)."""
    pool = sorted(set(skus))
    return sorted(random.Random(seed).sample(pool, min(size, len(pool))))


def variance_rate(system: Decimal, counted: Decimal) -> Decimal | None:
    """|system − counted| ÷ system; None when the system quantity is zero (undefined)."""
    if system == 0:
        return None
    return abs(system - counted) / system


def total_variance_rate(lines: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Σ|system − counted| ÷ Σ system over (system, counted) lines; None when Σ system is 0."""
    lines = list(lines)
    system = sum((s for s, _ in lines), Decimal(0))
    if system == 0:
        return None
    return sum((abs(s - c) for s, c in lines), Decimal(0)) / system


def to_ppm(rate: Decimal | None) -> int | None:
    """A rate as whole parts per million (how it is stored)."""
    return None if rate is None else int((rate * _PPM).to_integral_value(ROUND_HALF_EVEN))


def from_ppm(ppm: int | None) -> str | None:
    """A stored rate as a decimal string with 6 places (0.012500 = 1.25 %)."""
    return None if ppm is None else str((Decimal(ppm) / _PPM).quantize(Decimal("0.000001")))


#: The event each action emits.
EVENTS: dict[StocktakeAction, str] = {
    A.COUNT: "stocktake.counted",
    A.CLOSE: "stocktake.closed",
    A.REOPEN: "stocktake.reopened",
    A.POST: "stocktake.posted",
    A.CANCEL: "stocktake.cancelled",
}


class _StocktakeEvent(TypedDict):
    no: str
    from_status: str
    to_status: str
    warehouse: str
    scope: str
    actor: str


class StocktakeCounted(_StocktakeEvent):
    """``stocktake.counted``: counts recorded (no system quantity: the count is blind)."""

    type: Literal["stocktake.counted"]
    counts: list[dict[str, str]]


class StocktakeClosed(_StocktakeEvent):
    """``stocktake.closed``: counting stopped."""

    type: Literal["stocktake.closed"]


class StocktakeReopened(_StocktakeEvent):
    """``stocktake.reopened``: counting resumes."""

    type: Literal["stocktake.reopened"]


class StocktakeVarianceLine(TypedDict):
    """One SKU's result."""

    sku: str
    system_qty: str
    counted_qty: str
    variance: str
    variance_rate: str | None


class StocktakePosted(_StocktakeEvent):
    """``stocktake.posted``: variances applied by ``adjustment_no`` (None: no variance)."""

    type: Literal["stocktake.posted"]
    variance_rate: str | None
    adjustment_no: str | None
    lines: list[StocktakeVarianceLine]


class StocktakeCancelled(_StocktakeEvent):
    """``stocktake.cancelled``."""

    type: Literal["stocktake.cancelled"]
