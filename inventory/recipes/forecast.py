"""The purchase list formula: pure, exact, and short enough to explain to a chef.

For a store and tomorrow (the day the list buys for)::

    average covers   = covers sold in the last N days ÷ N           (zero days included)
    weather factor   = 1 + (base temperature − forecast) × share per degree,
                       kept within 0.5 … 1.5; 1 when no forecast was recorded
    expected covers  = max(booked covers for tomorrow,
                           ⌈covers of the last N days × weather factor ÷ N⌉)
    needed (per ingredient) = ⌈expected covers × used in the last N days
                               ÷ covers of the last N days⌉₀.₀₀₁
    to buy           = max(0, needed − on hand in the store now)

"Used" is what left the store by recipe plus what was wasted, so the recent loss rate is
bought for too. Hot pot sells more when it is cold: with base 20 °C and 2 % per degree, a
forecast of 5 °C makes the factor 1.3. Rounding is only ever up, to whole covers and to
thousandths of a unit, so the list never buys short by rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from kernel.types import QTY_PLACES

FACTOR_MIN = Decimal("0.5")
FACTOR_MAX = Decimal("1.5")
_ZERO = Decimal("0.000")


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverForecast:
    """How many covers tomorrow is expected to bring, and why."""

    booked_covers: int
    recent_covers: int
    lookback_days: int
    average_covers: Decimal
    temperature_c: Decimal | None
    weather_factor: Decimal
    weather_covers: int
    expected_covers: int


def weather_factor(temperature_c: Decimal | None, base_c: Decimal,
                   share_per_degree: Decimal) -> Decimal:
    """1 + (base − forecast) × share per degree, within 0.5 … 1.5 (1 without a forecast)."""
    if temperature_c is None:
        return Decimal("1.000")
    raw = Decimal(1) + (base_c - temperature_c) * share_per_degree
    return min(FACTOR_MAX, max(FACTOR_MIN, raw)).quantize(QTY_PLACES, ROUND_HALF_UP)


def forecast_covers(*, booked_covers: int, recent_covers: int, lookback_days: int,
                    temperature_c: Decimal | None, base_c: Decimal,
                    share_per_degree: Decimal) -> CoverForecast:
    """Tomorrow's expected covers: the bookings, or the weather-adjusted recent average.

    Raises:
        ValueError: ``lookback_days`` is not positive.
    """
    if lookback_days <= 0:
        raise ValueError("lookback_days must be positive")
    factor = weather_factor(temperature_c, base_c, share_per_degree)
    weather = int((Decimal(recent_covers) * factor / lookback_days)
                  .to_integral_value(ROUND_CEILING))
    average = (Decimal(recent_covers) / lookback_days).quantize(QTY_PLACES, ROUND_HALF_UP)
    return CoverForecast(booked_covers=booked_covers, recent_covers=recent_covers,
                         lookback_days=lookback_days, average_covers=average,
                         temperature_c=temperature_c, weather_factor=factor,
                         weather_covers=weather,
                         expected_covers=max(booked_covers, weather))


def needed_qty(expected_covers: int, used_qty: Decimal, recent_covers: int) -> Decimal:
    """What ``expected_covers`` will use of an ingredient, at the recent use per cover."""
    if recent_covers <= 0 or expected_covers <= 0:
        return _ZERO
    return (Decimal(expected_covers) * used_qty / recent_covers).quantize(QTY_PLACES,
                                                                            ROUND_CEILING)


def to_buy(needed: Decimal, on_hand: Decimal) -> Decimal:
    """What is missing: never negative."""
    return max(_ZERO, needed - on_hand).quantize(QTY_PLACES)


def loss_rate(wasted: Decimal, consumed: Decimal) -> Decimal | None:
    """Waste as a share of what was consumed by recipe (4 places); None with nothing consumed."""
    if consumed <= 0:
        return None
    return (wasted / consumed).quantize(Decimal("0.0001"), ROUND_HALF_UP)
