"""Demand forecast per SKU (需求预测), the pure part, on statsmodels' exponential smoothing.

Two baselines, both fitted by statsmodels (never by hand):

* ``ses`` — simple exponential smoothing (``statsmodels.tsa.api.SimpleExpSmoothing``);
* ``holt_winters`` — additive weekly (or ``season_length``) seasonality without trend
  (``statsmodels.tsa.holtwinters.ExponentialSmoothing``).

The error is measured on a holdout: the model is fitted on the history without its last
``holdout_days`` days, forecasts those days, and MAE, RMSE and MAPE compare them with what
happened. The forecast used for planning is then fitted on the whole history.

From the forecast and the supplier's lead time LT (days) and review period R (days):

    lead-time demand  D_LT = Σ forecast of days 1..LT
    safety stock      SS   = z · RMSE(holdout) · √LT       (z = Φ⁻¹(service level))
    reorder point     ROP  = D_LT + SS
    order-up-to       S    = ROP + Σ forecast of days LT+1..LT+R

Each daily forecast is rounded half-even to the thousandth and never below zero; SS, ROP
and S are rounded up to the thousandth, so a rounded level never falls short of the formula.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal
from typing import Any, Final, Literal

from inventory.planning.replenishment import z_score

Method = Literal["ses", "holt_winters"]
METHODS: Final[tuple[Method, ...]] = ("ses", "holt_winters")
_MILLI = Decimal("0.001")
_ZERO = Decimal("0.000")


class ForecastInputError(ValueError):
    """The history is too short for the method, or a parameter is out of range."""

    def __init__(self, reason_en: str, reason_zh: str) -> None:
        super().__init__(reason_en)
        self.reason_en = reason_en
        self.reason_zh = reason_zh


@dataclass(frozen=True, slots=True, kw_only=True)
class ForecastError:
    """How far the holdout forecast was from what happened."""

    holdout_days: int
    mae: Decimal
    rmse: Decimal
    #: Mean absolute percentage error over the holdout days with demand; None if none had any.
    mape_pct: Decimal | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Fit:
    """One statsmodels fit: the daily forecast and the smoothing parameters it chose."""

    daily: tuple[Decimal, ...]
    params: dict[str, float]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DemandForecast:
    """The forecast of one SKU × warehouse and the stock levels it implies."""

    method: Method
    daily: tuple[Decimal, ...]
    params: dict[str, float]
    error: ForecastError
    lead_time_demand: Decimal
    review_demand: Decimal
    z: Decimal
    safety_stock: Decimal
    reorder_point: Decimal
    order_up_to: Decimal
    warnings: tuple[str, ...]


def fit(history: Sequence[Decimal], horizon: int, method: Method, season_length: int) -> Fit:
    """Fit ``method`` on ``history`` (one value per day, oldest first) and forecast
    ``horizon`` days. Pure (statsmodels computes in memory).

    Raises:
        ForecastInputError: the history is too short for the method.
    """
    _check_length(len(history), method, season_length)
    # statsmodels imports pandas and scipy: loaded on first use, not with the package.
    import numpy as np
    from statsmodels.tsa.api import SimpleExpSmoothing
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    series = np.asarray([float(v) for v in history], dtype=float)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if method == "ses":
            result = SimpleExpSmoothing(series, initialization_method="estimated").fit()
        else:
            result = ExponentialSmoothing(series, trend=None, seasonal="add",
                                          seasonal_periods=season_length,
                                          initialization_method="estimated").fit()
        predicted = result.forecast(horizon)  # warns too, e.g. log(0) on a flat history
    return Fit(daily=tuple(daily_quantity(float(v)) for v in predicted),
               params=_params(result.params),
               warnings=tuple(sorted({str(w.message) for w in caught})))


def daily_quantity(value: float) -> Decimal:
    """A forecast value as a quantity: half-even to the thousandth, never below zero."""
    if not math.isfinite(value):
        raise ForecastInputError("the model produced a non-finite forecast",
                                 "模型给出了非有限的预测值")
    return max(Decimal(repr(value)).quantize(_MILLI, rounding=ROUND_HALF_EVEN), _ZERO)


def holdout_error(history: Sequence[Decimal], holdout_days: int, method: Method,
                  season_length: int) -> tuple[ForecastError, Fit]:
    """Fit on all but the last ``holdout_days`` days and measure the forecast against them.

    Raises:
        ForecastInputError: no holdout, or the rest is too short for the method.
    """
    if holdout_days < 1 or holdout_days >= len(history):
        raise ForecastInputError("holdout must be at least one day and shorter than history",
                                 "留出期至少 1 天且短于历史")
    train, actual = history[:-holdout_days], history[-holdout_days:]
    found = fit(train, holdout_days, method, season_length)
    diffs = [a - f for a, f in zip(actual, found.daily, strict=True)]
    mae = sum((abs(d) for d in diffs), _ZERO) / holdout_days
    rmse = (sum((d * d for d in diffs), _ZERO) / holdout_days).sqrt()
    with_demand = [(abs(d) / a) for d, a in zip(diffs, actual, strict=True) if a > 0]
    mape = None if not with_demand else sum(with_demand, _ZERO) * 100 / len(with_demand)
    return ForecastError(holdout_days=holdout_days, mae=round_up(mae), rmse=round_up(rmse),
                         mape_pct=None if mape is None else round_up(mape)), found


def forecast_levels(history: Sequence[Decimal], *, method: Method, season_length: int,
                    holdout_days: int, lead_time_days: int, review_days: int,
                    service_level_pct: Decimal) -> DemandForecast:
    """The forecast, its holdout error and the reorder point and order-up-to level. Pure.

    Raises:
        ForecastInputError: history too short, lead time or review period below one day,
            or a service level outside (0, 100).
    """
    if lead_time_days < 1 or review_days < 1:
        raise ForecastInputError("lead time and review period must be at least one day",
                                 "提前期和补货周期至少 1 天")
    if not 0 < service_level_pct < 100:
        raise ForecastInputError("service level must be strictly between 0 and 100 %",
                                 "服务水平须在 0 到 100% 之间（不含）")
    error, holdout_fit = holdout_error(history, holdout_days, method, season_length)
    found = fit(history, lead_time_days + review_days, method, season_length)
    lead = sum(found.daily[:lead_time_days], _ZERO)
    review = sum(found.daily[lead_time_days:], _ZERO)
    z = z_score(service_level_pct)
    safety = round_up(max(z * error.rmse * Decimal(lead_time_days).sqrt(), _ZERO))
    reorder = round_up(lead + safety)
    return DemandForecast(
        method=method, daily=found.daily, params=found.params, error=error,
        lead_time_demand=lead, review_demand=review, z=z, safety_stock=safety,
        reorder_point=reorder, order_up_to=round_up(reorder + review),
        warnings=tuple(sorted(set(holdout_fit.warnings) | set(found.warnings))))


def minimum_history(method: Method, season_length: int, holdout_days: int) -> int:
    """The fewest days of history a forecast with this method and holdout needs."""
    return holdout_days + (4 if method == "ses" else 2 * season_length + 1)


def _check_length(days: int, method: Method, season_length: int) -> None:
    if method not in METHODS:
        raise ForecastInputError(f"method must be one of {', '.join(METHODS)}",
                                 f"方法须为 {'、'.join(METHODS)} 之一")
    if method == "holt_winters" and season_length < 2:
        raise ForecastInputError("a season needs at least two days", "季节周期至少 2 天")
    need = minimum_history(method, season_length, 0)
    if days < need:
        raise ForecastInputError(f"{method} needs at least {need} days to fit, got {days}",
                                 f"{method} 至少需要 {need} 天历史，现有 {days} 天")


def _params(params: dict[str, Any]) -> dict[str, float]:
    """The scalar smoothing parameters statsmodels chose (alpha, gamma, initial level …)."""
    return {k: round(float(v), 6) for k, v in params.items()
            if isinstance(v, int | float) and not isinstance(v, bool)
            and math.isfinite(float(v))}


def round_up(value: Decimal) -> Decimal:
    """``value`` rounded up to the thousandth."""
    return Decimal(value).quantize(_MILLI, rounding=ROUND_CEILING)
