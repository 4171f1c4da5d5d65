"""Every example in examples/rules/ checks clean and says what the business case needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import default_registry, parse, parse_and_check
from dsl.ast import (
    Absent,
    Alert,
    Block,
    Compare,
    EmitEvent,
    Freeze,
    Guard,
    Notify,
    PublishMqtt,
    Release,
    Reserve,
    Rule,
    RuleFile,
    SetField,
    Sustained,
    Table,
    WindowCount,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "rules"
FILES = sorted(EXAMPLES.glob("*.rule"))


def load(name: str) -> RuleFile:
    """Parse, check and resolve one example."""
    return parse_and_check((EXAMPLES / f"{name}.rule").read_text(encoding="utf-8"),
                           default_registry())


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_example_checks_clean(path: Path) -> None:
    parse_and_check(path.read_text(encoding="utf-8"), default_registry())


def test_both_keyword_languages_are_used() -> None:
    langs = {parse(p.read_text(encoding="utf-8")).lang for p in FILES}
    assert langs == {"en", "zh"} and len(FILES) >= 10


def test_deposit_order_locks_stock_for_two_hours() -> None:
    rule, release = load("deposit_locks_stock").items
    assert isinstance(rule, Rule) and rule.trigger.name == "sales_order.confirmed"
    action = rule.actions[0]
    assert isinstance(action, Reserve) and action.hold is not None
    assert action.hold.milliseconds == 2 * 3_600_000
    assert isinstance(release.actions[0], Release)


def test_unshipped_48h_alerts_two_managers_and_freezes_the_customer() -> None:
    rule = load("unshipped_48h").items[0]
    assert isinstance(rule, Rule) and isinstance(rule.condition, Absent)
    assert rule.condition.window.milliseconds == 48 * 3_600_000
    assert rule.condition.key is not None and rule.condition.key.dotted == "order.id"
    alert, freeze = rule.actions
    assert isinstance(alert, Alert)
    assert [r.name for r in alert.recipients] == ["sales_manager", "warehouse_manager"]
    assert isinstance(freeze, Freeze) and freeze.kind == "customer"
    assert freeze.target is not None and freeze.target.dotted == "order.customer_id"  # type: ignore[union-attr]


def test_plated_return_freezes_receipt_and_notifies_quality() -> None:
    rule = load("plated_return_check").items[0]
    assert isinstance(rule, Rule)
    kinds = [type(a) for a in rule.actions]
    assert kinds == [Freeze, Notify] and isinstance(rule.else_actions[0], SetField)
    assert "2%" in repr(rule.condition) or "Percent" in repr(rule.condition)


def test_channel_pool_below_50_pauses_the_channel() -> None:
    rule = load("channel_pool_low").items[0]
    assert isinstance(rule, Rule) and isinstance(rule.condition, Compare)
    assert rule.condition.left.dotted == "channel_pool.available"  # type: ignore[union-attr]
    assert isinstance(rule.actions[0], Freeze) and rule.actions[0].kind == "channel"


@pytest.mark.parametrize("name", ["return_needs_original_order", "fake_address_no_reserve",
                                  "promotion_rebate_cost"])
def test_guards_block(name: str) -> None:
    guard = load(name).items[0]
    assert isinstance(guard, Guard)
    assert any(isinstance(a, Block) for a in guard.actions)
    assert default_registry().event(guard.trigger.name).is_blockable  # type: ignore[union-attr]


def test_three_scans_in_100ms_are_flagged() -> None:
    rule = load("triple_scan_flag").items[0]
    assert isinstance(rule, Rule) and isinstance(rule.condition, WindowCount)
    assert rule.condition.window.milliseconds == 100
    assert rule.condition.key is not None and rule.condition.key.dotted == "item.sku"
    assert isinstance(rule.actions[0], EmitEvent)


def test_warm_freezer_freezes_its_lots() -> None:
    rule = load("freezer_too_warm").items[0]
    assert isinstance(rule, Rule) and isinstance(rule.condition, Sustained)
    assert rule.condition.duration.milliseconds == 600_000
    freeze = rule.actions[0]
    assert isinstance(freeze, Freeze) and freeze.kind == "lot"
    assert freeze.target.dotted == "freezer.lot_ids"  # type: ignore[union-attr]
    assert isinstance(rule.actions[2], PublishMqtt)


def test_reorder_point_table() -> None:
    table = load("reorder_points").items[0]
    assert isinstance(table, Table) and table.hit == "first"
    assert [p.dotted for p in table.outputs] == ["item.reorder_point", "item.safety_stock"]
    assert len(table.rows) == 6 and all(len(r.cells) == 2 for r in table.rows)
