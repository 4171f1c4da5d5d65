"""Safety stock and reorder point (安全库存 / 再订货点), the pure part.

From daily demand d₁…dₙ (zero days included) and the supplier's lead time LT (days):
mean μ, sample standard deviation σ, z = Φ⁻¹(service level) (``statistics.NormalDist``),
safety stock SS = z·σ·√LT, reorder point ROP = μ·LT + SS. Results are rounded up to the
thousandth, so a rounded stock level never falls short of the formula.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal

_MILLI = Decimal("0.001")
_UNIT = Decimal("1")


@dataclass(frozen=True, slots=True, kw_only=True)
class StockLevels:
    """What the demand history says one SKU × warehouse needs."""

    mean_daily_demand: Decimal
    demand_stdev: Decimal
    z: Decimal
    safety_stock: Decimal
    reorder_point: Decimal


def z_score(service_level_pct: Decimal) -> Decimal:
    """The standard normal quantile of a service level in percent (95 → 1.644854)."""
    p = float(service_level_pct) / 100
    if not 0 < p < 1:
        raise ValueError("service level must be strictly between 0 and 100 %")
    return Decimal(repr(statistics.NormalDist().inv_cdf(p)))


def levels(daily_demand: Sequence[Decimal], lead_time_days: int, service_level_pct: Decimal
           ) -> StockLevels:
    """Safety stock and reorder point from a daily demand history. Pure.

    Raises:
        ValueError: fewer than two days of history, a lead time below one day, or a service
            level outside (0, 100).
    """
    if len(daily_demand) < 2:
        raise ValueError("need at least two days of demand history")
    if lead_time_days < 1:
        raise ValueError("lead time must be at least one day")
    mean = statistics.mean(daily_demand)
    sigma = statistics.stdev(daily_demand)
    z = z_score(service_level_pct)
    safety = max(z * sigma * Decimal(lead_time_days).sqrt(), Decimal(0))
    reorder = mean * lead_time_days + safety
    return StockLevels(mean_daily_demand=_up(mean), demand_stdev=_up(sigma), z=z,
                       safety_stock=_up(safety), reorder_point=_up(reorder))


def daily_series(shipped: Sequence[tuple[datetime, Decimal]], now: datetime, days: int
                 ) -> list[Decimal]:
    """Quantities shipped per day over the ``days`` whole days before ``now`` (zeros kept).

    ``shipped`` holds (time, positive quantity) pairs; pairs outside the window are ignored.
    """
    start = now - timedelta(days=days)
    series = [Decimal("0.000")] * days
    for at, qty in shipped:
        if start <= at < now:
            series[int((at - start) // timedelta(days=1))] += qty
    return series


def order_qty(position: Decimal, reorder_point: Decimal, order_up_to: Decimal) -> Decimal:
    """How much to order (whole units) when ``position`` is at or below the reorder point; 0
    otherwise."""
    if position > reorder_point:
        return Decimal("0.000")
    whole = (order_up_to - position).quantize(_UNIT, rounding=ROUND_CEILING)
    return max(whole, Decimal(0)).quantize(_MILLI)


def _up(value: Decimal) -> Decimal:
    return Decimal(value).quantize(_MILLI, rounding=ROUND_CEILING)
