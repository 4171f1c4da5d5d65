"""Rule passports derived from the IR, and version diffs."""

from __future__ import annotations

from pathlib import Path

from dsl import default_registry, parse_and_check
from engine.governance.diff import diff_versions
from engine.governance.passport import passport, passport_graph
from engine.lowering_rules import lower_rule_file

EXAMPLES = Path(__file__).parents[4] / "examples" / "rules"


def load(name: str):
    text = (EXAMPLES / name).read_text("utf-8")
    return text, lower_rule_file(parse_and_check(text, default_registry()))


def test_passport_of_the_unshipped_rule():
    _, rule_set = load("unshipped_48h.rule")
    p = passport(rule_set, "v1")
    assert p["events"] == ["sales_order.confirmed"]
    assert p["roles_notified"] == ["sales_manager", "warehouse_manager"]
    assert p["fields_written"] == ["customer.is_frozen"]
    assert "order.no" in p["fields_read"] and p["balances_written"] == []


def test_passport_of_stock_and_connector_rules():
    _, deposit = load("deposit_locks_stock.rule")
    assert passport(deposit, "v")["balances_written"] == ["reserved"]
    assert "order.deposit_amount" in passport(deposit, "v")["fields_read"]
    _, freezer = load("freezer_too_warm.rule")
    p = passport(freezer, "v")
    assert p["connectors"] == ["mqtt:factory/freezer/{freezer.id}/alarm"]
    assert p["fields_written"] == ["lot.is_frozen"] and p["roles_notified"] == [
        "quality_manager"]
    assert "freezer.temperature" in p["fields_read"]  # read inside the 'for 10m' clause


def test_the_passport_graph_is_networkx_and_rooted_at_the_version():
    _, rule_set = load("deposit_locks_stock.rule")
    graph = passport_graph(rule_set, "abc")
    assert set(graph.successors("version:abc")) == {"rule:deposit_locks_stock",
                                                     "rule:release_on_cancel"}


def test_diff_lists_rules_added_removed_changed_and_a_text_diff():
    old_text, old = load("deposit_locks_stock.rule")
    new_text = old_text.replace("for 2h", "for 3h")
    new_text = new_text[:new_text.index("# Cancelling")]
    new_text += ('rule remind "提醒"\n  when sales_order.confirmed\n  then\n'
                 '    notify role:sales_manager "新订单"\nend\n')
    new = lower_rule_file(parse_and_check(new_text, default_registry()))
    diff = diff_versions("v1", old_text, old, "v2", new_text, new)
    assert diff["changed"] == ["deposit_locks_stock"]
    assert diff["removed"] == ["release_on_cancel"] and diff["added"] == ["remind"]
    assert "-    reserve order.lines for 2h" in diff["text"]
    assert "+    reserve order.lines for 3h" in diff["text"]


def test_formatting_alone_changes_no_rule():
    text, rule_set = load("deposit_locks_stock.rule")
    spaced = text.replace("\n  then", "\n\n  then")
    again = lower_rule_file(parse_and_check(spaced, default_registry()))
    diff = diff_versions("a", text, rule_set, "b", spaced, again)
    assert diff["changed"] == [] and diff["text"] != ""
