"""The checker: every problem of a file at once, unit rules, guards, tables, canonical names."""

from __future__ import annotations

import pytest

from dsl import (
    DslCheckError,
    EventType,
    FieldDef,
    InMemorySchemaRegistry,
    check,
    parse,
    parse_and_check,
    parse_type,
)
from dsl.ast import Compare, Path, Rule
from dsl.schema_defaults import default_registry

H = "rule r when sales_order.confirmed "


def codes(text: str) -> list[str]:
    """The codes of every problem in ``text``."""
    return [d.code for d in check(parse(text), default_registry())]


def test_reports_every_problem_not_only_the_first() -> None:
    text = (f"{H}if order.deposit_amont > 0 and order.deposit_amount > 2h\n"
            "then reserve order.customer_id, alert role:nobody \"{order.nox}\" end\n"
            "rule r when nothing.happened then release order.lines end\n")
    assert codes(text) == ["dsl.name.unknown_field", "dsl.type.incomparable",
                           "dsl.type.action_argument", "dsl.name.unknown_role",
                           "dsl.name.unknown_field", "dsl.name.duplicate_rule",
                           "dsl.name.unknown_event"]
    with pytest.raises(DslCheckError) as err:
        parse_and_check(text, default_registry())
    assert len(err.value.diagnostics) == 7
    assert "7" in err.value.render("en") and "7" in err.value.render("zh-CN")


@pytest.mark.parametrize(("condition", "code"), [
    ("order.deposit_amount > 0", None),  # a plain number takes the other side's type
    ("order.deposit_amount > ¥100", None),  # money with money
    ("order.deposit_amount > 100 USD", "dsl.type.unit_mismatch"),  # another currency
    ("order.deposit_amount > 2h", "dsl.type.incomparable"),  # a duration is never money
    ("order.deposit_amount + 2h > ¥1", "dsl.type.mismatch"),  # nor added to it
    ("order.deposit_amount * 2% < order.total_amount", None),  # money times a percentage
    ("order.deposit_amount / order.total_amount > 0.3", None),  # money / money is a number
    ("event.occurred_at + 2h > event.occurred_at", None),  # datetime plus a duration
    ("customer.name > \"a\"", "dsl.type.not_orderable"),  # text has no order
    ("customer.level = \"vip\"", None),  # an enum value
    ("customer.level in [\"vip\", \"gold\"]", "dsl.type.enum_value"),  # gold is not one
    ("order.deposit_amount", "dsl.type.not_bool"),  # money is not a condition
    ("not order.deposit_amount > 0 and customer.is_frozen", None),  # bool logic
    ("abs(order.deposit_amount) > 0", None),  # a built-in
    ("abs(customer.name) > 0", "dsl.type.bad_argument"),  # with the wrong argument
    ("round() > 0", "dsl.type.argument_count"),  # too few arguments
    ("max(order.deposit_amount, 2h) > 0", "dsl.type.mismatch"),  # mixed max
    ("count(order.lines) >= 3", None),  # count of a list
    ("len(customer.name) > 3", None),  # length of a text
    ("season(event.occurred_at) = \"summer\"", None),  # season of a date
    ("season(event.occurred_at) = \"sumer\"", "dsl.type.enum_value"),  # misspelt season
    ("eval(customer.name)", "dsl.name.unknown_function"),  # nothing reaches Python
    ("customer.__class__ = \"x\"", "dsl.name.unknown_field"),  # no attributes outside schema
    ("no shipment.shipped with same order.id within 48h", None),  # correlated absence
    ("no shipment.shipped with same customer.name within 48h", "dsl.type.correlation_key"),
    ("no shipment.shiped within 48h", "dsl.name.unknown_event"),  # misspelt event
    ("count(sales_order.confirmed) >= 3 with same order.customer_id within 1d", None),
    ("order.deposit_amount > 0 with same order.id for 10m", None),  # sustained
])
def test_types(condition: str, code: str | None) -> None:
    found = codes(f"{H}if {condition} then release order.lines end")
    assert found == ([code] if code else []), found


