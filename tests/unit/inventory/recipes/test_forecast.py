"""The purchase list formula (inventory.recipes.forecast): pure, exact, rounding only up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory.recipes.forecast import (
    forecast_covers,
    loss_rate,
    needed_qty,
    to_buy,
    weather_factor,
)

D = Decimal


@pytest.mark.parametrize(("temperature", "factor"), [
    (D("5"), D("1.300")),  # 15 degrees colder than the base: +30 %
    (D("20"), D("1.000")),  # at the base: no change
    (D("30"), D("0.800")),  # warmer: fewer covers
    (D("-40"), D("1.500")),  # very cold: capped at 1.5
    (D("60"), D("0.500")),  # very hot: floored at 0.5
    (None, D("1.000")),  # no forecast recorded: no change
])
def test_the_weather_factor(temperature: Decimal | None, factor: Decimal) -> None:
    assert weather_factor(temperature, D("20"), D("0.02")) == factor


def test_bookings_are_the_floor_and_the_weather_moves_the_average() -> None:
    warm = forecast_covers(booked_covers=42, recent_covers=199, lookback_days=7,
                           temperature_c=D("5"), base_c=D("20"), share_per_degree=D("0.02"))
    assert (warm.average_covers, warm.weather_covers, warm.expected_covers) == (
        D("28.429"), 37, 42)  # ⌈199 × 1.3 ÷ 7⌉ = ⌈36.96⌉ = 37 < 42 booked
    busy = forecast_covers(booked_covers=10, recent_covers=700, lookback_days=7,
                           temperature_c=D("0"), base_c=D("20"), share_per_degree=D("0.02"))
    assert busy.expected_covers == 140  # 100 a day × 1.4


def test_needed_rounds_up_to_the_thousandth_and_to_buy_is_never_negative() -> None:
    assert needed_qty(42, D("9.450"), 199) == D("1.995")  # 1.99447… up
    assert needed_qty(0, D("9.450"), 199) == D("0.000")
    assert needed_qty(42, D("9.450"), 0) == D("0.000")  # no history, nothing to scale
    assert to_buy(D("1.995"), D("1.550")) == D("0.445")
    assert to_buy(D("1.000"), D("3.000")) == D("0.000")


def test_loss_rate_is_waste_over_consumption() -> None:
    assert loss_rate(D("0.450"), D("9.000")) == D("0.0500")
    assert loss_rate(D("0.450"), D("0")) is None


def test_a_lookback_of_zero_days_is_refused() -> None:
    with pytest.raises(ValueError, match="lookback_days"):
        forecast_covers(booked_covers=0, recent_covers=0, lookback_days=0, temperature_c=None,
                        base_c=D("20"), share_per_degree=D("0.02"))
