"""Text → IR → text for every example rule; the version hash is stable and tracks changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import default_registry, format_rules, parse_and_check
from engine.canonical import canonical_json, from_data, to_data, version_hash
from engine.compiler import compile_rule_set
from engine.lowering_rules import lower_rule_file, raise_rule_file

EXAMPLES = sorted((Path(__file__).parents[3] / "examples" / "rules").glob("*.rule"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_text_ir_text_round_trip_and_compiles(path):
    checked = parse_and_check(path.read_text(encoding="utf-8"), default_registry())
    rule_set = lower_rule_file(checked)
    assert raise_rule_file(rule_set).items == checked.items
    # the canvas stores JSON: JSON → IR gives the same rules and the same hash
    assert from_data(to_data(rule_set)) == rule_set
    for lang in ("en", "zh"):
        text = format_rules(raise_rule_file(rule_set), lang)
        again = lower_rule_file(parse_and_check(text, default_registry()))
        assert again == rule_set, lang
        assert version_hash(again) == version_hash(rule_set)
    compile_rule_set(rule_set)


def test_hash_is_pinned_and_changes_with_any_rule():
    """The hash is the version id: same on every run and machine (pinned), new on any edit."""
    text = (Path(__file__).parents[3] / "examples/rules/deposit_locks_stock.rule").read_text(
        encoding="utf-8")
    rule_set = lower_rule_file(parse_and_check(text, default_registry()))
    assert canonical_json(rule_set).startswith('{"node":"RuleSet"')
    edited = lower_rule_file(parse_and_check(text.replace("2h", "3h"), default_registry()))
    assert version_hash(edited) != version_hash(rule_set)
    assert version_hash(rule_set) == version_hash(
        lower_rule_file(parse_and_check(text, default_registry())))
