"""The demand forecast's pure part: statsmodels fits, holdout error, and the levels."""

from __future__ import annotations

import statistics
from decimal import Decimal

import pytest

from inventory.planning.forecast import (
    ForecastInputError,
    daily_quantity,
    fit,
    forecast_levels,
    holdout_error,
    minimum_history,
)

WEEKLY = [Decimal(v) for v in [10, 11, 9, 10, 12, 25, 24] * 6]


def test_a_clean_weekly_pattern_is_forecast_back_by_holt_winters() -> None:
    found = fit(WEEKLY, 7, "holt_winters", 7)
    assert [round(v) for v in found.daily] == [10, 11, 9, 10, 12, 25, 24]
    error, _ = holdout_error(WEEKLY, 7, "holt_winters", 7)
    assert error.mae < Decimal("0.5") and error.mape_pct is not None
    assert error.mape_pct < Decimal(5)


def test_simple_smoothing_misses_the_weekend_and_says_so() -> None:
    seasonal, _ = holdout_error(WEEKLY, 7, "holt_winters", 7)
    flat, _ = holdout_error(WEEKLY, 7, "ses", 7)
    assert flat.mae > seasonal.mae
    assert flat.mape_pct is not None and flat.mape_pct > Decimal(20)


def test_levels_follow_the_documented_formula() -> None:
    found = forecast_levels(WEEKLY, method="ses", season_length=7, holdout_days=7,
                            lead_time_days=3, review_days=4, service_level_pct=Decimal(90))
    z = Decimal(repr(statistics.NormalDist().inv_cdf(0.9)))
    assert found.z == z
    assert found.lead_time_demand == sum(found.daily[:3], Decimal(0))
    assert found.safety_stock >= z * found.error.rmse * Decimal(3).sqrt()
    assert found.safety_stock - z * found.error.rmse * Decimal(3).sqrt() < Decimal("0.001")
    assert found.reorder_point == found.lead_time_demand + found.safety_stock
    assert found.order_up_to == found.reorder_point + sum(found.daily[3:], Decimal(0))
    assert len(found.daily) == 7


def test_days_without_demand_give_no_mape_and_never_a_negative_forecast() -> None:
    error, _ = holdout_error([Decimal(5)] * 10 + [Decimal(0)] * 4, 4, "ses", 7)
    assert error.mape_pct is None and error.mae > 0
    assert daily_quantity(-0.4) == Decimal("0.000")
    assert daily_quantity(1.23456) == Decimal("1.235")


@pytest.mark.parametrize(("history", "method", "holdout"), [
    (WEEKLY[:20], "holt_winters", 7),  # 13 days left to fit two weeks: too few
    (WEEKLY[:5], "ses", 2),
    (WEEKLY, "ses", 0),
    (WEEKLY, "arima", 7),
])
def test_too_little_history_or_an_unknown_method_is_refused(history: list[Decimal],
                                                            method: str, holdout: int) -> None:
    with pytest.raises(ForecastInputError) as caught:
        forecast_levels(history, method=method, season_length=7,  # type: ignore[arg-type]
                        holdout_days=holdout, lead_time_days=2, review_days=2,
                        service_level_pct=Decimal(95))
    assert caught.value.reason_zh


def test_a_history_without_any_demand_forecasts_zero_and_keeps_the_warnings() -> None:
    """Found by schemathesis: statsmodels warns log(0) while forecasting a flat zero series;
    the warning is reported, never raised."""
    found = forecast_levels([Decimal(0)] * 28, method="holt_winters", season_length=7,
                            holdout_days=7, lead_time_days=2, review_days=2,
                            service_level_pct=Decimal(95))
    assert set(found.daily) == {Decimal("0.000")} and found.reorder_point == 0
    assert found.error.mape_pct is None
    assert any("log" in w for w in found.warnings)


def test_minimum_history() -> None:
    assert minimum_history("holt_winters", 7, 7) == 22
    assert minimum_history("ses", 7, 7) == 11
