"""The parser: keywords in both languages, names in either script, literals, spans, limits."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from dsl import MAX_DEPTH, DslLimitError, DslSyntaxError, parse
from dsl.ast import (
    Absent,
    And,
    Compare,
    Duration,
    Freeze,
    Money,
    Not,
    Number,
    Path,
    Percent,
    Quantity,
    Rule,
    Sustained,
    Template,
    WindowCount,
)
from dsl.keywords import KEYWORDS
from dsl.parser import grammar_text

H = "rule r when sales_order.confirmed "


def cond(text: str) -> object:
    """The condition of a one-rule file."""
    item = parse(f"{H}if {text} then release order.lines end").items[0]
    assert isinstance(item, Rule)
    return item.condition


def test_grammar_and_keyword_table_agree() -> None:
    words = set(re.findall(r'^KW_\w+?: "(.+)"$', grammar_text(), flags=re.M))
    words |= set(re.findall(r"^KW_\w+?\.2: /(\w+)\(", grammar_text(), flags=re.M))
    table = {w for en, zh in KEYWORDS.values() for phrase in (*en, *zh) for w in phrase.split()}
    assert words == table


def test_english_and_chinese_keywords_give_the_same_tree() -> None:
    en = parse('rule a when sales_order.confirmed if order.deposit_amount > 0 and not '
               'customer.is_frozen then reserve order.lines for 2h else release order.lines end')
    zh = parse('规则 a 当 sales_order.confirmed 如果 order.deposit_amount > 0 并且 非 '
               'customer.is_frozen 那么 预占 order.lines 持续 2h 否则 释放 order.lines 结束')
    assert en == zh
    assert en.lang == "en" and zh.lang == "zh"


@pytest.mark.parametrize(("text", "expected"), [
    # a Chinese keyword glued to the next word where only keywords may come
    ("规则 甲 当 a.b 若订单.定金>0 则冻结客户 order.customer_id 结束", ("订单", "定金")),
    # a name that merely starts with a keyword character stays a name
    ("规则 甲 当 a.b 若 若干.数量 > 0 则 冻结 客户 x.y 结束", ("若干", "数量")),
    # 真实地址 is a name, not 真 (true) followed by 实地址
    ("规则 甲 当 a.b 若 真实地址.可用 > 0 则 冻结 客户 x.y 结束", ("真实地址", "可用")),
    # an English name that starts with a keyword
    ("rule r when a.b if order.notes > 0 then freeze customer x.y end", ("order", "notes")),
    # "ordered" is not "or" + "dered"
    ("rule r when a.b if ordered.x > 0 then freeze customer x.y end", ("ordered", "x")),
    # a keyword right after a dot is a name
    ("rule r when a.b if x.end > 0 then freeze customer x.y end", ("x", "end")),
])
def test_keywords_win_but_names_stay_possible(text: str, expected: tuple[str, ...]) -> None:
    item = parse(text).items[0]
    assert isinstance(item, Rule) and isinstance(item.condition, Compare)
    assert isinstance(item.condition.left, Path) and item.condition.left.parts == expected


def test_reserved_keyword_cannot_be_a_name() -> None:
    with pytest.raises(DslSyntaxError) as err:
        parse("rule if when a.b then release x end")
    assert err.value.code == "dsl.syntax.missing_name"


@pytest.mark.parametrize(("text", "node"), [
    ("x > 100ms", Duration(milliseconds=100)),  # milliseconds
    ("x > 15m", Duration(milliseconds=900_000)),  # minutes
    ("x > 2h", Duration(milliseconds=7_200_000)),  # hours
    ("x > 3d", Duration(milliseconds=259_200_000)),  # days
    ("x > 48小时", Duration(milliseconds=172_800_000)),  # Chinese unit
    ("x > 1.5h", Duration(milliseconds=5_400_000)),  # a fraction that is whole ms
    ("x > 2%", Percent(value=Decimal("2"))),  # percentage
    ("x > ¥12.50", Money(amount=Decimal("12.50"), currency="CNY")),  # yuan sign
    ("x > 12.50 CNY", Money(amount=Decimal("12.5"), currency="CNY")),  # ISO suffix
    ("x > 3 元", Money(amount=Decimal("3"), currency="CNY")),  # 元
    ("x > 3 箱", Quantity(amount=Decimal("3"), unit="箱")),  # boxes
    ("x > 12.5 kg", Quantity(amount=Decimal("12.5"), unit="kg")),  # kilograms
    ("x > −15 °C", Quantity(amount=Decimal("-15"), unit="°C")),  # unicode minus, folded
    ("x > -15℃", Quantity(amount=Decimal("-15"), unit="°C")),  # ℃ is °C
    ("x > 0.1", Number(value=Decimal("0.1"))),  # decimals stay exact
])
def test_typed_literals(text: str, node: object) -> None:
    c = cond(text)
    assert isinstance(c, Compare) and c.right == node
    assert not isinstance(c.right, float)


def test_dates_and_templates() -> None:
    c = cond('x > 2025-11-23 and y = "订单 {order.no} {{raw}}"')
    assert isinstance(c, And) and isinstance(c.left, Compare) and isinstance(c.right, Compare)
    assert c.left.right.value == dt.date(2025, 11, 23)  # type: ignore[union-attr]
    tpl = c.right.right
    assert isinstance(tpl, Template) and tpl.text == "订单 {order.no} {raw}"


def test_temporal_clauses() -> None:
    absent = cond("no shipment.shipped with same order.id within 48h")
    assert absent == Absent(event=absent.event, key=Path(parts=("order", "id")),  # type: ignore
                            window=Duration(milliseconds=172_800_000))
    held = cond("freezer.temperature > -15 °C with same freezer.id for 10m")
    assert isinstance(held, Sustained) and held.duration.milliseconds == 600_000
    count = cond("count(scanner.scanned) >= 3 with same item.sku within 100ms")
    assert isinstance(count, WindowCount) and count.event.name == "scanner.scanned"
    assert count.window.milliseconds == 100 and count.threshold == Number(value=Decimal(3))


def test_precedence() -> None:
    c = cond("not a and b or c")
    assert c.__class__.__name__ == "Or"
    assert isinstance(c.left, And) and isinstance(c.left.left, Not)  # type: ignore[union-attr]


def test_spans_on_nodes() -> None:
    f = parse("rule r\n  when a.b\n  then\n    freeze customer order.customer_id\nend\n")
    rule = f.items[0]
    assert (rule.span.line, rule.span.column, rule.span.end_line) == (1, 1, 5)
    action = rule.actions[0]
    assert isinstance(action, Freeze)
    assert (action.span.line, action.span.column) == (4, 5)
    assert action.target is not None and action.target.span.column == 21


def test_comments_are_kept() -> None:
    f = parse("# one\nrule r when a.b then release x end  # two\n")
    assert [c.text for c in f.comments] == ["# one", "# two"]
    assert "#" not in str(f.items)


def test_too_deep_is_a_limit_error() -> None:
    deep = " + ".join(["1"] * (MAX_DEPTH + 5))
    with pytest.raises(DslLimitError) as err:
        parse(f"{H}if x > {deep} then release x end")
    assert err.value.code == "dsl.limit.too_deep"
    nested = "(" * (MAX_DEPTH + 5) + "x" + " and y)" * (MAX_DEPTH + 5)
    with pytest.raises(DslLimitError):
        parse(f"{H}if {nested} then release x end")
    # Brackets count too (issue 23: 10,000 of them were accepted): 100 levels are fine,
    # the 101st is refused where it opens.
    parse(f"{H}if x > {'(' * MAX_DEPTH}1{')' * MAX_DEPTH} then release x end")
    with pytest.raises(DslLimitError) as err:
        parse(f"{H}if x > {'(' * 10_000}1{')' * 10_000} then release x end")
    assert (err.value.code, err.value.column) == ("dsl.limit.too_deep", len(H + "if x > ") + 101)
    # A bracket in a string or a comment is only a character.
    parse(f'{H}if x = "{"(" * 500}" then release x end  # {"(" * 500}')


def test_too_large_is_a_limit_error() -> None:
    with pytest.raises(DslLimitError) as err:
        parse("#" * 4_000_001)
    assert err.value.code == "dsl.limit.too_large"


def test_syntax_error_has_a_caret_snippet() -> None:
    with pytest.raises(DslSyntaxError) as err:
        parse("rule r when a.b if x > 1 release x end")
    assert "^" in err.value.snippet and err.value.expected
    assert isinstance(err.value, ValueError)
