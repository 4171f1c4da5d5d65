"""Emit cycles across rule sets, found when a version is saved (not live at the bound).

The graph is the candidate plus every production version of the tenant (the candidate
takes the place of its own rule set's production version): an edge from each rule's trigger
to every event type it emits, labelled with the rule set and rule. A cycle through one of
the candidate's edges is refused, naming the rules and events in order.
"""

from __future__ import annotations

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import ir
from engine.canonical import from_data
from engine.governance.errors import EmitCycle
from engine.models import RuleSetVersion


def _emits(rule: ir.Rule) -> list[str]:
    found = []
    for action in ir.all_actions(rule):
        event = action.arg("event")
        if action.kind == "emit_event" and isinstance(event, ir.Lit):
            found.append(str(event.value))
    return found


def emit_graph(rule_sets: dict[str, ir.RuleSet]) -> nx.MultiDiGraph:
    """trigger → emitted event, one edge per (rule set, rule, emitted event)."""
    graph = nx.MultiDiGraph()
    for name, rule_set in rule_sets.items():
        for rule in rule_set.rules:
            for event in _emits(rule):
                graph.add_edge(rule.trigger, event, rule_set=name, rule=rule.id)
    return graph


def find_cycle(rule_sets: dict[str, ir.RuleSet], candidate: str) -> list[tuple[str, str, str]]:
    """A loop through one of ``candidate``'s emits: [(event, rule_set:rule, next event)…];
    empty when there is none."""
    graph = emit_graph(rule_sets)
    mine = [(u, v) for u, v, d in graph.edges(data=True) if d["rule_set"] == candidate]
    for u, v in mine:
        if u == v or nx.has_path(graph, v, u):
            path = [u] if u == v else nx.shortest_path(graph, v, u)
            steps = [u, *path] if u != v else [u, v]
            loop = []
            for a, b in zip(steps, steps[1:], strict=False):
                data = graph.get_edge_data(a, b)
                chosen = next((d for d in data.values() if d["rule_set"] == candidate),
                              next(iter(data.values())))
                loop.append((a, f"{chosen['rule_set']}:{chosen['rule']}", b))
            return loop
    return []


def refuse_cycles(session: Session, version: RuleSetVersion) -> None:
    """Refuse ``version`` when it closes an emit loop with the tenant's production rules.

    Raises:
        EmitCycle: names each step as ``event —rule set:rule→ event``.
    """
    rule_sets: dict[str, ir.RuleSet] = {}
    for row in session.scalars(select(RuleSetVersion).where(
            RuleSetVersion.state == "production", RuleSetVersion.name != version.name)):
        parsed = from_data(row.ir)
        assert isinstance(parsed, ir.RuleSet)
        rule_sets[row.name] = parsed
    candidate = from_data(version.ir)
    assert isinstance(candidate, ir.RuleSet)
    rule_sets[version.name] = candidate
    loop = find_cycle(rule_sets, version.name)
    if loop:
        text = " → ".join([loop[0][0], *(f"[{rule}] {b}" for _, rule, b in loop)])
        raise EmitCycle(cycle=text, rule_set=version.name)
