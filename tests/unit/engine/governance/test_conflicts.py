"""Conflict detection (pure): price stacks across rule sets on the tenant's SKUs (flagged only
below cost, with the figures), conditions decided by the item's facts, and same-target pairs
over ranges, enums and equalities."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from dsl import default_registry, parse_and_check
from engine.governance.conflicts import find_conflicts, pair_conflicts
from engine.governance.price_stack import RuleRef, SkuFacts, SourcedRule, stack
from engine.lowering_rules import lower_rule_file

ROOT = Path(__file__).parents[4]


def rules(text: str, rule_set: str = "candidate", *, candidate: bool = True,
          version_id: int = 1) -> list[SourcedRule]:
    parsed = lower_rule_file(parse_and_check(text, default_registry()))
    return [SourcedRule(RuleRef(rule_set=rule_set, rule_id=r.id, title=r.title,
                                version_id=version_id, version_hash="h" * 64,
                                is_candidate=candidate), r) for r in parsed.rules]


YEAST = SkuFacts(sku="YEAST-500G", name="酵母500克", category="baking",
                 list_price=Decimal("25.00"), cost_price=Decimal("18.00"))
FLOUR = SkuFacts(sku="FLOUR-5KG", name="面粉5公斤", category="baking",
                 list_price=Decimal("60.00"), cost_price=Decimal("30.00"))
TOY = SkuFacts(sku="TOY-1", name="玩具", category="toys", list_price=Decimal("25.00"),
               cost_price=Decimal("18.00"))

PROMOTION = """
rule double11_promotion "双十一烘焙八折"
  when price.change_requested
  if item.category = "baking"
  then
    set price.final_price to price.final_price * {rate}
end
"""
REBATE = """
rule key_account_rebate "大客户返利"
  when price.change_requested
  then
    set price.final_price to price.final_price - ¥5
end
"""


def test_a_promotion_in_production_and_a_candidate_rebate_sell_yeast_below_cost():
    promotion = rules(PROMOTION.format(rate="80%"), "promotion", candidate=False)
    rebate = rules(REBATE, "rebate", version_id=2)
    [conflict] = find_conflicts(rebate, promotion, [YEAST, FLOUR])
    assert conflict.kind == "below_cost" and conflict.sku == "YEAST-500G"
    assert [(r.ref.rule_set, r.ref.rule_id) for r in conflict.rules] == [
        ("promotion", "double11_promotion"), ("rebate", "key_account_rebate")]
    assert conflict.message_en == ("YEAST-500G: list ¥25.00, promotion:double11_promotion "
                                   "−20 % then key_account_rebate −¥5.00 → ¥15.00 < cost ¥18.00")
    assert conflict.message_zh == ("YEAST-500G：标价 ¥25.00，双十一烘焙八折 −20% 再 大客户返利 "
                                   "−¥5.00 → ¥15.00 < 成本 ¥18.00")
    assert conflict.values == {"list": "25.00", "stacked": "15.00", "cost": "18.00"}
    assert [(s["before"], s["after"]) for s in conflict.figures["steps"]] == [
        ("25.00", "20.00"), ("20.00", "15.00")]
    assert conflict.certainty == "definite"
    # Flour has the margin: 60 → 48 → 43 ≥ 30, not a conflict.


def test_a_safe_five_percent_stack_is_not_flagged():
    promotion = rules(PROMOTION.format(rate="95%"), "promotion", candidate=False)
    rebate = rules(REBATE, "rebate")
    assert find_conflicts(rebate, promotion, [YEAST, FLOUR]) == []  # 25 → 23.75 → 18.75


def test_the_category_condition_is_decided_by_the_item_so_toys_get_no_promotion():
    promotion = rules(PROMOTION.format(rate="80%"), "promotion", candidate=False)
    done = stack("price.change_requested", [*promotion, *rules(REBATE, "rebate")], TOY)
    assert [s.ref.rule_id for s in done.steps] == ["key_account_rebate"]
    assert done.result == Decimal(20) and not done.is_below_cost


def test_production_order_is_by_rule_set_name_whoever_is_the_candidate():
    # "a_rebate" sorts before "promotion": the rebate runs first, then 80 % of 20 = 16.
    promotion = rules(PROMOTION.format(rate="80%"), "promotion")
    rebate = rules(REBATE, "a_rebate", candidate=False)
    [conflict] = find_conflicts(promotion, rebate, [YEAST])
    assert [r.ref.rule_id for r in conflict.rules] == ["key_account_rebate",
                                                       "double11_promotion"]
    assert conflict.values["stacked"] == "16.00"


def test_what_the_item_cannot_decide_is_assumed_with_the_smallest_value_allowed():
    source = (ROOT / "examples/governance/promotion_and_rebate.rule").read_text("utf-8")
    toy = SkuFacts(sku="TOY-9", category="toys", list_price=Decimal("100.00"),
                   cost_price=Decimal("70.00"))
    [conflict] = find_conflicts(rules(source, "pricing"), [], [toy, YEAST])
    # 100 × 80 % = 80, then × (100 % − 20 %) = 64 < 70, when the rebate rate is 20 %.
    assert conflict.values == {"list": "100.00", "stacked": "64.00", "cost": "70.00"}
    assert conflict.figures["assumed"] == {"price.rebate_rate": Decimal("0.2")}
    assert "assuming price.rebate_rate = 0.2" in conflict.message_en
    # The same two rules on a toy with margin enough: 64 ≥ 60, nothing flagged.
    rich = SkuFacts(sku="TOY-8", category="toys", list_price=Decimal("100.00"),
                    cost_price=Decimal("60.00"))
    assert find_conflicts(rules(source, "pricing"), [], [rich]) == []


def test_rules_that_cannot_fire_together_are_not_stacked():
    text = """
