"""Canvas JSON ⇄ IR: the flow editor's view of a rule set.

A canvas is ``{"nodes": [...], "edges": [...]}``. Each rule is one chain that starts at its
``trigger`` node, goes through an optional ``condition``, its ``timer`` nodes (temporal
clauses), an optional decision ``table``, and ends in ``action`` nodes; an action hanging
on the condition's ``else`` port runs when the condition is false. Node fields hold rule
language fragments (an expression, one action), so the canvas never has a second
expression syntax: the server assembles the rule text from the chain, parses and checks it
with the one DSL parser, and lowers it to the IR (``engine.lowering``). Actions run top to
bottom, as drawn. Every node keeps the text line it came from, so an error at a line
lands on its node.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from dsl import ast as a
from dsl import format_rules, parse
from dsl.format_expr import expr_text
from dsl.formatter import OR
from dsl.keywords import Lang, spell
from engine import ir
from engine.lowering import raise_expr
from engine.lowering_rules import raise_item

NodeKind = Literal["trigger", "condition", "timer", "table", "action"]
_AND, _NOT = OR + 1, OR + 2  # the formatter's precedence levels of "and" and "not"
_TEMPORAL = (ir.Absence, ir.CountWithin, ir.Sustained)
_COLUMN = 260  # canvas pixels between columns of the automatic layout
_ROW = 110


@dataclass(slots=True)
class _Line:
    node: str
    text: str


@dataclass(slots=True)
class Assembled:
    """Rule text built from a canvas, with the node behind each line (1-based)."""

    text: str
    line_nodes: list[str]
    #: Problems of the canvas itself (a node without a trigger, a rule without actions).
    problems: list[dict[str, Any]] = field(default_factory=list)

    def node_at(self, line: int) -> str | None:
        """The canvas node that produced ``line`` of the text."""
        return self.line_nodes[line - 1] if 0 < line <= len(self.line_nodes) else None


# ---- IR → canvas ------------------------------------------------------------------------------


def _conjuncts(e: ir.Expr) -> list[ir.Expr]:
    """``a and b and c`` as [a, b, c] along the left spine (how the parser nests them)."""
    if isinstance(e, ir.Binary) and e.op == "and":
        return [*_conjuncts(e.left), e.right]
    return [e]


def _expr(e: ir.Expr, lang: Lang, need: int) -> str:
    return expr_text(raise_expr(e), lang, need)


def _item_lines(rule: ir.Rule, lang: Lang) -> list[str]:
    """The canonical text of one rule, one line per list entry (the formatter's layout)."""
    bare = ir.Rule(id=rule.id, kind=rule.kind, title=rule.title, trigger=rule.trigger,
                   table=rule.table, actions=rule.actions, else_actions=rule.else_actions)
    item = replace(raise_item(bare), lang=lang)
    return format_rules(a.RuleFile(items=(item,)), lang).rstrip("\n").split("\n")


def canvas_from_ir(rule_set: ir.RuleSet, *, langs: dict[str, Lang] | None = None,
                   lines: dict[str, int] | None = None) -> dict[str, Any]:
    """The canvas of a rule set: one chain per rule, laid out left to right.

    Args:
        rule_set: the rules.
        langs: keyword language per rule id (English when missing).
        lines: the text line each node id came from, for error markers.
    """
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, str]] = []
    top = 40
    for rule in rule_set.rules:
        lang: Lang = (langs or {}).get(rule.id, "en")
        row_top = top
        text = _item_lines(rule, lang)

        def add(node_id: str, kind: NodeKind, data: dict[str, Any], col: int, row: int,
                line_key: str, row_top: int = row_top) -> str:
            nodes.append({"id": node_id, "kind": kind, "data": data, "x": 40 + col * _COLUMN,
                          "y": row_top + row * _ROW, "line": (lines or {}).get(line_key)})
            return node_id

        last = add(rule.id, "trigger", {"rule": rule.id, "title": rule.title or "",
                                        "item": rule.kind, "event": rule.trigger, "lang": lang},
                   0, 0, rule.id)
        col = 1
        gate: str | None = None
        if rule.condition is not None:
            parts = _conjuncts(rule.condition)
            plain = [p for p in parts if not isinstance(p, _TEMPORAL)]
            if plain:
                expr = " ".join(
                    ("" if i == 0 else f"{spell('AND', lang)} ") + _expr(p, lang,
                                                                         _AND if i == 0 else _NOT)
                    for i, p in enumerate(plain))
                gate = add(f"{rule.id}/when", "condition", {"expr": expr}, col, 0,
                           f"{rule.id}/when")
                edges.append({"from": last, "to": gate, "port": "then"})
                last, col = gate, col + 1
            for i, p in enumerate(parts):
                if isinstance(p, _TEMPORAL):
                    timer = add(f"{rule.id}/timer/{i}", "timer",
                                {"expr": _expr(p, lang, _NOT), "position": i}, col, 0,
                                f"{rule.id}/timer/{i}")
                    edges.append({"from": last, "to": timer, "port": "then"})
                    last, col = timer, col + 1
        if rule.table is not None:
            body = [ln.strip() for ln in text[2:-1]]
            table = add(f"{rule.id}/table", "table", {"body": "\n".join(body)}, col, 0,
                        f"{rule.id}/table")
            edges.append({"from": last, "to": table, "port": "then"})
            last, col = table, col + 1
        then_at = text.index(f"  {spell('THEN', lang)}") if rule.actions else len(text)
        for i, action in enumerate(rule.actions):
            add(action.id, "action", {"kind": action.kind, "text": text[then_at + 1 + i].strip()},
                col, i, action.id)
            edges.append({"from": last, "to": action.id, "port": "then"})
        else_at = then_at + 1 + len(rule.actions)
        for i, action in enumerate(rule.else_actions):
            add(action.id, "action", {"kind": action.kind,
                                      "text": text[else_at + 1 + i].strip()},
                col, len(rule.actions) + i, action.id)
            edges.append({"from": gate or last, "to": action.id, "port": "else"})
        rows = max(1, len(rule.actions) + len(rule.else_actions))
        top = row_top + rows * _ROW + 60
    return {"nodes": nodes, "edges": edges}


