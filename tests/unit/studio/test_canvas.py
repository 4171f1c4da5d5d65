"""Canvas JSON ⇄ IR: every example rule file survives IR → canvas → text → IR unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import default_registry, parse, parse_and_check
from engine.canonical import version_hash
from engine.lowering_rules import lower_rule_file
from studio.canvas import assemble, canvas_from_ir, canvas_text, langs_of, node_lines
from studio.rule_editor import canvas_to_text, text_to_canvas

EXAMPLES = sorted((Path(__file__).parents[3] / "examples" / "rules").glob("*.rule"))
REGISTRY = default_registry()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)  # every shipped example
def test_round_trip_through_the_canvas(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    rule_file = parse(text)
    rule_set = lower_rule_file(parse_and_check(text, REGISTRY))
    canvas = canvas_from_ir(rule_set, langs=langs_of(rule_file), lines=node_lines(rule_file))
    assert {n["kind"] for n in canvas["nodes"]} >= {"trigger"}
    assert all(n["line"] for n in canvas["nodes"]), "every node knows its line"
    _, formatted = canvas_text(canvas)
    assert formatted is not None
    again = lower_rule_file(parse_and_check(formatted, REGISTRY))
    assert again == rule_set
    assert version_hash(again) == version_hash(rule_set)


def test_temporal_clause_becomes_a_timer_node_and_keeps_its_place() -> None:
    text = (EXAMPLES[0].parent / "unshipped_48h.rule").read_text(encoding="utf-8")
    canvas = text_to_canvas(text, REGISTRY, "en").canvas
    assert canvas is not None
    assert [n["kind"] for n in canvas["nodes"]].count("timer") == 1


def test_else_port_and_drawn_order_of_actions() -> None:
    canvas = {"nodes": [
        {"id": "t", "kind": "trigger", "x": 0, "y": 0,
         "data": {"rule": "r", "event": "sales_order.confirmed", "lang": "en"}},
        {"id": "c", "kind": "condition", "x": 200, "y": 0,
         "data": {"expr": "order.deposit_amount > 0"}},
        {"id": "a2", "kind": "action", "x": 400, "y": 200,
         "data": {"text": "release order.lines"}},
        {"id": "a1", "kind": "action", "x": 400, "y": 0,
         "data": {"text": "reserve order.lines for 2h"}},
        {"id": "e", "kind": "action", "x": 400, "y": 400,
         "data": {"text": 'alert role:sales_manager "no deposit"'}}],
        "edges": [{"from": "t", "to": "c"}, {"from": "c", "to": "a1"}, {"from": "c", "to": "a2"},
                  {"from": "c", "to": "e", "port": "else"}]}
    sync = canvas_to_text(canvas, REGISTRY, "en")
    assert sync.markers == []
    assert sync.text is not None
    lines = [ln.strip() for ln in sync.text.splitlines()]
    assert lines.index("reserve order.lines for 2h") < lines.index("release order.lines")
    assert lines.index("else") < lines.index('alert role:sales_manager "no deposit"')


def test_an_error_lands_on_its_line_and_its_node() -> None:
    canvas = {"nodes": [
        {"id": "t", "kind": "trigger", "data": {"rule": "r", "event": "sales_order.confirmed"}},
        {"id": "c", "kind": "condition", "data": {"expr": 'order.deposit_amount > "lots"'}},
        {"id": "a", "kind": "action", "data": {"text": "reserve order.lines for 2h"}},
        {"id": "stray", "kind": "action", "data": {"text": "release order.lines"}}],
        "edges": [{"from": "t", "to": "c"}, {"from": "c", "to": "a"}]}
    sync = canvas_to_text(canvas, REGISTRY, "zh-CN")
    by_node = {m["node"]: m for m in sync.markers}
    assert by_node["c"]["line"] == 3 and by_node["c"]["code"].startswith("dsl.type")
    assert by_node["stray"]["code"] == "studio.canvas.unconnected"
    assert assemble(canvas).node_at(3) == "c"


def test_text_errors_point_at_line_column_and_node() -> None:
    text = ("rule r\n  when sales_order.confirmed\n  if order.deposit_amount > 0\n  then\n"
            "    reserve order.linez for 2h\nend\n")
    sync = text_to_canvas(text, REGISTRY, "en")
    assert sync.canvas is not None and sync.version is None
    [marker] = sync.markers
    assert (marker["line"], marker["node"]) == (5, "r/then/0")
    broken = text_to_canvas("rule r\n  when\n", REGISTRY, "en")
    assert broken.canvas is None and broken.markers[0]["line"] >= 2
