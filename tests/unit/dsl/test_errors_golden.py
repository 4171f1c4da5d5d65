"""Golden malformed inputs: each asserts line, column, code and the suggestion.

Also the error catalogue (as pydantic's ``list_all_errors``): codes are unique, dotted,
and every template renders in both languages.
"""

from __future__ import annotations

import string

import pytest

from dsl import Diagnostic, DslError, check, default_registry, list_all_errors, parse
from dsl.errors import DslCheckError, DslLimitError, DslNameError, DslSyntaxError, DslTypeError
from dsl.messages import CATALOGUE, EXAMPLE_CONTEXT

H = "rule r\n  when sales_order.confirmed\n"
HZ = "规则 甲\n  当 sales_order.confirmed\n"
T = "table t\n  when stock.level_changed\n"

# (text, line, column, code, a phrase the English suggestion contains)
GOLDEN: list[tuple[str, int, int, str, str]] = [
    # a misspelt trigger keyword
    ("rule r wehn sales_order.confirmed then reserve order.lines end", 1, 8,
     "dsl.syntax.missing_when", "Did you mean `when`?"),
    # Chinese: the trigger is missing
    ("规则 甲 若 order.deposit_amount > 0 则 预占 order.lines 结束", 1, 6,
     "dsl.syntax.missing_when", "`when <event type>`"),
    # a misspelt `then`
    (H + "  if order.deposit_amount > 0\n  thn reserve order.lines\nend", 4, 3,
     "dsl.syntax.unexpected_token", "Did you mean `then`?"),
    # `then` is missing before the action
    (H + "  if order.deposit_amount > 0\n  reserve order.lines\nend", 4, 3,
     "dsl.syntax.missing_then", "Insert `then` before `reserve`"),
    # Chinese: 则 is missing
    (HZ + "  若 order.deposit_amount > 0\n  预占 order.lines\n结束", 4, 3,
     "dsl.syntax.missing_then", "before `预占`"),
    # the file ends inside a rule
    (H + "  then reserve order.lines\n", 3, 27, "dsl.syntax.missing_end", "with `end`"),
    # Chinese: 结束 is missing
    (HZ + "  则 预占 order.lines\n", 3, 19, "dsl.syntax.missing_end", "with `end`"),
    # the next rule starts before this one ends
    (H + "  then reserve order.lines\nrule s when sales_order.confirmed then release order.lines "
     "end", 4, 1, "dsl.syntax.missing_end", "before `rule`"),
    # `then` without an action
    (H + "  then\nend", 4, 1, "dsl.syntax.missing_action", "Add an action"),
    # Chinese: 则 without an action
    (HZ + "  则\n结束", 4, 1, "dsl.syntax.missing_action", "Add an action"),
    # a misspelt action
    (H + "  then resrve order.lines\nend", 3, 8, "dsl.syntax.missing_action",
     "Did you mean `reserve`?"),
    # Chinese: a misspelt action
    (HZ + "  则 冻节 客户 order.customer_id\n结束", 3, 5, "dsl.syntax.missing_action",
     "Did you mean `冻结`?"),
    # `if` without a condition
    (H + "  if then reserve order.lines\nend", 3, 6, "dsl.syntax.missing_condition",
     "condition after `if`"),
    # Chinese: 若 without a condition
    (HZ + "  若 则 预占 order.lines\n结束", 3, 5, "dsl.syntax.missing_condition",
     "condition after `if`"),
    # a rule without a name
    ("rule when sales_order.confirmed then reserve order.lines end", 1, 6,
     "dsl.syntax.missing_name", "Give it a name"),
    # Chinese: a rule without a name
    ("规则 当 sales_order.confirmed 则 预占 order.lines 结束", 1, 4, "dsl.syntax.missing_name",
     "Give it a name"),
    # a comparison without its right side
    (H + "  if order.deposit_amount > then reserve order.lines\nend", 3, 29,
     "dsl.syntax.missing_operand", "Write a value before `then`"),
    # Chinese: 且 without its right side
    (HZ + "  若 order.deposit_amount > 0 且 则 预占 order.lines\n结束", 3, 32,
     "dsl.syntax.missing_operand", "Write a value before `则`"),
    # an unclosed parenthesis
    (H + "  if (order.deposit_amount > 0 then reserve order.lines\nend", 3, 32,
     "dsl.syntax.unclosed_bracket", "closing `)`"),
    # chained comparisons
    (H + "  if 0 < order.deposit_amount < 100 then reserve order.lines\nend", 3, 31,
     "dsl.syntax.comparison_chain", "a < b and b < c"),
    # a window without a unit
    (H + "  if no shipment.shipped within 48 then reserve order.lines\nend", 3, 33,
     "dsl.syntax.duration_needs_unit", "2h"),
    # Chinese: a window without a unit
    (HZ + "  若 没有 shipment.shipped 在 48 内 则 预占 order.lines\n结束", 3, 27,
     "dsl.syntax.duration_needs_unit", "2h"),
    # "2 hours" instead of 2h: the corrected literal (issue 23)
    (H + "  then reserve order.lines for 2 hours\nend", 3, 32,
     "dsl.syntax.duration_needs_unit", "Did you mean `2h`?"),
    # "48hh": a doubled unit letter
    (H + "  then reserve order.lines for 48hh\nend", 3, 32,
     "dsl.syntax.duration_needs_unit", "Did you mean `48h`?"),
    # "48" alone keeps the general hint
    (H + "  then reserve order.lines for 48\nend", 3, 32,
     "dsl.syntax.duration_needs_unit", "100ms, 15m, 2h or 3d"),
    # alert without recipients
    (H + '  then alert "late"\nend', 3, 14, "dsl.syntax.missing_recipient",
     "role:sales_manager"),
    # Chinese: 预警 without recipients
    (HZ + '  则 预警 "超时"\n结束', 3, 8, "dsl.syntax.missing_recipient", "role:sales_manager"),
    # alert without a message
    (H + "  then alert role:sales_manager\nend", 4, 1, "dsl.syntax.missing_message",
     "double quotes"),
    # Chinese: 阻止 without a message
    ("守卫 甲\n  当 stock.reserve_requested\n  则 阻止\n结束", 4, 1, "dsl.syntax.missing_message",
     "double quotes"),
    # freeze without saying what
    (H + "  then freeze order.customer_id\nend", 3, 15, "dsl.syntax.missing_freeze_kind",
     "freeze customer order.customer_id"),
    # Chinese: 冻结 without saying what
    (HZ + "  则 冻结 order.customer_id\n结束", 3, 8, "dsl.syntax.missing_freeze_kind",
     "freeze customer"),
    # set with = instead of to
    (H + "  then set item.reorder_point = 5\nend", 3, 31, "dsl.syntax.missing_set_value",
     "Write `to`"),
    # Chinese: 设置 with = instead of 为
    (HZ + "  则 设置 item.reorder_point = 5\n结束", 3, 27, "dsl.syntax.missing_set_value",
     "Write `to`"),
    # a table without its hit policy
    (T + "  inputs item.category\n  outputs item.reorder_point\n  row any -> 5 件\nend", 3, 3,
     "dsl.syntax.table_header", "hit first|collect"),
    # a table row without ->
    (T + "  hit first\n  inputs item.category\n  outputs item.reorder_point\n  row any 5 件\nend",
     6, 11, "dsl.syntax.row_needs_arrow", "`->`"),
    # Chinese: a table row without ->
    ("决策表 甲\n  当 stock.level_changed\n  命中 首条\n  输入 item.category\n"
     "  输出 item.reorder_point\n  行 任意 5 件\n结束", 6, 8, "dsl.syntax.row_needs_arrow", "`->`"),
    # an unclosed string
    (H + '  then alert role:sales_manager "late\nend', 3, 33, "dsl.syntax.unterminated_string",
     'with `"`'),
    # a day that does not exist
    (H + "  if event.occurred_at > 2025-02-30 then reserve order.lines\nend", 3, 26,
     "dsl.syntax.bad_literal", "YYYY-MM-DD"),
    # an unclosed placeholder
    (H + '  then alert role:sales_manager "order {order.no"\nend', 3, 40,
     "dsl.syntax.bad_template", "Close the placeholder"),
    # within on a comparison that is not a count
    (H + "  if order.deposit_amount > 0 within 2h then reserve order.lines\nend", 3, 6,
     "dsl.syntax.within_needs_count", "`for 10m`"),
    # one `end` too many
    (H + "  then reserve order.lines\nend\nend", 5, 1, "dsl.syntax.unexpected_token",
     "remove `end`"),
    # a misspelt rule keyword
    ("ruel r when sales_order.confirmed then reserve order.lines end", 1, 1,
     "dsl.syntax.unexpected_token", "Did you mean `rule`?"),
    # a field without a value in parentheses
    (H + "  then emit event scan.duplicate_flagged (item.sku)\nend", 3, 51,
     "dsl.syntax.bad_assignment", "`name = value`"),
    # a character the language does not have
    (H + "  if order.deposit_amount > 0 ; then reserve order.lines\nend", 3, 31,
     "dsl.syntax.unexpected_character", "Remove `;`"),
    # ---- checker -------------------------------------------------------------------
    # an unknown event type
    ("rule r\n  when sales_order.confirmd\n  then reserve order.lines\nend", 2, 8,
     "dsl.name.unknown_event", "Did you mean `sales_order.confirmed`?"),
    # an unknown field
    (H + "  if order.deposit_amont > 0\n  then reserve order.lines\nend", 3, 6,
     "dsl.name.unknown_field", "Did you mean `order.deposit_amount`?"),
    # Chinese: a keyword glued to a field reads as one name
    (HZ + "  若 非订单.定金 > 0\n  则 预占 order.lines\n结束", 3, 5, "dsl.name.unknown_field",
     "`非 订单.定金`"),
    # a duration is never compared with money
    (H + "  if order.deposit_amount > 2h\n  then reserve order.lines\nend", 3, 6,
     "dsl.type.incomparable", "¥12.50"),
    # kilograms are not boxes
    ("rule r\n  when subcontract.returned\n  if receipt.weight_kg > 3 箱\n  then freeze receipt\n"
     "end", 3, 6, "dsl.type.unit_mismatch", "in kg"),
    # a value outside an enum
    (H + '  if customer.level = "vipp"\n  then reserve order.lines\nend', 3, 23,
     "dsl.type.enum_value", "Did you mean `vip`?"),
    # an unknown role
    (H + '  then alert role:sales_manger "late"\nend', 3, 14, "dsl.name.unknown_role",
     "Did you mean `sales_manager`?"),
    # an unknown function
    (H + "  if abss(order.deposit_amount) > 0\n  then reserve order.lines\nend", 3, 6,
     "dsl.name.unknown_function", "Did you mean `abs`?"),
    # block in a reaction rule
    (H + '  then block "no"\nend', 3, 8, "dsl.type.block_outside_guard", "Write `guard`"),
    # a guard on an event that already happened
    ('guard g\n  when sales_order.confirmed\n  then block "no"\nend', 2, 8,
     "dsl.type.not_blockable", "Use `rule`"),
    # reserving something that is not order lines
    (H + "  then reserve order.customer_id\nend", 3, 16, "dsl.type.action_argument",
     "`order.lines`"),
    # a condition that is not true/false
    (H + "  if order.deposit_amount\n  then reserve order.lines\nend", 3, 6, "dsl.type.not_bool",
     "> 0"),
    # a correlation key the other event lacks
    (H + "  if no shipment.shipped with same customer.level within 48h\n"
     "  then reserve order.lines\nend", 3, 36, "dsl.type.correlation_key", "order.id"),
    # an unknown document type
    (H + "  then create document purchase_requst (qty = 5 件)\nend", 3, 8,
     "dsl.name.unknown_document", "Did you mean `purchase_request`?"),
]


