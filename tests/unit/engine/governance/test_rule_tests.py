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


def test_a_wrong_expectation_fails_and_says_why(plan):
    text = """
[[test]]
name = "no deposit yet a hold is expected"
event = "sales_order.confirmed"
facts = { order = { deposit_amount = 0 } }
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
facts = { order = { deposit_amount = 12.5, lines = [] } }
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
