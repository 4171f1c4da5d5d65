"""Nested if / else inside then/else: parse, format (both keyword languages), limits, errors
and the checker's branch walk."""

from __future__ import annotations

import pytest

from dsl import DslError, check, default_registry, format_rules, format_text, parse
from dsl.ast import Branch, Release, Reserve, walk_actions
from dsl.transformer import MAX_BRANCH_DEPTH

REGISTRY = default_registry()
VIP = """rule vip_orders "VIP 大单"
  when sales_order.confirmed
  if order.total_amount > ¥100
  then
    if customer.level = "vip"
    then
      alert role:sales_manager "VIP 订单 {order.no}"
    else
      if order.total_amount > ¥1000
      then
        notify role:sales_manager "大单 {order.no}"
      end
    end
    reserve order.lines for 2h
  else
    notify role:sales_manager "小单 {order.no}"
end
"""
H = "rule r\n  when sales_order.confirmed\n  if order.total_amount > ¥100\n  then\n"


def test_nested_branches_parse_in_place_among_the_actions() -> None:
    [rule] = parse(VIP).items
    first, second = rule.actions
    assert isinstance(first, Branch) and isinstance(second, Reserve)
    assert first.span.line == 5
    [inner] = first.else_actions
    assert isinstance(inner, Branch) and not inner.else_actions
    assert [type(a).__name__ for a in walk_actions(rule.actions + rule.else_actions)] == \
        ["Alert", "Notify", "Reserve", "Notify"]
    assert check(parse(VIP), REGISTRY) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_format_round_trips_in_both_languages(lang: str) -> None:
    ast = parse(VIP)
    text = format_rules(ast, lang)
    assert parse(text) == ast and format_rules(parse(text), lang) == text
    if lang == "zh":
        assert "    若 customer.level = \"vip\"\n    则\n" in text and "    结束\n" in text
    else:
        assert text == VIP  # the example above is canonical


def test_chinese_spellings_and_one_line_form_read_the_same() -> None:
    zh = ("规则 r 当 sales_order.confirmed 若 order.total_amount > ¥100 则 如果 customer.level = "
          "\"vip\" 那么 释放 order.lines 否则 预占 order.lines 结束 结束")
    [rule] = parse(zh).items
    [branch] = rule.actions
    assert isinstance(branch, Branch)
    assert isinstance(branch.actions[0], Release) and isinstance(branch.else_actions[0], Reserve)
    assert parse(format_text(zh, "en")) == parse(zh)


def test_depth_limit_is_a_clear_error_at_the_innermost_if() -> None:
    def nested(depth: int) -> str:
        body = "release order.lines"
        for _ in range(depth):
            body = f"if order.total_amount > ¥1 then {body} end"
        return f"rule r when sales_order.confirmed then reserve order.lines {body} end"

    parse(nested(MAX_BRANCH_DEPTH))
    with pytest.raises(DslError) as err:
        parse(nested(MAX_BRANCH_DEPTH + 1))
    assert err.value.code == "dsl.limit.branch_too_deep"
    innermost = nested(MAX_BRANCH_DEPTH + 1).rindex("if ") + 1
    assert err.value.column == innermost
    assert str(MAX_BRANCH_DEPTH) in err.value.render("en")
    assert "层" in err.value.render("zh-CN")


@pytest.mark.parametrize(("text", "code", "line"), [
    (H + "    if customer.level = \"vip\"\n    then\n      release order.lines\nend\n",
     "dsl.syntax.missing_branch_end", 8),
    ("规则 甲\n  当 sales_order.confirmed\n  则\n    若 x\n    则\n      释放 order.lines\n结束\n",
     "dsl.syntax.missing_branch_end", 7),
    (H + "    if then release order.lines end\nend\n", "dsl.syntax.missing_condition", 5),
    (H + "    if customer.level = \"vip\"\n      release order.lines\n    end\nend\n",
     "dsl.syntax.missing_then", 6),
    (H + "    if x then end\nend\n", "dsl.syntax.missing_action", 5),
    # a flat rule keeps its own message
    (H + "    release order.lines\n", "dsl.syntax.missing_end", 5),
])
def test_syntax_errors_of_nested_ifs(text: str, code: str, line: int) -> None:
    with pytest.raises(DslError) as err:
        parse(text)
    assert (err.value.code, err.value.line) == (code, line), err.value.render("en")


def _codes(text: str) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in check(parse(text), REGISTRY)]


def test_checker_walks_branches_conditions_and_actions() -> None:
    bad = (H + "    if customer.levl = \"vip\"\n    then\n      reserve order.linez\n    end\n"
           "end\n")
    assert {c for c, _ in _codes(bad)} == {"dsl.name.unknown_field"}
    assert sorted(ln for _, ln in _codes(bad)) == [5, 7]
    timed = H + "    if no shipment.shipped within 2h then release order.lines end\nend\n"
    assert _codes(timed) == [("dsl.type.time_clause_in_branch", 5)]
    lonely = ("rule r\n  when sales_order.confirmed\n  then\n    if order.total_amount > ¥1 "
              "then release order.lines end\nend\n")
    assert _codes(lonely) == [("dsl.type.branch_only_step", 4)]
    guard = ("guard g\n  when sales_order.confirm_requested\n  if order.total_amount > ¥100\n"
             "  then\n    if customer.level != \"vip\" then block \"先收定金\" end\nend\n")
    assert _codes(guard) == []


def test_a_contradiction_is_an_error_not_a_rule_that_silently_never_runs() -> None:
    anded = ("rule r when sales_order.confirmed if order.total_amount > ¥100 and "
             "order.total_amount < ¥50 then release order.lines end")
    assert [c for c, _ in _codes(anded)] == ["dsl.type.never_true"]
    on_else = H + ("    release order.lines\n  else\n    if order.total_amount > ¥120 then "
                   "reserve order.lines end\nend\n")
    [d] = check(parse(on_else), REGISTRY)
    assert (d.code, d.line) == ("dsl.type.never_true", 7)
    assert "order.total_amount > ¥120" in d.render("en")
    always = H + ("    if order.total_amount > ¥50 then release order.lines else reserve "
                  "order.lines end\nend\n")
    assert _codes(always) == [("dsl.type.always_true", 5)]
    or_else = ("rule r when sales_order.confirmed if order.total_amount > ¥1 or "
               "order.total_amount <= ¥1 then release order.lines else reserve order.lines end")
    assert [c for c, _ in _codes(or_else)] == ["dsl.type.always_true"]
    fine = H + ("    release order.lines\n  else\n    if order.total_amount > ¥20 then "
                "reserve order.lines end\nend\n")
    assert _codes(fine) == []
