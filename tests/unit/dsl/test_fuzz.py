"""Fuzzing: random text and mutated examples raise only the language's own errors, quickly."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl import DslError, check, default_registry, format_rules, parse

EXAMPLES = [p.read_text(encoding="utf-8") for p in
            sorted((Path(__file__).resolve().parents[3] / "examples" / "rules").glob("*.rule"))]
PIECES = ["rule", "规则", "when", "当", "if", "若", "then", "则", "else", "否则", "end", "结束",
          "and", "且", "or", "not", "非", "no", "没有", "within", "在", "内", "for", "持续",
          "with same", "同",
          "table", "hit", "first", "inputs", "outputs", "row", "any", "->", "guard", "block",
          "reserve", "freeze", "customer", "alert", "role:a", '"x {order.no}"', "order.lines",
          "order.deposit_amount", "2h", "100ms", "2%", "¥12.50", "3 箱", "-15 °C", "2025-11-23",
          "(", ")", "[", "]", ",", ">", "=", "+", "*", "count(", "abs(", "#", "\n", " "]
FAST = settings(max_examples=200, deadline=1000, suppress_health_check=[HealthCheck.too_slow])


def _run(text: str) -> None:
    start = time.perf_counter()
    try:
        ast = parse(text)
        check(ast, default_registry())
        again = parse(format_rules(ast))
        assert again == ast
    except DslError as exc:
        assert exc.code.startswith("dsl.") and exc.render("en") and exc.render("zh-CN")
    assert time.perf_counter() - start < 1.0


@FAST
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    _run(text)


@FAST
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_random_token_soup(pieces: list[str]) -> None:
    _run(" ".join(pieces))


@FAST
@given(st.sampled_from(EXAMPLES), st.data())
def test_mutated_examples(text: str, data: st.DataObject) -> None:
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["delete", "insert", "swap"]))
        if op == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 8)):]
        elif op == "insert":
            text = text[:at] + data.draw(st.sampled_from(PIECES)) + text[at:]
        else:
            piece = data.draw(st.sampled_from(PIECES))
            text = text[:at] + piece + text[at + len(piece):]
    _run(text)


def test_deep_nesting_is_refused_quickly() -> None:
    text = "rule r when a.b if " + "not " * 5000 + "x then release x end"
    start = time.perf_counter()
    try:
        parse(text)
    except DslError as exc:
        assert exc.code == "dsl.limit.too_deep"
    assert time.perf_counter() - start < 2.0
