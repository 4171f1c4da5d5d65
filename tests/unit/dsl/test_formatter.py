"""The formatter: canonical, idempotent, round-trips, and switches keyword language."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import format_rules, format_text, parse

EXAMPLE_FILES = sorted((Path(__file__).resolve().parents[3] / "examples" / "rules").glob("*.rule"))

_IDS = [p.stem for p in EXAMPLE_FILES]


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=_IDS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_round_trip_in_both_languages(path, lang) -> None:  # type: ignore[no-untyped-def]
    ast = parse(path.read_text(encoding="utf-8"))
    text = format_rules(ast, lang)
    again = parse(text)
    assert again == ast
    assert format_rules(again, lang) == text  # idempotent
    assert again.lang == lang


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=_IDS)
def test_examples_are_already_canonical(path) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    assert format_text(text) == text


def test_lang_switch_and_back() -> None:
    en = 'rule r when a.b if x is not empty and y not in [1, 2] then freeze lot x.y end\n'
    zh = format_text(en, "zh")
    assert "规则 r" in zh and "不为空" in zh and "不属于" in zh and "冻结 批次" in zh
    assert format_text(zh, "en") == format_text(en)


def test_messy_layout_becomes_canonical() -> None:
    messy = ("rule   r \"t\"   when a.b if (x>1)and(y<2) then reserve o.lines for 120m,"
             "alert role:a,role:b \"m\" end")
    assert format_text(messy) == (
        'rule r "t"\n'
        "  when a.b\n"
        "  if x > 1 and y < 2\n"
        "  then\n"
        "    reserve o.lines for 120m\n"
        '    alert role:a, role:b "m"\n'
        "end\n")


def test_parentheses_only_where_needed() -> None:
    text = format_text("rule r when a.b if (a or b) and not (c and d) and (x - (y - z)) * 2 > 1 "
                       "then release x end")
    assert "if (a or b) and not (c and d) and (x - (y - z)) * 2 > 1" in text


def test_comments_survive() -> None:
    src = "# head\nrule r when a.b # trailing\n  # inside\n  then release x\nend\n# tail\n"
    out = format_text(src)
    assert out.index("# head") < out.index("rule r")
    assert "when a.b  # trailing" in out
    assert out.index("# inside") < out.index("release x")
    assert out.rstrip().endswith("# tail")
    assert format_text(out) == out


def test_long_conditions_break_at_and() -> None:
    cond = " and ".join(f"order.field_{i} > {i}" for i in range(12))
    out = format_text(f"rule r when a.b if {cond} then release x end")
    assert "\n    and order.field_11 > 11" in out
    assert parse(out) == parse(f"rule r when a.b if {cond} then release x end")


def test_strings_with_quotes_and_braces() -> None:
    src = 'rule r when a.b then block "say \\"hi\\" {{x}} {a.b}\\n" end'
    assert parse(format_text(src)) == parse(src)