def node_lines(rule_file: a.RuleFile) -> dict[str, int]:
    """The text line of every canvas node id of a parsed file (for error markers)."""
    out: dict[str, int] = {}
    for item in rule_file.items:
        name = item.name
        out[name] = item.span.line
        if item.condition is not None:
            out[f"{name}/when"] = item.condition.span.line
            for i, part in enumerate(_ast_conjuncts(item.condition)):
                out[f"{name}/timer/{i}"] = part.span.line
        if isinstance(item, a.Table):
            out[f"{name}/table"] = item.trigger.span.line + 1
            continue
        for i, act in enumerate(item.actions):
            out[f"{name}/then/{i}"] = act.span.line
        if isinstance(item, a.Rule):
            for i, act in enumerate(item.else_actions):
                out[f"{name}/else/{i}"] = act.span.line
    return out


def _ast_conjuncts(e: a.Expr) -> list[a.Expr]:
    if isinstance(e, a.And):
        return [*_ast_conjuncts(e.left), e.right]
    return [e]


def langs_of(rule_file: a.RuleFile) -> dict[str, Lang]:
    """The keyword language of each rule of a parsed file."""
    return {item.name: item.lang for item in rule_file.items}


# ---- canvas → text ----------------------------------------------------------------------------


def _text(node: dict[str, Any], key: str) -> str:
    value = node.get("data", {}).get(key, "")
    return " ".join(str(value).split()) if key != "body" else str(value)


def assemble(canvas: dict[str, Any]) -> Assembled:
    """The rule text a canvas stands for, one rule per trigger chain.

    Nodes not reachable from a trigger are reported as problems on their node.
    """
    nodes = {str(n["id"]): n for n in canvas.get("nodes", [])}
    out_edges: dict[str, list[tuple[str, str]]] = {}
    for e in canvas.get("edges", []):
        if str(e.get("from")) in nodes and str(e.get("to")) in nodes:
            out_edges.setdefault(str(e["from"]), []).append((str(e["to"]),
                                                             str(e.get("port", "then"))))
    lines: list[_Line] = []
    seen: set[str] = set()
    problems: list[dict[str, Any]] = []
    triggers = sorted((n for n in nodes.values() if n.get("kind") == "trigger"),
                      key=lambda n: (float(n.get("y", 0)), float(n.get("x", 0))))
    for trig in triggers:
        chain = _reach(str(trig["id"]), out_edges, nodes)
        seen.update(n for n, _ in chain)
        if lines:
            lines.append(_Line(str(trig["id"]), ""))
        lines.extend(_rule_lines(trig, chain, nodes, problems))
    for node_id in nodes:
        if node_id not in seen:
            problems.append({"node": node_id, "code": "studio.canvas.unconnected"})
    return Assembled(text="\n".join(ln.text for ln in lines) + ("\n" if lines else ""),
                     line_nodes=[ln.node for ln in lines], problems=problems)


