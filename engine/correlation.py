"""Correlation across events: which rules' time clauses complete, fed one event at a time.

The engine's own correlation is pure: :func:`engine.evaluate.evaluate` reads the saved
per-key window state and returns the new one in ``Decision.windows`` (the worker saves it
in the event's transaction), and absence ("no shipment within 48 h") arms a durable timer
whose ``timer.fired`` event comes back through the outbox. :class:`Correlator` is that
behaviour seen from outside — events in, completed patterns out — so another backend can
stand beside it: :class:`engine.correlation_durable.DurableRulesCorrelator` runs the same
patterns in durable-rules, and the tests feed both the same streams and compare.

:class:`WindowCorrelator` is the in-memory twin of the production path: the same
``evaluate``, window state in a dict instead of ``window_state`` rows, and timers in a dict
instead of ``durable_timer`` rows (one plan, so one rule set: keyed by rule id and key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from engine import ir
from engine.compiler import CompiledRule, Plan
from engine.decision import Event
from engine.evaluate import TIMER_FIRED, correlation_key, evaluate, window_is_empty
from engine.facts import FactSource, load_for_plans

#: Action kinds that are the engine's own bookkeeping, not a rule's reaction.
_BOOKKEEPING = frozenset({"arm_timer", "cancel_timer", "table_result"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """A rule's time clause completed for one correlation key at one moment."""

    rule_id: str
    key: str
    at: datetime


class Correlator(Protocol):
    """Sequence patterns over an event stream, fed in event-time order."""

    #: Short name for reports ("engine", "durable-rules").
    name: str

    def observe(self, event: Event) -> tuple[Match, ...]:
        """Feed one event; the patterns it completes."""
        ...

    def advance(self, now: datetime) -> tuple[Match, ...]:
        """Let time pass until ``now``; the patterns completed by waiting (absence)."""
        ...


def temporal_rules(plan: Plan) -> list[CompiledRule]:
    """The rules of a plan that have a time clause, in rule order."""
    return [rule for rule in plan.by_id.values() if rule.temporal is not None]


def event_scope(event: Event) -> dict[str, Any]:
    """The scope a rule sees for ``event`` (as ``evaluate`` builds it, without facts)."""
    return {**event.payload, "event": {"id": event.id, "type": event.type}}


@dataclass(slots=True)
class _Timer:
    fire_at: datetime
    scope: dict[str, Any]


class WindowCorrelator:
    """The engine's correlation: pure evaluation, window state and timers kept here."""

    name = "engine"

    def __init__(self, plan: Plan, facts: FactSource | None = None) -> None:
        """``facts``: where loader fields come from (none: the payload only)."""
        self.plan = plan
        self.facts = facts
        self.windows: dict[tuple[str, str], Any] = {}
        self.timers: dict[tuple[str, str], _Timer] = {}
        self._fired = 0

    def observe(self, event: Event) -> tuple[Match, ...]:
        """Evaluate the event with the saved windows; keep the new windows and timers."""
        facts = load_for_plans(self.facts, event, (self.plan,)) if self.facts else {}
        decision = evaluate(self.plan, event, facts, event.occurred_at, windows=self.windows)
        for rule_id, key, state in decision.windows:
            if window_is_empty(state):  # as production deletes the row
                self.windows.pop((rule_id, key), None)
            else:
                self.windows[rule_id, key] = state
        matches: list[Match] = []
        for action in decision.actions:
            rule_id = action.provenance.rule_id
            if action.kind == "arm_timer":
                self.timers[rule_id, action.arg("key")] = _Timer(action.arg("fire_at"),
                                                                 action.arg("scope"))
            elif action.kind == "cancel_timer":
                self.timers.pop((rule_id, action.arg("key")), None)
            elif action.kind not in _BOOKKEEPING:
                match = Match(rule_id=rule_id, key=self._key(rule_id, event),
                              at=event.occurred_at)
                if match not in matches:
                    matches.append(match)
        return tuple(matches)

    def advance(self, now: datetime) -> tuple[Match, ...]:
        """Fire the timers due by ``now`` (the durable timers' in-memory twin), in time order."""
        matches: list[Match] = []
        due = sorted((t.fire_at, rule_id, key) for (rule_id, key), t in self.timers.items()
                     if t.fire_at <= now)
        for fire_at, rule_id, key in due:
            timer = self.timers.pop((rule_id, key))
            self._fired += 1
            fired = Event(id=f"timer-{self._fired}", type=TIMER_FIRED, tenant_id=0,
                          occurred_at=fire_at, payload={"timer": {
                              "rule_id": rule_id, "key": key, "scope": timer.scope}})
            decision = evaluate(self.plan, fired, {}, fire_at)
            if any(a.kind not in _BOOKKEEPING for a in decision.actions):
                matches.append(Match(rule_id=rule_id, key=key, at=fire_at))
        return tuple(matches)

    def _key(self, rule_id: str, event: Event) -> str:
        temporal = self.plan.by_id[rule_id].temporal
        path = temporal.key_path if isinstance(
            temporal, ir.Absence | ir.CountWithin | ir.Sustained) else None
        return correlation_key(event_scope(event), path)


__all__ = ["Correlator", "Match", "WindowCorrelator", "event_scope", "temporal_rules"]
