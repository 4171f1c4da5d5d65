"""Nested branches in the IR: flat rules hash as before, ids name each step, JSON round
trips, and pure evaluation takes the right side of each condition (the trace names it)."""

from __future__ import annotations

from datetime import UTC, datetime

from dsl import parse
from engine import ir
from engine.canonical import canonical_json, from_data, to_data, version_hash
from engine.compiler import compile_rule_set
from engine.decision import Event
from engine.evaluate import evaluate
from engine.lowering_rules import lower_rule_file, raise_rule_file

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
#: A flat rule (condition, then, else); its hash was computed on main before branches
#: existed (commit dcf6180) and must never change.
FLAT = """rule vip_total "VIP 大单"
  when sales_order.confirmed
  if order.total_amount > ¥100 and customer.level == "vip"
  then
    reserve order.lines for 2h
    alert role:sales_manager "VIP 订单 {order.no}"
  else
    notify role:sales_manager "订单 {order.no}"
end
"""
FLAT_HASH = "049360efcb5738ba73e41eb57e7e58b3ec715e760410c41bb771ea463ef21cc7"
NESTED = """rule vip_orders
  when sales_order.confirmed
  if order.total_amount > ¥100
  then
    if customer.level = "vip"
    then
      alert role:sales_manager "VIP {order.no}"
    else
      if order.total_amount > ¥1000
      then
        notify role:sales_manager "大单 {order.no}"
      end
    end
    reserve order.lines for 2h
  else
    notify role:sales_manager "小单 {order.no}"
end
"""


def test_a_flat_rule_hashes_as_it_did_before_branches() -> None:
    rule_set = lower_rule_file(parse(FLAT))
    assert version_hash(rule_set) == FLAT_HASH
    assert "Branch" not in canonical_json(rule_set)


def test_nested_steps_are_named_by_their_place_and_round_trip() -> None:
    rule_set = lower_rule_file(parse(NESTED))
    [rule] = rule_set.rules
    branch = rule.actions[0]
    assert isinstance(branch, ir.Branch) and branch.id == "vip_orders/then/0"
    assert [a.id for a in ir.all_actions(rule)] == [
        "vip_orders/then/0/then/0", "vip_orders/then/0/else/0/then/0", "vip_orders/then/1",
        "vip_orders/else/0"]
    assert [b.id for b in ir.all_branches(rule.actions)] == ["vip_orders/then/0",
                                                             "vip_orders/then/0/else/0"]
    assert from_data(to_data(rule_set)) == rule_set
    assert raise_rule_file(rule_set).items == parse(NESTED).items
    assert version_hash(rule_set) != version_hash(lower_rule_file(parse(
        NESTED.replace("¥1000", "¥2000"))))


def _run(total: int, level: str):  # type: ignore[no-untyped-def]
    plan = compile_rule_set(lower_rule_file(parse(NESTED)))
    event = Event(id="e1", type="sales_order.confirmed", tenant_id=1, occurred_at=NOW,
                  payload={"order": {"no": "SO-1", "total_amount": total, "lines": []}})
    return evaluate(plan, event, {"customer": {"level": level}}, NOW, trace=True)


def test_evaluation_takes_each_branch_and_the_trace_names_it() -> None:
    vip = _run(500, "vip")
    assert [(a.kind, a.provenance.node_id) for a in vip.actions] == [
        ("alert", "vip_orders/then/0/then/0"), ("reserve", "vip_orders/then/1")]
    assert vip.actions[0].arg("message") == "VIP SO-1"
    steps = {(s.node_id, s.result) for s in vip.trace or () if isinstance(s.result, bool)}
    assert ("vip_orders/then/0", True) in steps
    big = _run(5000, "normal")
    assert [a.provenance.node_id for a in big.actions] == ["vip_orders/then/0/else/0/then/0",
                                                "vip_orders/then/1"]
    assert {("vip_orders/then/0", False), ("vip_orders/then/0/else/0", True)} <= {
        (s.node_id, s.result) for s in big.trace or () if isinstance(s.result, bool)}
    middle = _run(500, "normal")
    assert [a.provenance.node_id for a in middle.actions] == ["vip_orders/then/1"]
    small = _run(50, "vip")
    assert [a.provenance.node_id for a in small.actions] == ["vip_orders/else/0"]
    assert not any(s.node_id.startswith("vip_orders/then/0") for s in small.trace or ())