@pytest.mark.parametrize(("actions", "code"), [
    ("reserve order.lines for 2h", None),  # lines for a while
    ("reserve order.customer_id", "dsl.type.action_argument"),  # not lines
    ("freeze customer order.customer_id", None),  # an id
    ("freeze customer", "dsl.type.no_target"),  # sales_order.confirmed has no customer.id?
    ("freeze channel order.channel_id", None),  # an id of a channel
    ("freeze customer order.deposit_amount", "dsl.type.action_argument"),  # money is no id
    ("set item.reorder_point to 5 件", "dsl.name.unknown_field"),  # no item on this event
    ("alert role:销售经理 \"x {order.no}\"", None),  # Chinese role label
    ("notify user:zhang \"x\"", None),  # users are not checked
    ("create document purchase_request (sku = \"A1\", qty = 5 件)", None),
    ("create document purchase_request (qty = 5 kg)", "dsl.type.action_argument"),
    ("create document purchase_request (qtty = 5 件)", "dsl.name.unknown_document_field"),
    ("emit event scan.duplicate_flagged (item.sku = order.id)", None),
    ("emit event scan.duplicate_flagged (item.skuu = order.id)", "dsl.name.unknown_field"),
    ("call webhook \"erp\" (order = order.no)", None),
    ("publish mqtt \"t/{order.nox}\"", "dsl.name.unknown_field"),
    ("block \"no\"", "dsl.type.block_outside_guard"),
])
def test_actions(actions: str, code: str | None) -> None:
    found = codes(f"{H}then {actions} end")
    if actions == "freeze customer":
        # customer.id is in scope on sales_order.confirmed, so this one is fine.
        assert found == []
        return
    assert found == ([code] if code else []), found


def test_guards() -> None:
    ok = 'guard g when stock.reserve_requested if not address.is_real then block "no" end'
    assert codes(ok) == []
    assert codes('guard g when stock.reserve_requested then alert role:admin "x" end') == [
        "dsl.type.guard_without_block"]
    assert codes('guard g when price.changed then block "x" end') == ["dsl.type.not_blockable"]


def test_tables() -> None:
    head = ("table t when stock.level_changed hit {hit} inputs item.category, "
            "season(event.occurred_at) outputs {out} ")
    good = head.format(hit="first", out="item.reorder_point") + \
        'row "frozen", "summer" -> 5 件 row any, in ["winter"] -> 3 件 end'
    assert codes(good) == []
    bad = head.format(hit="first", out="item.reorder_point, item.cost_price") + \
        'row "a", "winterr" -> 5 kg, ¥1 row any -> 1 件, ¥2 end'
    assert codes(bad) == ["dsl.type.read_only", "dsl.type.enum_value",
                          "dsl.type.action_argument", "dsl.type.table_shape"]
    collect = head.format(hit="collect", out="item.tags") + 'row any, any -> "x" end'
    assert codes(collect) == []
    collect_bad = head.format(hit="collect", out="item.safety_stock") + \
        "row any, any -> 1 件 end"
    assert codes(collect_bad) == ["dsl.type.collect_needs_list"]


def test_resolve_gives_canonical_names() -> None:
    text = "规则 甲 当 销售单.已确认 若 订单.定金 > 0 则 预警 角色:销售经理 \"{订单.单号}\" 结束"
    rules = parse_and_check(text, default_registry())
    rule = rules.items[0]
    assert isinstance(rule, Rule) and rule.trigger.name == "sales_order.confirmed"
    assert isinstance(rule.condition, Compare)
    assert rule.condition.left == Path(parts=("order", "deposit_amount"))
    assert rule.actions[0].recipients[0].name == "sales_manager"  # type: ignore[union-attr]


def test_a_registry_of_your_own() -> None:
    reg = InMemorySchemaRegistry([EventType(
        name="kitchen.ticket_opened", label_en="Ticket opened", label_zh="开单", fields=(
            FieldDef(path="ticket.table_no", type=parse_type("number"), label_en="Table",
                     label_zh="桌号", aliases=("小票.桌号",), source="table_no"),))])
    assert check(parse("rule r when kitchen.ticket_opened if 小票.桌号 > 3 then "
                       'alert role:chef "x" end'), reg) == []
    with pytest.raises(ValueError):
        parse_type("quantity(parsecs)")
