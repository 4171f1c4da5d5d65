"""durable-rules (the classic Python CEP library) as an optional backend for sequence patterns.

Optional: ``pip install 'jxcflow[cep]'``; without it, :func:`available` is False and
building a :class:`DurableRulesCorrelator` raises :class:`~engine.errors.CorrelationUnavailable`.

What it does here: the matching of a rule's time clause, behind :class:`engine.correlation.
Correlator`. Our compiled closures still decide each event's own condition (is the freezer
above −15 °C?) and its correlation key; durable-rules receives small facts — ``t`` (event
time in ms), ``holds``, ``kind`` — and decides the sequence:

* ``count(e) >= n within w`` — a ``when_all`` sequence of n events of one key, each no
  earlier than the one before and less than w after the first (events are consumed by a
  match, as the engine's window restarts after a hit);
* ``c for d`` — a statechart per key: new → holding (since = t) → fired once after d,
  back to idle when the condition breaks;
* ``no e within d`` — a statechart per key: waiting from the trigger, idle on e; whether
  it is still waiting is asked when *our* deadline passes (:meth:`advance`).

What it does not do, by design (measured in ``bench/bench_durable_rules.py``, see
docs/engine-runtime.md): hold any timer (its timers tick in whole seconds and a 2 s timeout
fired 1.2–3.9 s late; ours are rows in ``durable_timer``), keep state across a restart (its
state lives in the process), or run on the worker's hot path. It never sees the clock: all
times are event times.
"""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from engine import ir
from engine.compiler import CompiledRule, Plan, constant, is_constant
from engine.correlation import Match, event_scope, temporal_rules
from engine.decision import Event
from engine.errors import CorrelationUnavailable, CorrelationUnsupported
from engine.evaluate import correlation_key

try:  # optional dependency (extra "cep")
    from durable import lang as _dr
except ImportError as _missing:  # pragma: no cover - exercised when the extra is absent
    _dr = None
    _IMPORT_ERROR: ImportError | None = _missing
else:
    _IMPORT_ERROR = None

# durable-rules keeps every ruleset in one process-wide host, by name.
_names = itertools.count(1)
_host_lock = threading.Lock()