def _reach(start: str, out_edges: dict[str, list[tuple[str, str]]],
           nodes: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """Nodes reachable from ``start`` with the port of the edge that reached them."""
    found: list[tuple[str, str]] = [(start, "then")]
    stack = [start]
    visited = {start}
    while stack:
        here = stack.pop()
        for to, port in out_edges.get(here, []):
            if to not in visited and nodes[to].get("kind") != "trigger":
                visited.add(to)
                found.append((to, port))
                stack.append(to)
    return found


def _rule_lines(trig: dict[str, Any], chain: list[tuple[str, str]],
                nodes: dict[str, dict[str, Any]], problems: list[dict[str, Any]]) -> list[_Line]:
    tid = str(trig["id"])
    data = trig.get("data", {})
    lang: Lang = "zh" if data.get("lang") == "zh" else "en"
    item = str(data.get("item") or "reaction")
    concept = {"guard": "GUARD", "table": "TABLE"}.get(item, "RULE")
    title = _text(trig, "title")
    title_part = f' "{title}"' if title else ""
    out = [_Line(tid, f"{spell(concept, lang)} {_text(trig, 'rule') or 'rule'}{title_part}"),
           _Line(tid, f"  {spell('WHEN', lang)} {_text(trig, 'event')}")]
    by_kind: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for node_id, port in chain[1:]:
        node = nodes[node_id]
        by_kind.setdefault(str(node.get("kind")), []).append((node, port))
    conjuncts: list[tuple[int, str, str]] = []  # (position, node id, text)
    for node, _ in by_kind.get("condition", []):
        conjuncts.append((-1, str(node["id"]), _text(node, "expr")))
    timers = sorted(by_kind.get("timer", []), key=lambda t: int(t[0]["data"].get("position", 99)))
    for node, _ in timers:
        conjuncts.append((int(node["data"].get("position", 99)), str(node["id"]),
                          _text(node, "expr")))
    ordered = _place(conjuncts)
    if ordered:
        first_word = spell("IF", lang)
        or_word = f" {spell('OR', lang)} "
        for i, (node_id, text) in enumerate(ordered):
            word = first_word if i == 0 else f"  {spell('AND', lang)}"
            # A fragment typed with a top-level "or" must not bind to its neighbours.
            safe = f"({text})" if len(ordered) > 1 and or_word in f" {text} " else text
            out.append(_Line(node_id, f"  {word} {safe}"))
    for node, _ in by_kind.get("table", []):
        out.extend(_Line(str(node["id"]), f"  {ln.strip()}")
                   for ln in _text(node, "body").split("\n") if ln.strip())
    actions = sorted(by_kind.get("action", []),
                     key=lambda t: (float(t[0].get("y", 0)), float(t[0].get("x", 0))))
    then = [n for n, port in actions if port != "else"]
    other = [n for n, port in actions if port == "else"]
    if concept != "TABLE":
        if not then:
            problems.append({"node": tid, "code": "studio.canvas.no_action"})
        out.append(_Line(tid, f"  {spell('THEN', lang)}"))
        out.extend(_Line(str(n["id"]), f"    {_text(n, 'text')}") for n in then)
        if other:
            out.append(_Line(tid, f"  {spell('ELSE', lang)}"))
            out.extend(_Line(str(n["id"]), f"    {_text(n, 'text')}") for n in other)
    out.append(_Line(tid, spell("END", lang)))
    return out


def _place(conjuncts: list[tuple[int, str, str]]) -> list[tuple[str, str]]:
    """Conditions first, each timer at the conjunct position it was drawn from."""
    plain = [(n, t) for p, n, t in conjuncts if p < 0 and t]
    ordered = list(plain)
    for position, node_id, text in sorted(c for c in conjuncts if c[0] >= 0):
        ordered.insert(min(position, len(ordered)), (node_id, text))
    return ordered


def canvas_text(canvas: dict[str, Any]) -> tuple[Assembled, str | None]:
    """Assemble the canvas and format it canonically (None when it does not parse)."""
    assembled = assemble(canvas)
    try:
        return assembled, format_rules(parse(assembled.text))
    except ValueError:
        return assembled, None


__all__ = ["Assembled", "assemble", "canvas_from_ir", "canvas_text", "langs_of", "node_lines"]
