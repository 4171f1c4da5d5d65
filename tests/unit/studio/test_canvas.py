"""Canvas JSON ⇄ IR: every example rule file survives IR → canvas → text → IR unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import default_registry, format_rules, parse, parse_and_check
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


NESTED = """rule vip_orders "VIP 大单"
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


def _node(node_id: str, kind: str, y: int = 0, **data: str) -> dict[str, object]:
    return {"id": node_id, "kind": kind, "x": 0, "y": y, "data": data}


def _trigger() -> dict[str, object]:
    return _node("t", "trigger", rule="r", event="sales_order.confirmed", lang="en")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_nested_branches_round_trip_through_one_condition_node_kind(lang: str) -> None:
    text = format_rules(parse(NESTED), lang)
    sync = text_to_canvas(text, REGISTRY, "en")
    assert sync.markers == [] and sync.canvas is not None
    kinds = {n["id"]: n["kind"] for n in sync.canvas["nodes"]}
    assert kinds["vip_orders/when"] == kinds["vip_orders/then/0"] == \
        kinds["vip_orders/then/0/else/0"] == "condition"
    assert {"from": "vip_orders/then/0", "to": "vip_orders/then/0/else/0",
            "port": "else"} in sync.canvas["edges"]
    assert all(n["line"] for n in sync.canvas["nodes"])
    back = canvas_to_text(sync.canvas, REGISTRY, "en")
    assert back.markers == [] and back.text == text
    assert back.version == sync.version
    assert lower_rule_file(parse(back.text)) == lower_rule_file(parse(NESTED))


def test_a_condition_on_the_else_output_is_a_nested_if_never_anded_in() -> None:
    canvas = {"nodes": [
        _trigger(), _node("c", "condition", expr="order.total_amount > ¥100"),
        _node("a", "action", text="reserve order.lines for 2h"),
        _node("n", "condition", 100, expr="order.total_amount < ¥10"),
        _node("b", "action", 100, text='alert role:sales_manager "小额"')],
        "edges": [{"from": "t", "to": "c"}, {"from": "c", "to": "a"},
                  {"from": "c", "to": "n", "port": "else"}, {"from": "n", "to": "b"}]}
    sync = canvas_to_text(canvas, REGISTRY, "en")
    assert sync.markers == [] and sync.text is not None
    assert "and" not in sync.text
    assert "  else\n    if order.total_amount < ¥10\n    then\n      alert" in sync.text


@pytest.mark.parametrize(("edges", "marked", "code"), [
    # two conditions feeding one action
    ([("t", "c", "then"), ("c", "n", "then"), ("c", "a", "then"), ("n", "a", "then")], "a",
     "studio.canvas.many_inputs"),
    # a loop back into the rule's condition
    ([("t", "c", "then"), ("c", "n", "then"), ("n", "c", "else"), ("n", "a", "then")], "c",
     "studio.canvas.cycle"),
    # an else output wired into the rule's own condition
    ([("t", "c", "then"), ("c", "a", "then"), ("n", "c", "else"), ("n", "a", "then")], "c",
     "studio.canvas.many_inputs"),
    # an else output on a node that has none in the language
    ([("t", "c", "then"), ("c", "a", "then"), ("t", "n", "else"), ("n", "a", "then")], "t",
     "studio.canvas.else_port"),
])
def test_a_graph_the_language_cannot_say_is_refused_with_its_node_marked(
        edges: list[tuple[str, str, str]], marked: str, code: str) -> None:
    canvas = {"nodes": [_trigger(), _node("c", "condition", expr="order.total_amount > ¥100"),
                        _node("n", "condition", 50, expr='customer.level = "vip"'),
                        _node("a", "action", text="reserve order.lines for 2h")],
              "edges": [{"from": f, "to": t, "port": p} for f, t, p in edges]}
    sync = canvas_to_text(canvas, REGISTRY, "zh-CN")
    assert sync.text is None and sync.version is None
    assert any(m["node"] == marked and m["code"] == code for m in sync.markers), sync.markers
    assert all(m["message"] for m in sync.markers)
    assert canvas_text(canvas)[1] is None


def test_a_timer_inside_a_branch_is_refused() -> None:
    canvas = {"nodes": [_trigger(), _node("c", "condition", expr="order.total_amount > ¥100"),
                        _node("n", "condition", 50, expr='customer.level = "vip"'),
                        _node("w", "timer", expr="no shipment.shipped within 48h"),
                        _node("a", "action", text="reserve order.lines for 2h")],
              "edges": [{"from": "t", "to": "c"}, {"from": "c", "to": "n"},
                        {"from": "n", "to": "w"}, {"from": "w", "to": "a"}]}
    sync = canvas_to_text(canvas, REGISTRY, "en")
    assert sync.text is None
    assert [(m["node"], m["code"]) for m in sync.markers] == [("w", "studio.canvas.misplaced")]


def test_a_contradictory_rule_is_not_in_sync() -> None:
    canvas = {"nodes": [
        _trigger(), _node("c", "condition", expr="order.total_amount > ¥100"),
        _node("a", "action", text="reserve order.lines for 2h"),
        _node("n", "condition", 100, expr="order.total_amount > ¥120"),
        _node("b", "action", 100, text='alert role:sales_manager "x"')],
        "edges": [{"from": "t", "to": "c"}, {"from": "c", "to": "a"},
                  {"from": "c", "to": "n", "port": "else"}, {"from": "n", "to": "b"}]}
    sync = canvas_to_text(canvas, REGISTRY, "en")
    assert sync.version is None
    assert [(m["code"], m["node"]) for m in sync.markers] == [("dsl.type.never_true", "n")]
    assert not sync.as_json()["ok"]
