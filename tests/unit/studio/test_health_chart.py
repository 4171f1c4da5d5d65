"""Geometry of the data-health radar and the variance line."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal

from studio.health_chart import line_chart, radar

D = Decimal


def _points(polygon: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (p.split(",") for p in polygon.split())]


def test_full_points_reach_the_rim_and_none_stay_at_the_centre():
    spokes = [("a", D(20), D(0), D(20)), ("b", D(10), D(0), D(20)), ("c", D(0), D(0), D(20)),
              ("d", D(20), D(0), D(20)), ("e", D(40), D(0), D(20))]  # over the weight: capped
    chart = radar(spokes, width=600, height=340)
    score = _points(chart.score)
    rim = [(a.x, a.y) for a in chart.axes]
    radius = math.dist((chart.centre_x, chart.centre_y), rim[0])
    assert score[0] == rim[0] and score[3] == rim[3] and score[4] == rim[4]
    assert math.isclose(math.dist((chart.centre_x, chart.centre_y), score[1]), radius / 2,
                        abs_tol=0.2)
    assert score[2] == (chart.centre_x, chart.centre_y)
    assert set(_points(chart.benchmark)) == {(chart.centre_x, chart.centre_y)}
    assert rim[0][0] == chart.centre_x and rim[0][1] < chart.centre_y  # first spoke points up
    assert chart.axes[0].anchor == "middle" and chart.axes[1].anchor == "start"
    assert len(chart.rings) == 4


def test_the_variance_line_rises_with_the_rate_and_draws_the_target():
    t = datetime(2026, 11, 1, tzinfo=UTC)
    chart = line_chart([(t, D("0.5")), (t.replace(day=8), D("2.5"))], target=D("1.5"))
    low, high = chart.points
    assert high.y < low.y and low.x < high.x  # higher rate is drawn higher, later is right
    assert chart.target_y is not None and high.y < chart.target_y < low.y
    assert chart.path == f"M{low.x},{low.y} L{high.x},{high.y}"
    assert (low.label, high.value) == ("11-01", "2.50 %")