def _first_problem(text: str) -> Diagnostic:
    try:
        problems = check(parse(text), default_registry())
    except DslError as exc:
        return exc.diagnostic()
    assert problems, "expected a problem"
    return problems[0]


@pytest.mark.parametrize(("text", "line", "column", "code", "hint"), GOLDEN,
                         ids=[f"{i:02d}-{g[3].split('.')[-1]}" for i, g in enumerate(GOLDEN)])
def test_golden(text: str, line: int, column: int, code: str, hint: str) -> None:
    d = _first_problem(text)
    assert (d.line, d.column, d.code) == (line, column, code), d.render("en")
    assert hint in d.suggestion
    assert d.suggestion_zh, "every golden error has a Chinese suggestion"
    # No Lark terminal names reach the user.
    for locale in ("en", "zh-CN"):
        message = d.render(locale)
        assert "__ANON" not in message and "KW_" not in message and "$END" not in message


def test_there_are_enough_golden_cases_in_both_languages() -> None:
    chinese = [g for g in GOLDEN if any("\u4e00" <= c <= "\u9fff" for c in g[0][:30])]
    assert len(GOLDEN) >= 40 and len(chinese) >= 12


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_catalogue_codes_are_unique_dotted_and_render() -> None:
    entries = list_all_errors()
    codes = [e["code"] for e in entries]
    assert len(codes) == len(set(codes))
    assert all(c.startswith("dsl.") and c.count(".") >= 1 for c in codes)
    for e in entries:
        assert e["example_en"] and e["example_zh"] and e["example_en"] != e["example_zh"]
        assert _fields(e["template_en"]) <= set(EXAMPLE_CONTEXT), e["code"]
        assert _fields(e["template_zh"]) <= set(EXAMPLE_CONTEXT), e["code"]


def test_every_code_maps_to_one_error_class() -> None:
    classes = {DslSyntaxError, DslLimitError, DslNameError, DslTypeError, DslCheckError}
    for code, spec in CATALOGUE.items():
        d = Diagnostic(code=code, line=1, column=1, end_line=1, end_column=2,
                       context=EXAMPLE_CONTEXT)
        err = d.to_error() if spec.kind != "check" else DslCheckError([])
        assert type(err) in classes and isinstance(err, DslError)
        assert err.code == code
        assert err.render("zh-CN") != err.render("en")
        assert type(err).__doc__

