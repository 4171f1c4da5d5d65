"""Scoring of the data-health self-assessment: targets, the linear scale, weights, total."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory.health import (
    TARGETS,
    Criterion,
    HealthSettingsInvalid,
    Measurement,
    assess,
    points,
    weights_from_settings,
)

D = Decimal
P95, SYNC, VARIANCE = TARGETS[Criterion.STOCK_QUERY_P95], TARGETS[Criterion.DOCUMENT_SYNC], \
    TARGETS[Criterion.COUNT_VARIANCE]
TRACED = TARGETS[Criterion.MOVEMENT_TRACED]


@pytest.mark.parametrize(("target", "value", "expected"), [
    (P95, D(120), D(20)),  # well under 300 ms: full
    (P95, D(300), D(20)),  # exactly the target: full
    (P95, D(450), D(10)),  # halfway to 600 ms: half
    (P95, D(600), D(0)),  # the zero point
    (P95, D(5000), D(0)),  # far beyond: never negative
    (SYNC, D("99.95"), D(20)),  # the target
    (SYNC, D("99.475"), D(10)),  # halfway between 99 % and 99.95 %
    (SYNC, D(98), D(0)),  # below the zero point
    (VARIANCE, D("1.5"), D(20)),  # at most 1.5 %: full
    (VARIANCE, D("2.25"), D(10)),  # halfway to 3 %
    (TRACED, D(99), D(18)),  # one movement in a hundred without a document: 18 of 20
    (TRACED, D(100), D(20)),  # every movement traced
])
def test_points_are_full_at_the_target_and_linear_to_the_zero_point(target, value, expected):
    assert points(value, target, D(20)) == expected


def test_no_evidence_earns_nothing_and_a_zero_weight_earns_nothing():
    assert points(None, P95, D(20)) == 0
    assert points(D(1), P95, D(0)) == 0


def _all(values: dict[Criterion, Decimal | None]) -> list[Measurement]:
    return [Measurement(criterion=c, value=values.get(c)) for c in Criterion]


def test_default_weights_are_twenty_each_and_the_total_is_out_of_100():
    weights = weights_from_settings(None)
    assert set(weights.weights.values()) == {D(20)} and weights.source == "default"
    perfect = {Criterion.STOCK_QUERY_P95: D(50), Criterion.DOCUMENT_SYNC: D(100),
               Criterion.COUNT_VARIANCE: D(0), Criterion.MOVEMENT_TRACED: D(100),
               Criterion.INPUT_INTERCEPTED: D(100)}
    assert assess(_all(perfect), weights).total == 100
    one_short = {**perfect, Criterion.MOVEMENT_TRACED: D(95)}  # 10 of 20 lost
    result = assess(_all(one_short), weights)
    assert result.total == 90
    traced = next(c for c in result.criteria if c.criterion is Criterion.MOVEMENT_TRACED)
    assert (traced.status, traced.points) == ("below", D(10))
    missing = assess(_all({**perfect, Criterion.DOCUMENT_SYNC: None}), weights)
    assert missing.total == 80
    assert [c.status for c in missing.criteria].count("no_data") == 1


def test_pack_weights_scale_the_total_to_100_and_cap_the_benchmark():
    health = {"weights": {"stock_query_p95": 40, "document_sync": 10, "count_variance": 10,
                          "movement_traced": 20, "input_intercepted": 20},
              "benchmark": {"stock_query_p95": 30, "document_sync": 99}}
    weights = weights_from_settings(health, "jxc.standard")
    assert weights.source == "jxc.standard"
    assert weights.benchmark[Criterion.DOCUMENT_SYNC] == 10  # capped at its weight
    assert weights.benchmark[Criterion.COUNT_VARIANCE] == 0  # not set: no line
    only_latency_bad = {Criterion.STOCK_QUERY_P95: D(600), Criterion.DOCUMENT_SYNC: D(100),
                        Criterion.COUNT_VARIANCE: D(0), Criterion.MOVEMENT_TRACED: D(100),
                        Criterion.INPUT_INTERCEPTED: D(100)}
    result = assess(_all(only_latency_bad), weights)
    assert result.total == 60  # 60 of 100 points: latency weighed 40
    assert result.benchmark_total == 40  # (30 + 10) of 100


def test_the_standard_packs_settings_are_accepted():
    import tomllib
    from pathlib import Path

    path = Path(__file__).parents[4] / "templates_marketplace/packs/standard/settings.toml"
    health = tomllib.loads(path.read_text(encoding="utf-8"))["health"]
    weights = weights_from_settings(health, "jxc.standard")
    assert sum(weights.weights.values()) == 100
    assert weights.benchmark[Criterion.DOCUMENT_SYNC] == 18


@pytest.mark.parametrize("bad", [
    {"weights": {"stock_query_p95": -1}},  # negative
    {"weights": {"document_sync": "lots"}},  # not a number
    {"weights": {"count_variance": True}},  # a boolean is not a weight
    {"benchmark": {"movement_traced": "NaN"}},  # not finite
    {"weights": [20, 20]},  # not a table
])
def test_unusable_settings_are_refused_with_the_setting_named(bad):
    with pytest.raises(HealthSettingsInvalid) as caught:
        weights_from_settings(bad)
    assert caught.value.context["setting"] in {"weights", "benchmark"}
    assert "≥ 0" in caught.value.render("en") and "不小于 0" in caught.value.render("zh-CN")