def available() -> bool:
    """True when durable-rules can be imported."""
    return _dr is not None


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _moment(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


class DurableRulesCorrelator:
    """The plan's time clauses as durable-rules rulesets (one per rule)."""

    name = "durable-rules"

    def __init__(self, plan: Plan) -> None:
        """Build one ruleset per rule with a time clause.

        Raises:
            CorrelationUnavailable: durable-rules is not installed.
            CorrelationUnsupported: a clause durable-rules cannot express here.
        """
        if _dr is None:
            raise CorrelationUnavailable(reason=repr(_IMPORT_ERROR))
        self.plan = plan
        self._matches: list[Match] = []
        self._deadlines: dict[tuple[str, str], datetime] = {}
        self._rulesets: dict[str, str] = {}
        self._posted = 0
        with _host_lock:
            for rule in temporal_rules(plan):
                self._rulesets[rule.rule.id] = self._define(rule)

    # --- building the rulesets ----------------------------------------------------------

    def _define(self, rule: CompiledRule) -> str:
        name = f"jxcflow_cep_{next(_names)}"
        temporal = rule.temporal
        if isinstance(temporal, ir.CountWithin):
            self._define_count(name, rule, temporal)
        elif isinstance(temporal, ir.Sustained):
            self._define_sustained(name, rule)
        elif isinstance(temporal, ir.Absence):
            self._define_absence(name, rule)
        return name

    def _found(self, rule_id: str) -> Any:
        def action(c: Any) -> None:
            self._matches.append(Match(rule_id=rule_id, key=str(c.m.key), at=_moment(c.m.t)))
        return action

    def _define_count(self, name: str, rule: CompiledRule, temporal: ir.CountWithin) -> None:
        threshold = constant(temporal.threshold) if is_constant(temporal.threshold) else None
        if temporal.op != ">=" or threshold is None or int(threshold) != threshold \
                or not 1 <= int(threshold) <= 16 or temporal.event_type != rule.rule.trigger:
            raise CorrelationUnsupported(rule=rule.rule.id, reason=(
                "only 'count(<trigger>) >= n within <duration>' with a constant n of 1-16"))
        dr, m, c, within = _dr, _dr.m, _dr.c, temporal.within_ms
        assert dr is not None
        steps = [c.e0 << (m.kind == "counted")]
        for i in range(1, int(threshold)):
            first, previous = c.e0, getattr(c, f"e{i - 1}")
            steps.append(getattr(c, f"e{i}") << (
                (m.kind == "counted") & (m.t >= previous.t) & (m.t < first.t + within)))
        found = self._found(rule.rule.id)

        def last(c: Any) -> None:
            found(_Last(c, f"e{int(threshold) - 1}"))

        with dr.ruleset(name):
            dr.when_all(*steps)(last)

    def _define_sustained(self, name: str, rule: CompiledRule) -> None:
        temporal = rule.temporal
        assert isinstance(temporal, ir.Sustained) and _dr is not None
        dr, m, hold_ms, found = _dr, _dr.m, temporal.for_ms, self._found(rule.rule.id)

        def start(c: Any) -> None:
            c.s.since, c.s.fired = c.m.t, False

        def still(c: Any) -> None:
            if not c.s.fired and c.m.t - c.s.since >= hold_ms:
                c.s.fired = True
                found(c)

        def nothing(c: Any) -> None:
            pass

        with dr.statechart(name):
            with dr.state("new"):
                dr.to("holding")(dr.when_all(m.holds == True)(start))  # noqa: E712
                dr.to("idle")(dr.when_all(m.holds == False)(nothing))  # noqa: E712
            with dr.state("idle"):
                dr.to("holding")(dr.when_all(m.holds == True)(start))  # noqa: E712
            with dr.state("holding"):
                dr.to("idle")(dr.when_all(m.holds == False)(nothing))  # noqa: E712
                dr.to("holding")(dr.when_all(m.holds == True)(still))  # noqa: E712

    def _define_absence(self, name: str, rule: CompiledRule) -> None:
        assert _dr is not None
        dr, m, found = _dr, _dr.m, self._found(rule.rule.id)

        def nothing(c: Any) -> None:
            pass

        with dr.statechart(name):
            with dr.state("new"):
                dr.to("waiting")(dr.when_all(m.kind == "started")(nothing))
            with dr.state("idle"):
                dr.to("waiting")(dr.when_all(m.kind == "started")(nothing))
            with dr.state("waiting"):
                dr.to("waiting")(dr.when_all(m.kind == "started")(nothing))
                dr.to("idle")(dr.when_all(m.kind == "ended")(nothing))
                dr.to("idle")(dr.when_all(m.kind == "due")(found))

    # --- feeding events -----------------------------------------------------------------

    def _post(self, rule_id: str, key: str, fields: dict[str, Any]) -> None:
        self._posted += 1
        # sid: durable-rules keeps one state (statechart position, facts) per sid.
        message = {"id": str(self._posted), "sid": f"k:{key}", "key": key, **fields}
        with _host_lock:
            _dr.post(self._rulesets[rule_id], message)

    def observe(self, event: Event) -> tuple[Match, ...]:
        """Post what each time clause needs to know of ``event``; the patterns completed."""
        scope, t = event_scope(event), _ms(event.occurred_at)
        self._matches.clear()
        for rule in temporal_rules(self.plan):
            temporal = rule.temporal
            assert temporal is not None
            triggered = rule.rule.trigger == event.type and (
                rule.condition is None or bool(rule.condition(scope)))
            key = correlation_key(scope, temporal.key_path)
            if isinstance(temporal, ir.CountWithin) and triggered:
                self._post(rule.rule.id, key, {"kind": "counted", "t": t})
            elif isinstance(temporal, ir.Sustained) and triggered:
                assert rule.temporal_fn is not None
                self._post(rule.rule.id, key, {"holds": bool(rule.temporal_fn(scope)), "t": t})
            elif isinstance(temporal, ir.Absence):
                if temporal.event_type == event.type:
                    self._deadlines.pop((rule.rule.id, key), None)
                    self._post(rule.rule.id, key, {"kind": "ended", "t": t})
                if triggered:
                    self._deadlines[rule.rule.id, key] = event.occurred_at + timedelta(
                        milliseconds=temporal.within_ms)
                    self._post(rule.rule.id, key, {"kind": "started", "t": t})
        return tuple(self._matches)

    def advance(self, now: datetime) -> tuple[Match, ...]:
        """Ask the absence charts whose deadline (ours, not durable-rules') has passed."""
        self._matches.clear()
        due = sorted((at, rule_id, key) for (rule_id, key), at in self._deadlines.items()
                     if at <= now)
        for at, rule_id, key in due:
            del self._deadlines[rule_id, key]
            self._post(rule_id, key, {"kind": "due", "t": _ms(at)})
        return tuple(self._matches)


class _Last:
    """The last event of a matched sequence, shaped like durable's ``c`` for ``_found``."""

    def __init__(self, c: Any, name: str) -> None:
        self.m = getattr(c, name)


__all__ = ["DurableRulesCorrelator", "available"]
