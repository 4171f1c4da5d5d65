"""Shadow divergence, pure: how far a candidate's stock changes differ from production's.

For every event and SKU, Δqty is the signed quantity the decision's stock actions move
(reserve +, release −). Per SKU and overall:

    divergence = Σ |Δqty(candidate) − Δqty(production)| ÷ Σ |Δqty(production)|

A SKU only the candidate touches has no production movement to divide by: its ratio is
``None`` (unbounded) and it is flagged ``only_candidate``; its difference still counts in
the overall numerator. Actions added and removed are counted per event by (rule, kind).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine import actions as action_registry
from engine.decision import PlannedAction
from engine.executors.lines import target_lines

#: Actions that move stock, with the sign of their quantity.
STOCK_SIGN: Mapping[str, int] = {"reserve": 1, "release": -1}
ActionSummary = dict[str, Any]


def summarise(actions: Iterable[PlannedAction]) -> list[ActionSummary]:
    """JSON-able summaries of actions: kind, rule, node, the (sku, qty) lines they move and
    what each would do (the shadow journal's record of a candidate's action)."""
    out: list[ActionSummary] = []
    for action in actions:
        lines = []
        if action.kind in STOCK_SIGN:
            for line in target_lines(action.arg("target")):
                if line.get("sku") is not None and line.get("qty") is not None:
                    lines.append({"sku": str(line["sku"]), "qty": str(line["qty"])})
        spec = action_registry.lookup(action.kind)
        out.append({"kind": action.kind, "rule": action.provenance.rule_id,
                    "node": action.provenance.node_id, "lines": lines,
                    # what it would do, in the words of its kind's registry entry
                    "does": spec.describe(action) if spec is not None else action.kind})
    return out


def deltas(actions: Sequence[ActionSummary]) -> dict[str, Decimal]:
    """Signed Δqty per SKU of one event's actions."""
    moved: dict[str, Decimal] = defaultdict(Decimal)
    for action in actions:
        sign = STOCK_SIGN.get(action["kind"])
        if sign is None:
            continue
        for line in action["lines"]:
            moved[line["sku"]] += sign * Decimal(line["qty"])
    return moved


@dataclass(slots=True)
class Divergence:
    """Running totals, fed one event at a time (a replay of 100,000 events stays small)."""

    production_abs: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    difference_abs: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    added: Counter[tuple[str, str]] = field(default_factory=Counter)
    removed: Counter[tuple[str, str]] = field(default_factory=Counter)
    events: int = 0
    events_differing: int = 0
    #: Events of a type the candidate's rules are triggered by (0: its trigger never came).
    trigger_events: int = 0

    def add(self, production: Sequence[ActionSummary], candidate: Sequence[ActionSummary],
            *, is_trigger: bool = False) -> None:
        """Account one event: what production did and what the candidate would have done;
        ``is_trigger`` when the event is of a type one of the candidate's rules waits for."""
        self.events += 1
        self.trigger_events += int(is_trigger)
        before, after = deltas(production), deltas(candidate)
        for sku in before.keys() | after.keys():
            p, c = before.get(sku, Decimal(0)), after.get(sku, Decimal(0))
            self.production_abs[sku] += abs(p)
            self.difference_abs[sku] += abs(c - p)
        kinds_p = Counter((a["rule"], a["kind"]) for a in production)
        kinds_c = Counter((a["rule"], a["kind"]) for a in candidate)
        self.added.update(kinds_c - kinds_p)
        self.removed.update(kinds_p - kinds_c)
        if kinds_p != kinds_c or before != after:
            self.events_differing += 1

    def report(self, limit: Decimal) -> dict[str, Any]:
        """The JSON report: overall and per-SKU ratios, actions added and removed."""
        per_sku = {}
        for sku in sorted(self.production_abs.keys() | self.difference_abs.keys()):
            p, d = self.production_abs[sku], self.difference_abs[sku]
            if p == 0 and d == 0:
                continue
            per_sku[sku] = {"production_qty": str(p), "difference_qty": str(d),
                            "ratio": _ratio(d, p), "only_candidate": p == 0}
        total_p = sum(self.production_abs.values(), Decimal(0))
        total_d = sum(self.difference_abs.values(), Decimal(0))
        ratio = _ratio(total_d, total_p)
        return {
            "events": self.events, "events_differing": self.events_differing,
            "trigger_events": self.trigger_events,
            "production_qty": str(total_p), "difference_qty": str(total_d),
            "ratio": ratio, "limit": str(limit),
            "is_above_limit": exceeds(ratio, total_d, limit),
            "per_sku": per_sku,
            "actions_added": _counted(self.added), "actions_removed": _counted(self.removed),
        }


def _ratio(difference: Decimal, production: Decimal) -> str | None:
    """The ratio as exact decimal text; None when production moved nothing but the
    candidate did (unbounded); "0" when neither moved anything."""
    if production == 0:
        return "0" if difference == 0 else None
    return str(difference / production)


def exceeds(ratio: str | None, difference: Decimal, limit: Decimal) -> bool:
    """True when the divergence is above ``limit`` (unbounded counts as above)."""
    if ratio is None:
        return difference > 0
    return Decimal(ratio) > limit


def _counted(counter: Counter[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"rule": rule, "kind": kind, "count": n}
            for (rule, kind), n in sorted(counter.items())]
