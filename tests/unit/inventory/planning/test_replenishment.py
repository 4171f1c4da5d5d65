"""Safety stock and reorder point on crafted demand histories whose answers are known."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from inventory.planning.replenishment import daily_series, levels, order_qty, z_score

D = Decimal


def test_constant_demand_needs_no_safety_stock():
    found = levels([D(10)] * 14, lead_time_days=5, service_level_pct=D(95))
    assert found.mean_daily_demand == D("10.000")
    assert found.demand_stdev == D("0.000")
    assert found.safety_stock == D("0.000")
    assert found.reorder_point == D("50.000")  # 10 a day × 5 days


def test_varying_demand_by_hand():
    # Demand 8, 12, 8, 12: mean 10, sample variance (4 × 4) / 3, σ = √(16/3) ≈ 2.3094.
    # At 95 %, z = 1.6448536…; lead time 4 days: SS = z · σ · 2 ≈ 7.5973, ROP = 40 + SS.
    found = levels([D(8), D(12), D(8), D(12)], lead_time_days=4, service_level_pct=D(95))
    sigma = math.sqrt(16 / 3)
    safety = 1.6448536269514722 * sigma * 2
    assert found.demand_stdev == D("2.310")  # rounded up to the thousandth
    assert found.safety_stock == D(str(math.ceil(safety * 1000) / 1000))
    assert found.safety_stock == D("7.598")
    assert found.reorder_point == D("47.598")


@pytest.mark.parametrize(("level", "z"), [
    (D(50), D("0")),  # the median: no cover at all
    (D("84.134"), D("1.000")),  # one standard deviation
    (D("97.725"), D("2.000")),  # two standard deviations
    (D(99), D("2.326")),  # the textbook 99 %
])
def test_z_comes_from_the_service_level(level, z):
    assert z_score(level).quantize(D("0.001")) == z


def test_a_higher_service_level_holds_more_safety_stock():
    history = [D(5), D(9), D(7), D(11), D(3)]
    low = levels(history, 7, D(90))
    high = levels(history, 7, D("99.5"))
    assert high.safety_stock > low.safety_stock > 0
    assert high.reorder_point - low.reorder_point == high.safety_stock - low.safety_stock


@pytest.mark.parametrize("bad", [
    {"daily_demand": [D(1)], "lead_time_days": 3, "service_level_pct": D(95)},  # one day
    {"daily_demand": [D(1), D(2)], "lead_time_days": 0, "service_level_pct": D(95)},
    {"daily_demand": [D(1), D(2)], "lead_time_days": 3, "service_level_pct": D(100)},
])
def test_out_of_range_inputs_are_refused(bad):
    with pytest.raises(ValueError):
        levels(**bad)


def test_daily_series_keeps_zero_days_and_ignores_the_outside():
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    shipped = [
        (now - timedelta(days=3, hours=1), D(4)),  # day 0 of a 3-day window? no: outside
        (now - timedelta(days=2, hours=23), D(2)),  # first day
        (now - timedelta(days=2, hours=1), D(3)),  # first day
        (now - timedelta(minutes=1), D(5)),  # last day
        (now, D(99)),  # not before now: outside
    ]
    assert daily_series(shipped, now, 3) == [D(5), D(0), D(5)]


@pytest.mark.parametrize(("position", "rop", "up_to", "qty"), [
    (D(45), D(50), D(100), D("55.000")),  # below the reorder point
    (D(50), D(50), D(100), D("50.000")),  # at it
    (D(51), D(50), D(100), D("0.000")),  # above it: nothing
    (D("49.2"), D(50), D(100), D("51.000")),  # whole units, rounded up
])
def test_order_quantity(position, rop, up_to, qty):
    assert order_qty(position, rop, up_to) == qty