rule vip_off "a"
  when price.change_requested
  if price.rebate_rate = 10%
  then
    set price.final_price to price.final_price * 80%
end

rule normal_off "b"
  when price.change_requested
  if price.rebate_rate = 30%
  then
    set price.final_price to price.final_price * 80%
end
"""
    done = stack("price.change_requested", rules(text), YEAST)
    assert [s.ref.rule_id for s in done.steps] == ["vip_off"]  # 25 → 20, the other cannot
    assert done.result == Decimal(20)


def test_a_candidate_that_writes_no_price_is_not_judged_on_prices():
    promotion = rules(PROMOTION.format(rate="50%"), "promotion", candidate=False)
    note = rules('rule noted "n"\n  when price.change_requested\n  then\n'
                 '    alert role:finance_manager "调价 {item.sku}"\nend\n', "notes")
    assert find_conflicts(note, promotion, [YEAST]) == []


PAIR = """
rule a "a"
  when sales_order.confirmed
  if order.total_amount {a}
  then
    freeze customer order.customer_id
end

rule b "b"
  when sales_order.confirmed
  if order.total_amount {b}
  then
    freeze customer order.customer_id
end
"""


def test_disjoint_numeric_ranges_do_not_conflict():
    assert pair_conflicts(rules(PAIR.format(a="< ¥50", b=">= ¥50")), []) == []
    assert pair_conflicts(rules(PAIR.format(a="<= ¥50", b="> ¥50")), []) == []


def test_touching_closed_ranges_conflict_at_the_bound():
    [conflict] = pair_conflicts(rules(PAIR.format(a="<= ¥50", b=">= ¥50")), [])
    assert conflict.example["order"]["total_amount"] == Decimal(50)


def test_a_pair_across_rule_sets_names_the_production_rule():
    ours = rules(PAIR.format(a="<= ¥50", b="< ¥0").split("rule b")[0])
    theirs = rules(PAIR.format(a="> ¥10", b="< ¥0").split("rule b")[0], "risk",
                   candidate=False)
    [conflict] = pair_conflicts(ours, theirs)
    assert conflict.key == "a|risk:a|freeze:customer:order.customer_id"
    assert [r.ref.rule_set for r in conflict.rules] == ["candidate", "risk"]


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
    found = pair_conflicts(rules(text), [])
    pairs = {(c.rule_a, c.rule_b) for c in found}
    assert pairs == {("a", "c"), ("b", "c")}  # a ∧ b impossible: vip/key_account ≠ normal
    a_c = next(c for c in found if c.rule_a == "a")
    assert a_c.example["customer"]["level"] == "key_account"  # the only value both allow
