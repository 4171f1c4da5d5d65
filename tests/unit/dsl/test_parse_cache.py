"""Item-by-item parsing (the cache and the lean LALR driver) gives exactly a whole parse."""

from __future__ import annotations

import dataclasses
import gc
import random
from pathlib import Path
from typing import Any

import pytest

from dsl import DslError, parse
from dsl import parser as dsl_parser
from dsl.ast import Node, RuleFile

EXAMPLE_FILES = sorted((Path(__file__).resolve().parents[3] / "examples" / "rules")
                       .glob("*.rule"))


def _whole(text: str) -> RuleFile:
    """Parse with Lark alone, the whole text at once (no cache, no driver)."""
    p = dsl_parser._parser()
    with dsl_parser._LOCK:
        p.builder.reset(text)
        try:
            tree = p.lark.parse(text)
        finally:
            p.builder.reset()
    assert isinstance(tree, RuleFile)
    return tree


def _spans(node: Any, out: list[Any]) -> list[Any]:
    """Every node's type and span in order (spans are left out of node equality)."""
    if isinstance(node, tuple):
        for n in node:
            _spans(n, out)
    elif isinstance(node, Node):
        out.append((type(node).__name__, node.span))
        for f in dataclasses.fields(node):
            if f.name != "span":
                _spans(getattr(node, f.name), out)
    return out


def _assert_same(text: str) -> None:
    want = _whole(text)
    got = dataclasses.replace(parse(text), comments=())
    assert got == want
    assert _spans(got, []) == _spans(want, [])
    assert (got.lang, got.span) == (want.lang, want.span)


def _examples() -> str:
    return "\n\n".join(p.read_text(encoding="utf-8") for p in EXAMPLE_FILES)


def _error(text: str) -> tuple[Any, ...]:
    with pytest.raises(DslError) as info:
        parse(text)
    e = info.value
    return (type(e), e.code, e.line, e.column, e.end_line, e.end_column, e.found, e.expected,
            e.suggestion, e.suggestion_zh, e.context, e.snippet, e.render("en"),
            e.render("zh"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_examples_cold_and_cached(path: Any) -> None:
    text = path.read_text(encoding="utf-8")
    dsl_parser.clear_cache()
    _assert_same(text)
    _assert_same(text)


def test_items_move_with_the_lines_around_them() -> None:
    text = _examples()
    dsl_parser.clear_cache()
    rng = random.Random(7)
    for _ in range(60):
        lines = text.split("\n")
        i = rng.randrange(len(lines))
        op = rng.choice(["blank", "comment", "drop_blank", "space"])
        if op == "blank":
            lines.insert(i, "")
        elif op == "comment":
            lines.insert(i, "  # a note")
        elif op == "drop_blank" and not lines[i].strip():
            del lines[i]
        elif op == "space" and lines[i].strip() and not lines[i].lstrip().startswith("#"):
            lines[i] += " "
        text = "\n".join(lines)
        _assert_same(text)


@pytest.mark.parametrize("text", [
    # two items on one line, and a rule that ends on the line the next begins
    "rule a when sales_order.confirmed then release order.lines end rule b when "
    "sales_order.confirmed then release order.lines end\n",
    # a line inside a rule that starts with an item word: not an item start
    "rule a when sales_order.confirmed if order.\nrule_x > 1 then release order.lines end\n",
    "规则 甲 当 sales_order.confirmed\n若 订单.定金 > 0\n则 释放 order.lines\n结束\n"
    "规则 乙 当 sales_order.confirmed 则 释放 order.lines 结束",
    # comments and blank lines before the first item, Windows line ends, no final newline
    "# rules\n\n  # more\r\nrule a when sales_order.confirmed\r\nthen release order.lines\r\nend",
    # the same item twice (the checker reports the duplicate name)
    "rule a when sales_order.confirmed then release order.lines end\n" * 3,
    "",
    "# only a comment\n",
])
def test_edge_cases_parse_as_a_whole(text: str) -> None:
    dsl_parser.clear_cache()
    _assert_same(text)
    _assert_same(text)


@pytest.mark.parametrize("bad", [
    "rule c when sales_order.confirmed then release end\n",       # syntax error in an item
    "rule c when sales_order.confirmed then\n",                   # unfinished last item
    "garbage\nrule c when sales_order.confirmed then release order.lines end\n",
    "rule c when sales_order.confirmed if order.amount > 1 within 1h then release order.lines "
    "end\n",                                                       # refused by a callback
    'rule c when sales_order.confirmed then block "{oops" end\n',
])
def test_errors_are_those_of_a_whole_parse(bad: str) -> None:
    good = "rule a when sales_order.confirmed then release order.lines end\n\n"
    for text in (bad, good + bad, good + bad + good):
        dsl_parser.clear_cache()
        cold = _error(text)
        parse(good)  # the good item is now cached
        assert _error(text) == cold


def test_garbage_collector_is_left_as_found() -> None:
    assert gc.isenabled()
    parse("rule a when sales_order.confirmed then release order.lines end\n")
    assert gc.isenabled()
    with pytest.raises(DslError):
        parse("rule a when\n")
    assert gc.isenabled()
    gc.disable()
    try:
        parse("rule a when sales_order.confirmed then release order.lines end\n")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cache_is_bounded() -> None:
    dsl_parser.clear_cache()
    body = "rule r{} when sales_order.confirmed then release order.lines end\n"
    parse("".join(body.format(i) for i in range(dsl_parser.CACHE_ITEMS + 10)))
    assert len(dsl_parser._CACHE) == dsl_parser.CACHE_ITEMS
