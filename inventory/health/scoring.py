"""The data-health self-assessment's scoring: five measured values → points out of 100. Pure.

Each criterion has a target and a "zero" value. Points are the criterion's weight when the
target is met, nothing at or beyond the zero value, and linear in between::

    points = weight × clamp((value − zero) ÷ (target − zero), 0, 1)

which reads the same whether lower is better (p95, variance) or higher is better (sync,
traced, intercepted). A criterion with no evidence in the window scores nothing: points
are earned from recorded data, never assumed. The total is Σ points ÷ Σ weights × 100.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from inventory.health.errors import HealthSettingsInvalid


class Criterion(StrEnum):
    """The five criteria of the self-assessment (keys of ``[health] weights``)."""

    STOCK_QUERY_P95 = "stock_query_p95"  # p95 latency of stock queries, ms
    DOCUMENT_SYNC = "document_sync"  # share of document syncs that succeeded, %
    COUNT_VARIANCE = "count_variance"  # pooled count-variance rate of posted stocktakes, %
    MOVEMENT_TRACED = "movement_traced"  # share of ledger rows naming their document, %
    INPUT_INTERCEPTED = "input_intercepted"  # share of abnormal inputs refused or flagged, %


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """What full points need (``target``) and where points reach nothing (``zero``)."""

    target: Decimal
    zero: Decimal
    unit: str

    @property
    def is_lower_better(self) -> bool:
        """True when smaller values are better (latency, variance)."""
        return self.zero > self.target

    def is_met(self, value: Decimal) -> bool:
        """True when ``value`` reaches the target."""
        return value <= self.target if self.is_lower_better else value >= self.target


#: Targets from issue #5; zero points at twice the target for "at most" criteria and at
#: 99 % / 90 % for the shares (see docs/health.md).
TARGETS: Mapping[Criterion, Target] = {
    Criterion.STOCK_QUERY_P95: Target(target=Decimal(300), zero=Decimal(600), unit="ms"),
    Criterion.DOCUMENT_SYNC: Target(target=Decimal("99.95"), zero=Decimal(99), unit="%"),
    Criterion.COUNT_VARIANCE: Target(target=Decimal("1.5"), zero=Decimal(3), unit="%"),
    Criterion.MOVEMENT_TRACED: Target(target=Decimal(100), zero=Decimal(90), unit="%"),
    Criterion.INPUT_INTERCEPTED: Target(target=Decimal(100), zero=Decimal(90), unit="%"),
}
DEFAULT_WEIGHT = Decimal(20)
_TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True, kw_only=True)
class Measurement:
    """One criterion's measured value (None: no evidence) and the counts behind it."""

    criterion: Criterion
    value: Decimal | None
    evidence: Mapping[str, int | str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Weights:
    """Points per criterion and the benchmark line, from the tenant's ``[health]`` settings."""

    weights: Mapping[Criterion, Decimal]
    benchmark: Mapping[Criterion, Decimal]
    source: str = "default"


@dataclass(frozen=True, slots=True, kw_only=True)
class CriterionScore:
    """One criterion scored: value, target, points of its weight, and the evidence."""

    criterion: Criterion
    value: Decimal | None
    target: Target
    weight: Decimal
    points: Decimal
    benchmark: Decimal
    status: str  # "met", "below" or "no_data"
    evidence: Mapping[str, int | str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """The five criteria scored and the total out of 100."""

    criteria: Sequence[CriterionScore]
    total: Decimal
    benchmark_total: Decimal
    weights_source: str


def points(value: Decimal | None, target: Target, weight: Decimal) -> Decimal:
    """Points of ``weight`` earned by ``value`` (to 0.1), linear between zero and target."""
    if value is None or weight == 0:
        return Decimal(0)
    fraction = (value - target.zero) / (target.target - target.zero)
    fraction = min(Decimal(1), max(Decimal(0), fraction))
    return (weight * fraction).quantize(_TENTH)


def score(measurement: Measurement, weights: Weights) -> CriterionScore:
    """Score one measurement with the tenant's weight for it."""
    target = TARGETS[measurement.criterion]
    weight = weights.weights[measurement.criterion]
    value = measurement.value
    status = "no_data" if value is None else "met" if target.is_met(value) else "below"
    return CriterionScore(criterion=measurement.criterion, value=value, target=target,
                          weight=weight, points=points(value, target, weight),
                          benchmark=weights.benchmark[measurement.criterion], status=status,
                          evidence=dict(measurement.evidence))


def assess(measurements: Sequence[Measurement], weights: Weights) -> Assessment:
    """Score every criterion; the total is Σ points ÷ Σ weights × 100 (to 0.1)."""
    scored = [score(m, weights) for m in sorted(measurements, key=lambda m: _ORDER[m.criterion])]
    total_weight = sum((s.weight for s in scored), Decimal(0))

    def out_of_100(amount: Decimal) -> Decimal:
        return Decimal(0) if total_weight == 0 else (amount * 100 / total_weight).quantize(_TENTH)

    return Assessment(criteria=scored,
                      total=out_of_100(sum((s.points for s in scored), Decimal(0))),
                      benchmark_total=out_of_100(sum((s.benchmark for s in scored), Decimal(0))),
                      weights_source=weights.source)


_ORDER = {c: i for i, c in enumerate(Criterion)}


def weights_from_settings(health: Mapping[str, Any] | None, source: str = "default") -> Weights:
    """Weights and benchmark from a ``[health]`` settings table; 20 each when absent.

    A criterion missing from ``benchmark`` gets 0 (no line); a benchmark is capped at its
    criterion's weight.

    Raises:
        HealthSettingsInvalid: a weight or benchmark that is not a number ≥ 0.
    """
    health = health or {}
    weights = {c: _number(health, "weights", c, DEFAULT_WEIGHT) for c in Criterion}
    benchmark = {c: min(weights[c], _number(health, "benchmark", c, Decimal(0)))
                 for c in Criterion}
    return Weights(weights=weights, benchmark=benchmark,
                   source=source if health else "default")


def _number(health: Mapping[str, Any], table: str, criterion: Criterion,
            default: Decimal) -> Decimal:
    values = health.get(table) or {}
    raw = values.get(criterion.value, default) if isinstance(values, Mapping) else None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise HealthSettingsInvalid(setting=table, criterion=criterion.value, value=str(raw))
    try:
        number = Decimal(str(raw))
    except ArithmeticError as exc:
        raise HealthSettingsInvalid(setting=table, criterion=criterion.value,
                                    value=str(raw)) from exc
    if not number.is_finite() or number < 0:
        raise HealthSettingsInvalid(setting=table, criterion=criterion.value, value=str(raw))
    return number
