"""Canvas JSON ⇄ IR: the flow editor's view of a rule set.

A canvas is ``{"nodes": [...], "edges": [...]}``. Each rule is one chain that starts at its
``trigger`` node, goes through an optional ``condition``, its ``timer`` nodes (temporal
clauses), an optional decision ``table``, and ends in its steps; a step hanging on the
condition's ``else`` port runs when the condition is false. A step is an ``action`` node or
another ``condition`` node (a nested ``if``) with its own then/else outputs: one node kind
for every condition. A graph the language cannot say (two outputs into one node, a loop,
an else output of a timer …) is refused with its node marked, never guessed at. Node
fields hold rule
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
from dsl.formatter import OR, action_text
from dsl.keywords import Lang, spell
from engine import ir
from engine.lowering import raise_expr
from engine.lowering_rules import raise_action, raise_item

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

    @property
    def refused(self) -> bool:
        """True when the canvas has a shape the rule language cannot say (no text then)."""
        return any(p["code"] in REFUSALS for p in self.problems)

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


class _Drawing:
    """Nodes and edges of one canvas being drawn from the IR."""

    def __init__(self, lines: dict[str, int] | None) -> None:
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, str]] = []
        self.lines = lines or {}

    def add(self, node_id: str, kind: NodeKind, data: dict[str, Any], col: int, y: int,
            line_key: str | None = None) -> str:
        self.nodes.append({"id": node_id, "kind": kind, "data": data, "x": 40 + col * _COLUMN,
                           "y": y, "line": self.lines.get(line_key or node_id)})
        return node_id

    def link(self, src: str, dst: str, port: str = "then") -> None:
        self.edges.append({"from": src, "to": dst, "port": port})

    def steps(self, steps: tuple[ir.Step, ...], parent: str, port: str, col: int, row: int,
              top: int, lang: Lang) -> int:
        """Draw the steps of a branch below each other from ``row``; the next free row."""
        for step in steps:
            if isinstance(step, ir.Branch):
                self.add(step.id, "condition", {"expr": _expr(step.condition, lang, OR)},
                         col, top + row * _ROW)
                self.link(parent, step.id, port)
                after = self.steps(step.actions, step.id, "then", col + 1, row, top, lang)
                end = self.steps(step.else_actions, step.id, "else", col + 1, after, top, lang)
                row = max(end, row + 1)
                continue
            self.add(step.id, "action", {"kind": step.kind,
                                         "text": action_text(raise_action(step), lang)},
                     col, top + row * _ROW)
            self.link(parent, step.id, port)
            row += 1
        return row


def canvas_from_ir(rule_set: ir.RuleSet, *, langs: dict[str, Lang] | None = None,
                   lines: dict[str, int] | None = None) -> dict[str, Any]:
    """The canvas of a rule set: one chain per rule, laid out left to right.

    A nested condition is a ``condition`` node like the rule's own: its ``then`` and
    ``else`` ports lead to its steps, drawn one column further right.

    Args:
        rule_set: the rules.
        langs: keyword language per rule id (English when missing).
        lines: the text line each node id came from, for error markers.
    """
    d = _Drawing(lines)
    top = 40
    for rule in rule_set.rules:
        lang: Lang = (langs or {}).get(rule.id, "en")
        last = d.add(rule.id, "trigger", {"rule": rule.id, "title": rule.title or "",
                                          "item": rule.kind, "event": rule.trigger,
                                          "lang": lang}, 0, top)
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
                gate = d.add(f"{rule.id}/when", "condition", {"expr": expr}, col, top)
                d.link(last, gate)
                last, col = gate, col + 1
            for i, p in enumerate(parts):
                if isinstance(p, _TEMPORAL):
                    timer = d.add(f"{rule.id}/timer/{i}", "timer",
                                  {"expr": _expr(p, lang, _NOT), "position": i}, col, top)
                    d.link(last, timer)
                    last, col = timer, col + 1
        if rule.table is not None:
            text = _item_lines(rule, lang)
            body = [ln.strip() for ln in text[2:-1]]
            table = d.add(f"{rule.id}/table", "table", {"body": "\n".join(body)}, col, top)
            d.link(last, table)
            last, col = table, col + 1
        rows = d.steps(rule.actions, last, "then", col, 0, top, lang)
        rows = d.steps(rule.else_actions, gate or last, "else", col, rows, top, lang)
        top += max(1, rows) * _ROW + 60
    return {"nodes": d.nodes, "edges": d.edges}


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
        _step_lines(item.actions, f"{name}/then", out)
        if isinstance(item, a.Rule):
            _step_lines(item.else_actions, f"{name}/else", out)
    return out


def _step_lines(steps: tuple[a.Step, ...], prefix: str, out: dict[str, int]) -> None:
    for i, step in enumerate(steps):
        out[f"{prefix}/{i}"] = step.span.line
        if isinstance(step, a.Branch):
            _step_lines(step.actions, f"{prefix}/{i}/then", out)
            _step_lines(step.else_actions, f"{prefix}/{i}/else", out)


def _ast_conjuncts(e: a.Expr) -> list[a.Expr]:
    if isinstance(e, a.And):
        return [*_ast_conjuncts(e.left), e.right]
    return [e]


def langs_of(rule_file: a.RuleFile) -> dict[str, Lang]:
    """The keyword language of each rule of a parsed file."""
    return {item.name: item.lang for item in rule_file.items}


# ---- canvas → text ----------------------------------------------------------------------------

#: Shapes the rule language cannot say: the canvas is refused (nothing is converted) and
#: the node is marked, instead of guessing (e.g. ANDing a nested condition into the rule's).
REFUSALS = frozenset({
    "studio.canvas.many_inputs",   # two outputs feed one node (e.g. one action, two conditions)
    "studio.canvas.cycle",         # a loop of connections
    "studio.canvas.into_trigger",  # a connection into a trigger
    "studio.canvas.after_action",  # a connection out of an action
    "studio.canvas.else_port",     # an else output on a node that is not a condition
    "studio.canvas.misplaced",     # a timer, table or trigger inside a branch
    "studio.canvas.table_actions",  # actions after a decision table (it writes its outputs)
})


def _text(node: dict[str, Any], key: str) -> str:
    value = node.get("data", {}).get(key, "")
    return " ".join(str(value).split()) if key != "body" else str(value)


class _Graph:
    """The canvas as a graph: nodes by id, connections out of and into each node."""

    def __init__(self, canvas: dict[str, Any]) -> None:
        self.nodes = {str(n["id"]): n for n in canvas.get("nodes", []) if isinstance(n, dict)
                      and "id" in n}
        self.out: dict[str, list[tuple[str, str]]] = {}
        self.into: dict[str, list[str]] = {}
        for e in canvas.get("edges", []):
            src, dst = str(e.get("from")), str(e.get("to"))
            if src in self.nodes and dst in self.nodes:
                port = "else" if e.get("port") == "else" else "then"
                self.out.setdefault(src, []).append((dst, port))
                self.into.setdefault(dst, []).append(src)

    def kind(self, node_id: str) -> str:
        return str(self.nodes[node_id].get("kind"))

    def children(self, node_id: str, port: str = "then") -> list[str]:
        """The nodes one port leads to, top to bottom as drawn (the order steps run)."""
        found = [dst for dst, p in self.out.get(node_id, []) if p == port]
        return sorted(found, key=lambda n: (float(self.nodes[n].get("y", 0) or 0),
                                            float(self.nodes[n].get("x", 0) or 0), n))

    def cycles(self) -> set[str]:
        """Nodes on a loop of connections."""
        state: dict[str, int] = {}
        found: set[str] = set()
        for start in self.nodes:
            if start in state:
                continue
            state[start] = 1
            stack = [(start, iter(self.out.get(start, [])))]
            while stack:
                here, it = stack[-1]
                step = next(it, None)
                if step is None:
                    state[here] = 2
                    stack.pop()
                    continue
                dst = step[0]
                if state.get(dst) == 1:  # back to a node on the current path: a loop
                    path = [n for n, _ in stack]
                    found.update(path[path.index(dst):])
                elif dst not in state:
                    state[dst] = 1
                    stack.append((dst, iter(self.out.get(dst, []))))
        return found

    def shape_problems(self) -> list[dict[str, Any]]:
        """Every connection the rule language has no words for, on its node."""
        problems: list[dict[str, Any]] = []
        looped = self.cycles()
        for node_id in self.nodes:
            kind = self.kind(node_id)
            code = None
            if node_id in looped:
                code = "studio.canvas.cycle"
            elif kind == "trigger" and self.into.get(node_id):
                code = "studio.canvas.into_trigger"
            elif len(self.into.get(node_id, [])) > 1:
                code = "studio.canvas.many_inputs"
            elif kind == "action" and self.out.get(node_id):
                code = "studio.canvas.after_action"
            elif kind != "condition" and self.children(node_id, "else"):
                code = "studio.canvas.else_port"
            if code:
                problems.append({"node": node_id, "code": code})
        return problems


def assemble(canvas: dict[str, Any]) -> Assembled:
    """The rule text a canvas stands for, one rule per trigger chain.

    A trigger leads to the rule's own condition (when it is the trigger's only next node),
    its timers, its table and then its steps; a condition node among the steps is a nested
    ``if`` whose ``then``/``else`` outputs lead to its own steps. Shapes the language cannot
    say (see :data:`REFUSALS`) are problems on their node and nothing is assembled; nodes
    not reachable from a trigger are reported too.
    """
    g = _Graph(canvas)
    problems = g.shape_problems()
    if any(p["code"] in REFUSALS for p in problems):
        return Assembled(text="", line_nodes=[], problems=problems)
    lines: list[_Line] = []
    seen: set[str] = set()
    triggers = sorted((n for n in g.nodes.values() if n.get("kind") == "trigger"),
                      key=lambda n: (float(n.get("y", 0) or 0), float(n.get("x", 0) or 0)))
    for trig in triggers:
        if lines:
            lines.append(_Line(str(trig["id"]), ""))
        lines.extend(_Rule(g, trig, seen, problems).lines())
    for node_id in g.nodes:
        if node_id not in seen:
            problems.append({"node": node_id, "code": "studio.canvas.unconnected"})
    if any(p["code"] in REFUSALS for p in problems):
        return Assembled(text="", line_nodes=[], problems=problems)
    return Assembled(text="\n".join(ln.text for ln in lines) + ("\n" if lines else ""),
                     line_nodes=[ln.node for ln in lines], problems=problems)


class _Rule:
    """The text of one trigger's chain."""

    def __init__(self, g: _Graph, trig: dict[str, Any], seen: set[str],
                 problems: list[dict[str, Any]]) -> None:
        self.g, self.trig, self.seen, self.problems = g, trig, seen, problems
        data = trig.get("data", {})
        self.lang: Lang = "zh" if data.get("lang") == "zh" else "en"
        self.tid = str(trig["id"])
        seen.add(self.tid)

    def word(self, concept: str) -> str:
        return spell(concept, self.lang)

    def lines(self) -> list[_Line]:
        g, tid = self.g, self.tid
        data = self.trig.get("data", {})
        item = str(data.get("item") or "reaction")
        concept = {"guard": "GUARD", "table": "TABLE"}.get(item, "RULE")
        title = _text(self.trig, "title")
        title_part = f' "{title}"' if title else ""
        out = [_Line(tid, f"{self.word(concept)} {_text(self.trig, 'rule') or 'rule'}"
                          f"{title_part}"),
               _Line(tid, f"  {self.word('WHEN')} {_text(self.trig, 'event')}")]
        nxt = g.children(tid)
        gate: str | None = None
        if len(nxt) == 1 and g.kind(nxt[0]) == "condition":
            gate = nxt[0]
            self.seen.add(gate)
            nxt = g.children(gate)
        timers: list[str] = []
        while len(nxt) == 1 and g.kind(nxt[0]) == "timer":
            timers.append(nxt[0])
            self.seen.add(nxt[0])
            nxt = g.children(nxt[0])
        tables: list[str] = []
        if len(nxt) == 1 and g.kind(nxt[0]) == "table":
            tables.append(nxt[0])
            self.seen.add(nxt[0])
            nxt = g.children(nxt[0])
        out.extend(self.condition(gate, timers))
        for table in tables:
            out.extend(_Line(table, f"  {ln.strip()}")
                       for ln in _text(g.nodes[table], "body").split("\n") if ln.strip())
        otherwise = g.children(gate, "else") if gate else []
        if concept == "TABLE":
            for node_id in self.reach(nxt + otherwise):
                self.problems.append({"node": node_id, "code": "studio.canvas.table_actions"})
        else:
            if not nxt:
                self.problems.append({"node": tid, "code": "studio.canvas.no_action"})
            out.append(_Line(gate or tid, f"  {self.word('THEN')}"))
            out.extend(self.steps(nxt, "    "))
            if otherwise:
                out.append(_Line(gate or tid, f"  {self.word('ELSE')}"))
                out.extend(self.steps(otherwise, "    "))
        out.append(_Line(tid, self.word("END")))
        return out

    def reach(self, start: list[str]) -> list[str]:
        found, stack = [], list(start)
        while stack:
            here = stack.pop()
            if here in self.seen:
                continue
            self.seen.add(here)
            found.append(here)
            stack.extend(dst for dst, _ in self.g.out.get(here, []))
        return found

    def condition(self, gate: str | None, timers: list[str]) -> list[_Line]:
        conjuncts: list[tuple[int, str, str]] = []  # (position, node id, text)
        if gate is not None:
            conjuncts.append((-1, gate, _text(self.g.nodes[gate], "expr")))
        for timer in timers:
            position = self.g.nodes[timer].get("data", {}).get("position", 99)
            conjuncts.append((int(position) if str(position).isdigit() else 99, timer,
                              _text(self.g.nodes[timer], "expr")))
        ordered = _place(conjuncts)
        out: list[_Line] = []
        or_word = f" {self.word('OR')} "
        for i, (node_id, text) in enumerate(ordered):
            word = self.word("IF") if i == 0 else f"  {self.word('AND')}"
            # A fragment typed with a top-level "or" must not bind to its neighbours.
            safe = f"({text})" if len(ordered) > 1 and or_word in f" {text} " else text
            out.append(_Line(node_id, f"  {word} {safe}"))
        return out

    def steps(self, node_ids: list[str], indent: str) -> list[_Line]:
        """The steps one port leads to: actions, and conditions as nested ``if`` blocks."""
        out: list[_Line] = []
        for node_id in node_ids:
            self.seen.add(node_id)
            kind = self.g.kind(node_id)
            node = self.g.nodes[node_id]
            if kind == "action":
                out.append(_Line(node_id, f"{indent}{_text(node, 'text')}"))
            elif kind == "condition":
                then, otherwise = self.g.children(node_id), self.g.children(node_id, "else")
                if not then:
                    self.problems.append({"node": node_id, "code": "studio.canvas.no_action"})
                out.append(_Line(node_id, f"{indent}{self.word('IF')} {_text(node, 'expr')}"))
                out.append(_Line(node_id, f"{indent}{self.word('THEN')}"))
                out.extend(self.steps(then, indent + "  "))
                if otherwise:
                    out.append(_Line(node_id, f"{indent}{self.word('ELSE')}"))
                    out.extend(self.steps(otherwise, indent + "  "))
                out.append(_Line(node_id, f"{indent}{self.word('END')}"))
            else:
                self.problems.append({"node": node_id, "code": "studio.canvas.misplaced"})
                self.reach([d for d, _ in self.g.out.get(node_id, [])])
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
    if assembled.refused:
        return assembled, None
    try:
        return assembled, format_rules(parse(assembled.text))
    except ValueError:
        return assembled, None


__all__ = ["REFUSALS", "Assembled", "assemble", "canvas_from_ir", "canvas_text", "langs_of",
           "node_lines"]
