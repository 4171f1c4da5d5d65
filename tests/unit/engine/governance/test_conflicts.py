"""Conflict detection: satisfiable pairs over ranges, enums and equalities; the promotion +
rebate case shows a price below cost."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from dsl import default_registry, parse_and_check
from engine.governance.conflicts import find_conflicts
from engine.lowering_rules import lower_rule_file

ROOT = Path(__file__).parents[4]


def rules(text: str):
    return lower_rule_file(parse_and_check(text, default_registry()))


def test_promotion_and_rebate_together_sell_below_cost():
    source = (ROOT / "examples/governance/promotion_and_rebate.rule").read_text("utf-8")
    [conflict] = find_conflicts(rules(source))
    assert (conflict.rule_a, conflict.rule_b) == ("double11_toy_promotion", "key_account_rebate")
    assert conflict.target == "field:price.final_price" and conflict.certainty == "definite"
    example = conflict.example
    assert example["item"]["category"] == "toys"
    assert example["price"]["list_price"] >= 50 and example["price"]["rebate_rate"] >= Decimal(
        "0.2")
    values = {k: Decimal(v) for k, v in conflict.values.items()}
    # Each alone stays at or above cost; stacked, the price is below it.
    assert values["a"] >= values["cost"] and values["b"] >= values["cost"]
    assert values["stacked"] < values["cost"] and conflict.is_below_cost is True
    assert Decimal(str(example["item"]["cost_price"])) == values["cost"]


PAIR = """
rule cheap_toys "a"
  when price.change_requested
  if item.category = "toys" and price.list_price {a}
  then
    set price.final_price to price.list_price * 90%
end

rule rich_toys "b"
  when price.change_requested
  if price.list_price {b}
  then
    set price.final_price to price.list_price * 95%
end
"""


def test_disjoint_numeric_ranges_do_not_conflict():
    assert find_conflicts(rules(PAIR.format(a="< ¥50", b=">= ¥50"))) == []
    assert find_conflicts(rules(PAIR.format(a="<= ¥50", b="> ¥50"))) == []


def test_touching_closed_ranges_conflict_at_the_bound():
    [conflict] = find_conflicts(rules(PAIR.format(a="<= ¥50", b=">= ¥50")))
    assert conflict.example["price"]["list_price"] == Decimal(50)


def test_enums_and_equalities():
    text = """
rule a "a"
  when sales_order.confirmed
  if customer.level in ["vip", "key_account"]
  then
    freeze customer order.customer_id
end

rule b "b"
  when sales_order.confirmed
  if customer.level = "normal"
  then
    freeze customer order.customer_id
end

rule c "c"
  when sales_order.confirmed
  if customer.level != "vip"
  then
    freeze customer order.customer_id
end
"""
    found = find_conflicts(rules(text))
    pairs = {(c.rule_a, c.rule_b) for c in found}
    assert pairs == {("a", "c"), ("b", "c")}  # a ∧ b impossible: vip/key_account ≠ normal
    a_c = next(c for c in found if c.rule_a == "a")
    assert a_c.example["customer"]["level"] == "key_account"  # the only value both allow


def test_different_targets_or_triggers_never_conflict():
    text = """
rule a "a"
  when price.change_requested
  if price.list_price > ¥1
  then
    set price.final_price to price.list_price
end

rule b "b"
  when price.changed
  if price.list_price > ¥1
  then
    set price.final_price to price.list_price
end
"""
    assert find_conflicts(rules(text)) == []
