"""Rule tests in TOML beside the rules, run by pure evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import default_registry, parse_and_check
from engine.compiler import compile_rule_set
from engine.governance.errors import BadRuleTests
from engine.governance.rule_tests import parse_rule_tests, run_rule_tests
from engine.lowering_rules import lower_rule_file

ROOT = Path(__file__).parents[4]


@pytest.fixture
def plan():
    text = (ROOT / "examples/rules/deposit_locks_stock.rule").read_text("utf-8")
    return compile_rule_set(lower_rule_file(parse_and_check(text, default_registry())))


def test_the_example_tests_beside_the_rules_pass(plan):
    text = (ROOT / "examples/rules/deposit_locks_stock.tests.toml").read_text("utf-8")
    results = run_rule_tests(plan, text)
    assert len(results) == 3 and all(r.is_passed for r in results), results


def test_a_wrong_argument_is_named_with_what_the_action_had(plan):
    text = """
[[test]]
name = "a one-hour hold is expected"
event = "sales_order.confirmed"
payload = { order = { deposit_amount = 100, lines = [{ sku = "TEA-1", qty = 2 }] } }
expect = [{ kind = "reserve", rule = "release_on_cancel", args = { hold = 3600000, for = 1 } }]
"""
    [result] = run_rule_tests(plan, text)
    assert not result.is_passed
    assert result.message == (
        "expected ['reserve'], got ['reserve'] (action 1: rule deposit_locks_stock, not "
        "release_on_cancel; action 1: hold is '7200000', not '3600000'; action 1: for is "
        "None, not '1' (its arguments: hold, target))")


def test_a_wrong_expectation_fails_and_says_why(plan):
    text = """
[[test]]
name = "no deposit yet a hold is expected"
event = "sales_order.confirmed"
payload = { order = { deposit_amount = 0 } }
expect = [{ kind = "reserve" }]
"""
    [result] = run_rule_tests(plan, text)
    assert not result.is_passed
    assert result.message == "expected ['reserve'], got []"


def test_arguments_are_compared_as_text(plan):
    text = """
[[test]]
name = "two hours"
event = "sales_order.confirmed"
payload = { order = { deposit_amount = 12.5, lines = [] } }
expect = [{ kind = "reserve", rule = "deposit_locks_stock", args = { hold = 7200001 } }]
"""
    [result] = run_rule_tests(plan, text)
    assert not result.is_passed and result.actual[0]["args"]["hold"] == "7200000"


@pytest.mark.parametrize("text", [
    "not toml = [",  # not TOML
    "title = 'x'",  # no [[test]]
    "[[test]]\nevent = 'x'\nexpect = []",  # no name
    "[[test]]\nname = 'x'\nevent = 'x'\nexpect = [{ rule = 'r' }]",  # expected action w/o kind
])
def test_bad_files_are_refused(text):
    with pytest.raises(BadRuleTests):
        parse_rule_tests(text)


_TOTAL_RULE = """
rule big_order "大单提醒"
  when sales_order.confirmed
  if order.total_amount > ¥100
  then alert role:sales_manager "大单 {order.no}: {order.total_amount}"
end
"""


@pytest.fixture
def total_plan():
    return compile_rule_set(lower_rule_file(parse_and_check(_TOTAL_RULE, default_registry())))


def test_facts_come_from_the_loaders_twin_and_payload_separately(total_plan):
    text = """
[[test]]
name = "a ¥300 order alerts"
event = "sales_order.confirmed"
payload.order = { id = "SO-1", no = "SO-1" }
facts.order = { total_amount = 300 }
expect = [{ kind = "alert", rule = "big_order" }]

[[test]]
name = "a ¥50 order does not"
event = "sales_order.confirmed"
payload.order = { id = "SO-2", no = "SO-2" }
facts.order = { total_amount = 50 }
expect = []
"""
    results = run_rule_tests(total_plan, text)
    assert [r.is_passed for r in results] == [True, True], results


def test_a_fact_no_loader_provides_fails_with_the_reason(total_plan):
    text = """
[[test]]
name = "the total given as payload"
event = "sales_order.confirmed"
payload.order = { id = "SO-1", total_amount = 300 }
expect = [{ kind = "alert" }]

[[test]]
name = "the order number given as a fact"
event = "sales_order.confirmed"
payload.order = { id = "SO-1" }
facts.order = { no = "SO-1", total_amount = 300 }
expect = [{ kind = "alert" }]

[[test]]
name = "a fact nothing declares"
event = "sales_order.confirmed"
facts.address = { is_real = true }
expect = []
"""
    payload, fact, unknown = run_rule_tests(total_plan, text)
    assert not payload.is_passed and payload.message == (
        "payload: sales_order.confirmed does not carry order.total_amount "
        "(the order loader fills it: give it under facts)")
    assert not fact.is_passed and fact.message == (
        "facts: no loader provides order.no on sales_order.confirmed "
        "(the event carries it: give it under payload)")
    assert not unknown.is_passed
    assert unknown.message == "facts: sales_order.confirmed has no field address.is_real"


def test_two_price_rules_in_one_version_stack_in_a_rule_test():
    source = """
rule double11_promotion "双十一烘焙八折"
  when price.change_requested
  if item.category = "baking"
  then
    set price.final_price to price.final_price * 80%
end

rule key_account_rebate "大客户返利五元"
  when price.change_requested
  then
    set price.final_price to price.final_price - ¥5
end
"""
    stacked = compile_rule_set(lower_rule_file(parse_and_check(source, default_registry())))
    text = """
[[test]]
name = "20 % off then five yuan off"
event = "price.change_requested"
facts.item = { category = "baking" }
payload.price = { list_price = 25, final_price = 25 }
expect = [{ kind = "set", rule = "double11_promotion", args = { value = "20.0" } },
          { kind = "set", rule = "key_account_rebate", args = { value = "15.0" } }]
"""
    [result] = run_rule_tests(stacked, text)
    assert result.is_passed, result.message
