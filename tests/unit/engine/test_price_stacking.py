"""Prices stack: a later rule (and a later rule set) reads the price an earlier one set."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from engine import ir
from engine.compiler import compile_rule_set
from engine.decision import Event
from engine.evaluate import evaluate
from engine.price_writes import before_rule_set, price_writes, with_price_writes

NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
F = ir.Field
FINAL = ("price", "final_price")
TRIGGER = "price.change_requested"


def money(value: str) -> ir.Lit:
    return ir.Lit(type="money", value=Decimal(value), unit="CNY")


def set_final(rule_id: str, value: ir.Expr) -> ir.Rule:
    return ir.Rule(id=rule_id, trigger=TRIGGER,
                   condition=ir.Binary(op=">", left=F(path=FINAL), right=money("0")),
                   actions=(ir.Action(id=f"{rule_id}/then/0", kind="set", args=(
                       ("target", F(path=FINAL)), ("value", value))),))


PROMOTION = set_final("promotion", ir.Binary(op="*", left=F(path=FINAL), right=ir.Lit(
    type="percent", value=Decimal("80"))))
REBATE = set_final("rebate", ir.Binary(op="-", left=F(path=FINAL), right=money("5")))


def request(final: str = "25") -> Event:
    return Event(id="p1", type=TRIGGER, tenant_id=1, occurred_at=NOW, payload={
        "item": {"sku": "YEAST-500G"}, "price": {"list_price": Decimal(final),
                                                  "final_price": Decimal(final)}})


def test_later_rules_of_one_version_read_the_price_set_before():
    payload = request()
    decision = evaluate(compile_rule_set(ir.RuleSet(rules=(PROMOTION, REBATE))), payload,
                        {}, NOW)
    values = [a.arg("value") for a in decision.actions]
    assert values == [Decimal("20.0"), Decimal("15.0")]
    assert payload.payload["price"]["final_price"] == Decimal("25")  # the event is unchanged


def test_the_next_rule_set_reads_the_previous_rule_sets_writes():
    first = evaluate(compile_rule_set(ir.RuleSet(rules=(PROMOTION,))), request(), {}, NOW)
    assert price_writes(first.actions) == {"final_price": Decimal("20.0")}
    event, facts = with_price_writes(request(), {}, first)
    assert event.payload["price"] == {"list_price": Decimal("25"),
                                      "final_price": Decimal("20.0")}
    second = evaluate(compile_rule_set(ir.RuleSet(rules=(REBATE,))), event, facts, NOW)
    assert [a.arg("value") for a in second.actions] == [Decimal("15.0")]


def test_a_shadow_candidate_reads_the_rule_sets_before_its_own_by_name():
    promotion = evaluate(compile_rule_set(ir.RuleSet(rules=(PROMOTION,))), request(), {}, NOW)
    rebate = evaluate(compile_rule_set(ir.RuleSet(rules=(REBATE,))), request(), {}, NOW)
    decisions = {"promotion": promotion, "rebate": rebate}
    seen, _ = before_rule_set(request(), {}, decisions, "rebate")
    assert seen.payload["price"]["final_price"] == Decimal("20.0")
    first, _ = before_rule_set(request(), {}, decisions, "promotion")
    assert first.payload["price"]["final_price"] == Decimal("25")


def test_a_tables_price_output_stacks_like_a_rules_own_set() -> None:
    from dsl import default_registry, parse_and_check
    from engine.lowering_rules import lower_rule_file
    text = """
table promo_by_category "按品类促销"
  when price.change_requested
  hit first
  inputs item.sku
  outputs price.final_price
  row "YEAST-500G" -> ¥20
  row any -> ¥25
end

rule rebate "返利五元"
  when price.change_requested
  then
    set price.final_price to price.final_price - ¥5
end
"""
    plan = compile_rule_set(lower_rule_file(parse_and_check(text, default_registry())))
    finals = [a.arg("value") for a in evaluate(plan, request(), {}, NOW).actions
              if a.kind == "set"]
    assert finals == [Decimal("20"), Decimal("15")]
