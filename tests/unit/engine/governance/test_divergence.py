"""Divergence math on crafted histories with known answers."""

from __future__ import annotations

from decimal import Decimal

from engine.governance.divergence import Divergence

LIMIT = Decimal("0.05")


def reserve(sku: str, qty: int | str, rule: str = "r") -> dict:
    return {"kind": "reserve", "rule": rule, "node": f"{rule}/then/0",
            "lines": [{"sku": sku, "qty": str(qty)}]}


def history(pairs):
    totals = Divergence()
    for production, candidate in pairs:
        totals.add(production, candidate)
    return totals.report(LIMIT)


def test_identical_decisions_diverge_zero():
    report = history([([reserve("A", 10)], [reserve("A", 10)])] * 100)
    assert Decimal(report["ratio"]) == 0 and report["is_above_limit"] is False
    assert report["events_differing"] == 0 and report["actions_added"] == []


def test_4_9_percent_is_under_the_limit():
    # 1,000 units reserved by production over 100 events; the candidate reserves 49 more.
    pairs = [([reserve("A", 10)], [reserve("A", 10)]) for _ in range(100)]
    pairs[0] = ([reserve("A", 10)], [reserve("A", 59)])
    report = history(pairs)
    assert Decimal(report["ratio"]) == Decimal("0.049")
    assert report["is_above_limit"] is False
    assert report["per_sku"]["A"]["ratio"] == "0.049"


def test_5_1_percent_is_above_the_limit():
    # 1,000 units over 100 events; the candidate reserves 30 less once and 21 more once.
    pairs = [([reserve("A", 10)], [reserve("A", 10)]) for _ in range(100)]
    pairs[3] = ([reserve("A", 40)], [reserve("A", 10)])
    pairs[4] = ([reserve("A", 10)], [reserve("A", 31)])
    pairs[5] = ([reserve("A", 10)], [reserve("A", 10)])
    report = history(pairs)
    assert report["production_qty"] == "1030"  # pairs[3] moved 40 in production
    assert Decimal(report["ratio"]) == Decimal(51) / Decimal(1030)
    assert report["is_above_limit"] is False  # 4.95 %: close, but under

    pairs[3] = ([reserve("A", 10)], [reserve("A", 10)])
    pairs[4] = ([reserve("A", 10)], [reserve("A", 61)])
    report = history(pairs)
    assert Decimal(report["ratio"]) == Decimal("0.051")
    assert report["is_above_limit"] is True
    assert report["events_differing"] == 1


def test_exactly_at_the_limit_is_not_above_it():
    pairs = [([reserve("A", 100)], [reserve("A", 105)])]
    report = history(pairs)
    assert Decimal(report["ratio"]) == LIMIT and report["is_above_limit"] is False


def test_a_new_sku_only_the_candidate_touches():
    pairs = [([reserve("A", 10)], [reserve("A", 10), reserve("NEW", 1, rule="extra")])
             for _ in range(100)]
    report = history(pairs)
    new = report["per_sku"]["NEW"]
    assert new["only_candidate"] is True and new["ratio"] is None  # unbounded
    assert report["per_sku"]["A"]["ratio"] == "0"
    assert Decimal(report["ratio"]) == Decimal("0.1")  # 100 ÷ 1,000
    assert report["actions_added"] == [{"rule": "extra", "kind": "reserve", "count": 100}]
    assert report["actions_removed"] == []


def test_a_first_version_against_nothing_is_unbounded_and_above():
    report = history([([], [reserve("A", 1)])])
    assert report["ratio"] is None and report["is_above_limit"] is True


def test_release_counts_negative_and_removed_actions_are_listed():
    release = {"kind": "release", "rule": "r2", "node": "r2/then/0",
               "lines": [{"sku": "A", "qty": "4"}]}
    report = history([([reserve("A", 10), release], [reserve("A", 10)])])
    # production moved +10 −4 = 6 on A; the candidate +10: |10 − 6| ÷ |6|
    assert Decimal(report["ratio"]) == Decimal(4) / Decimal(6)
    assert report["actions_removed"] == [{"rule": "r2", "kind": "release", "count": 1}]
