"""The sandbox overlays decisions on a copy of balances and never touches the original."""

from __future__ import annotations

from decimal import Decimal

from engine.decision import Decision, PlannedAction, Provenance
from engine.executors.sandbox import Balance, SandboxExecutor

PROV = Provenance(event_id="e1", rule_id="r", version="v" * 64, node_id="r/then/0")


def reserve(lines):
    return PlannedAction(kind="reserve", args=(("target", lines),), provenance=PROV)


def test_reserve_all_lines_or_none_and_original_untouched():
    real = {("YEAST", "WH-A"): Balance(on_hand=Decimal(10), reserved=Decimal(2)),
            ("FLOUR", "WH-A"): Balance(on_hand=Decimal(1), reserved=Decimal(0))}
    sandbox = SandboxExecutor(real)
    ok = sandbox.apply(Decision(event_id="e1", version="v", actions=(
        reserve([{"sku": "YEAST", "warehouse": "WH-A", "qty": 8}]),)))
    assert ok.steps[0].outcome == "would apply"
    assert ok.balances[("YEAST", "WH-A")].available == Decimal(0)
    refused = sandbox.apply(Decision(event_id="e2", version="v", actions=(reserve([
        {"sku": "FLOUR", "warehouse": "WH-A", "qty": 1},
        {"sku": "YEAST", "warehouse": "WH-A", "qty": 1}]),)))
    assert refused.steps[0].outcome == "would be refused"
    assert "available 0, requested 1" in refused.steps[0].detail
    assert refused.balances[("FLOUR", "WH-A")].reserved == Decimal(0)  # none of the lines
    assert real[("YEAST", "WH-A")].reserved == Decimal(2)


def test_a_refused_action_rolls_back_its_whole_firing_as_in_production():
    real = {("YEAST", "WH-A"): Balance(on_hand=Decimal(3), reserved=Decimal(0))}
    webhook = PlannedAction(kind="call_webhook", args=(("name", "erp_sync"),), provenance=PROV)
    other = Provenance(event_id="e1", rule_id="other", version="v" * 64, node_id="o/then/0")
    alert = PlannedAction(kind="alert", args=(("recipients", ["role:admin"]),
                                              ("message", "hi")), provenance=other)
    result = SandboxExecutor(real).apply(Decision(event_id="e1", version="v", actions=(
        reserve([{"sku": "YEAST", "warehouse": "WH-A", "qty": 1}]), webhook,
        reserve([{"sku": "YEAST", "warehouse": "WH-A", "qty": 5}]), alert)))
    assert [s.outcome for s in result.steps] == [
        "would be rolled back", "would be rolled back", "would be refused", "recorded"]
    assert "call_webhook erp_sync" in result.steps[1].detail
    assert result.balances[("YEAST", "WH-A")].reserved == Decimal(0)  # the first hold too
    assert result.steps[3].detail == "alert role:admin: hi"
