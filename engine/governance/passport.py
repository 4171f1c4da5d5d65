"""The rule passport: what a version reads, writes and touches, derived from its IR.

The IR becomes a networkx graph: version → rule → field / balance / document / connector /
role, each edge labelled with what the rule does to it (reads, writes, touches, notifies).
The passport is that graph's neighbourhoods; nobody types it by hand. What an action
writes, creates, touches or notifies is declared by its kind in the action registry
(:mod:`engine.actions`), the same entry the checker and the executor use. Each rule also
lists its nested conditions (branches): the condition in rule-language words and what runs
on each side.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from dsl.format_expr import expr_text
from engine import actions, ir
from engine.governance.conflicts import _reads
from engine.lowering import raise_expr


def _text(expr: ir.Expr | None) -> str:
    if isinstance(expr, ir.Template):
        return "".join(p if isinstance(p, str) else "{" + ".".join(
            p.path if isinstance(p, ir.Field) else ("…",)) + "}" for p in expr.parts)
    if isinstance(expr, ir.Lit):
        return str(expr.value)
    return ".".join(expr.path) if isinstance(expr, ir.Field) else "?"


def _expressions(rule: ir.Rule) -> list[ir.Expr]:
    found: list[ir.Expr] = [rule.condition] if rule.condition is not None else []
    if rule.table is not None:
        found += list(rule.table.inputs)
        for row in rule.table.rows:
            found += [c for c in row.cells if c is not None] + list(row.outputs)
    found += [b.condition for b in ir.all_branches(rule.actions + rule.else_actions)]
    for action in ir.all_actions(rule):
        found += [e for name, e in action.args if not (action.kind == "set" and
                                                         name == "target")]
    return found


def _temporal_reads(expr: ir.Expr | None) -> list[tuple[str, ...]]:
    if isinstance(expr, ir.Binary):
        return _temporal_reads(expr.left) + _temporal_reads(expr.right)
    if isinstance(expr, ir.Unary):
        return _temporal_reads(expr.operand)
    if isinstance(expr, ir.Sustained):
        return _reads(expr.condition)
    return []


def passport_graph(rule_set: ir.RuleSet, version: str) -> nx.MultiDiGraph:
    """version → rule → what it reads, writes, touches and notifies."""
    graph = nx.MultiDiGraph()
    root = f"version:{version}"
    graph.add_node(root, kind="version")
    for rule in rule_set.rules:
        node = f"rule:{rule.id}"
        graph.add_node(node, kind="rule", title=rule.title, trigger=rule.trigger)
        graph.add_edge(root, node, relation="contains")
        graph.add_edge(node, f"document:{rule.trigger.split('.')[0]}", relation="listens")
        for expr in _expressions(rule):
            for path in _reads(expr) + _temporal_reads(expr):
                if path and path[0] not in {"event", "result"}:
                    graph.add_edge(node, "field:" + ".".join(path), relation="reads")
        if rule.table is not None:
            for output in rule.table.outputs:
                graph.add_edge(node, f"field:{output}", relation="writes")
        for action in ir.all_actions(rule):
            _action_edges(graph, node, action)
    return graph


def _action_edges(graph: nx.MultiDiGraph, node: str, action: ir.Action) -> None:
    """The action's edges, as its kind declares them in the action registry."""
    spec = actions.lookup(action.kind)
    for target, relation in spec.passport(action) if spec is not None else []:
        graph.add_edge(node, target, relation=relation)


def _steps(steps: tuple[ir.Step, ...]) -> list[dict[str, str]]:
    return [{"id": s.id, "kind": "branch" if isinstance(s, ir.Branch) else s.kind}
            for s in steps]


def branches(rule: ir.Rule) -> list[dict[str, Any]]:
    """The nested conditions of a rule, outermost first: where each sits, its condition
    as the rule text says it, and the steps of its then and else sides."""
    return [{"id": b.id, "condition": expr_text(raise_expr(b.condition)),
             "then": _steps(b.actions), "else": _steps(b.else_actions)}
            for b in ir.all_branches(rule.actions + rule.else_actions)]


def _targets(graph: nx.MultiDiGraph, relation: str, prefix: str) -> list[str]:
    return sorted({v.removeprefix(prefix) for _, v, r in graph.edges(data="relation")
                   if r == relation and v.startswith(prefix)})


def passport(rule_set: ir.RuleSet, version: str) -> dict[str, Any]:
    """The passport of a version (without review record and author, which the caller adds)."""
    graph = passport_graph(rule_set, version)
    rules = []
    for rule in rule_set.rules:
        node = f"rule:{rule.id}"
        edges = [(v, r) for _, v, r in graph.out_edges(node, data="relation")]
        rules.append({"id": rule.id, "title": rule.title, "kind": rule.kind,
                      "trigger": rule.trigger,
                      "reads": sorted({v.removeprefix("field:") for v, r in edges
                                       if r == "reads"}),
                      "writes": sorted({v for v, r in edges if r in {"writes", "creates"}}),
                      "branches": branches(rule)})
    return {
        "version": version,
        "events": sorted({r.trigger for r in rule_set.rules}),
        "fields_read": _targets(graph, "reads", "field:"),
        "fields_written": _targets(graph, "writes", "field:"),
        "balances_written": _targets(graph, "writes", "balance:"),
        "documents_touched": sorted(set(_targets(graph, "listens", "document:"))
                                    | set(_targets(graph, "creates", "document:"))),
        "documents_created": _targets(graph, "creates", "document:"),
        "connectors": _targets(graph, "touches", "connector:"),
        "roles_notified": _targets(graph, "notifies", "role:"),
        "rules": rules,
    }
