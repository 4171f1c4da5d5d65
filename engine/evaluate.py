"""Pure evaluation: (plan, event, facts, now) → Decision. No I/O, no clock but ``now``.

Sandbox runs, shadow runs, replays, rule tests, "try it" and production all call this
same function; only what is done with the decision differs (see engine.executors).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from engine import ir
from engine.compiler import (
    _COMPARE,
    CompiledBranch,
    CompiledRule,
    CompiledStep,
    Plan,
    Scope,
    entity_key,
    resolve,
)
from engine.decision import Decision, Event, PlannedAction, TraceStep, decision, planned_action
from engine.price_writes import PRICE, price_field

#: The event type a durable timer produces when it fires.
TIMER_FIRED = "timer.fired"
WindowState = Mapping[tuple[str, str], Any]
_NO_WINDOWS: WindowState = {}


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def correlation_key(scope: Scope, path: tuple[str, ...] | None) -> str:
    """The value that ties events together (e.g. the order id), as text; '' for none."""
    if path is None:
        return ""
    value = resolve(scope, path)
    if value is None and len(path) == 1:
        for entity in scope.values():
            if isinstance(entity, Mapping) and entity.get(path[0]) is not None:
                value = entity[path[0]]
                break
    return "" if value is None else str(value)


def window_keys(plan: Plan, event: Event,
                facts: Mapping[str, Any] | None = None) -> tuple[tuple[str, str], ...]:
    """The (rule id, correlation key) windows ``event`` can read or write under ``plan``.

    The count and sustained windows of the rules it triggers and of the count windows that
    count it, keyed as :func:`evaluate` keys them (``facts`` as evaluate gets them), sorted:
    the caller loads exactly these, in one order, before evaluating.
    """
    rules = plan.by_event.get(event.type, ()) + plan.counted.get(event.type, ())
    if not rules:
        return ()
    scope = _scope(event, facts or {})
    keys = {(rule.rule.id, correlation_key(scope, rule.temporal.key_path)) for rule in rules
            if isinstance(rule.temporal, ir.CountWithin | ir.Sustained)}
    return tuple(sorted(keys))


def window_expiry_ms(plan: Plan, rule_id: str, state: Any) -> int | None:
    """When saved window ``state`` of ``rule_id`` stops mattering, in event-time ms.

    A count window's last timestamp plus its span (after that every timestamp has left
    the window); ``None`` for a sustained window that is holding (it lasts until a reading
    breaks the condition) and for a rule the plan does not have.
    """
    rule = plan.by_id.get(rule_id)
    temporal = rule.temporal if rule is not None else None
    if isinstance(temporal, ir.CountWithin) and state:
        return max(int(t) for t in state) + temporal.within_ms
    return None


def window_is_empty(state: Any) -> bool:
    """Whether ``state`` is what a missing window means (no timestamps; not holding)."""
    return not state or tuple(state) == (None, False)


class _Run:
    """The mutable accumulator of one evaluation (never escapes :func:`evaluate`)."""

    __slots__ = ("actions", "blocked", "event", "plan", "root", "rule_set", "trace",
                 "windows")

    def __init__(self, plan: Plan, event: Event, trace: bool, rule_set: str = "",
                 root: dict[str, Any] | None = None) -> None:
        self.plan, self.event, self.rule_set = plan, event, rule_set
        #: The evaluation's own scope: price writes go here so later rules read them.
        self.root: dict[str, Any] = root if root is not None else {}
        self.actions: list[PlannedAction] = []
        self.blocked: PlannedAction | None = None
        self.windows: list[tuple[str, str, Any]] = []
        self.trace: list[TraceStep] | None = [] if trace else None

    def note(self, rule: CompiledRule, node_id: str, result: Any) -> None:
        if self.trace is not None:
            self.trace.append(TraceStep(rule_id=rule.rule.id, node_id=node_id, result=result))

    def planned(self, rule: CompiledRule, node_id: str, kind: str,
                args: tuple[tuple[str, Any], ...]) -> PlannedAction:
        return planned_action(kind, args, self.event.id, rule.rule.id, self.plan.version,
                              node_id)

    def run_actions(self, rule: CompiledRule, actions: tuple[CompiledStep, ...],
                    scope: Scope) -> None:
        """Plan the steps in order; a nested condition picks its then or else steps (and
        the trace names its node with the outcome)."""
        for action in actions:
            if isinstance(action, CompiledBranch):
                passed = bool(action.condition(scope))
                self.note(rule, action.node.id, passed)
                self.run_actions(rule, action.actions if passed else action.else_actions,
                                 scope)
                continue
            args = tuple([(name, fn(scope)) for name, fn in action.args])
            planned = self.planned(rule, action.node.id, action.node.kind, args)
            if self.trace is not None:
                self.note(rule, action.node.id, dict(args))
            if action.node.kind == "block":
                self.blocked = self.blocked or planned
            else:
                self.actions.append(planned)
                written = price_field(planned)
                if written is not None:
                    self.stack_price(scope, written, planned.arg("value"))

    def stack_price(self, scope: Scope, name: str, value: Any) -> None:
        """Prices stack: later steps and rules of this event read ``price.<name>`` as
        set. Only this evaluation's own scope dicts change (the event's payload does not)."""
        for target in (self.root, scope):
            if isinstance(target, dict):
                mine = target.get(PRICE)
                target[PRICE] = {**mine, name: value} if isinstance(mine, Mapping) \
                    else {name: value}


def evaluate(plan: Plan, event: Event, facts: Mapping[str, Any], now: datetime, *,
             windows: WindowState | None = None, trace: bool = False,
             rule_set: str = "") -> Decision:
    """Evaluate every rule the event can fire and return the ordered decision.

    ``facts`` are what the fact loaders filled for the fields the plan reads
    (:func:`engine.facts.load_facts`), entity by entity; they hold only fields the schema
    declares with a loader on this event, so they are merged field by field into the
    payload's entities. ``event.*`` fields the payload carries (``event.actor``) stay,
    beside the envelope's ``id``, ``type`` and ``occurred_at``. ``windows`` is the saved
    short-window state of this rule set by (rule id, key) (see :func:`window_keys`); the
    new state comes back in ``Decision.windows``. ``rule_set`` names the plan's rule set:
    timers it arms carry it, and a ``timer.fired`` of another rule set does nothing here.
    Prices stack: a ``set price.<field>`` is what every later step and rule of this
    event reads as ``price.<field>`` (rules in plan order), as the conflict check assumes.
    """
    scope = _scope(event, facts)
    run = _Run(plan, event, trace, rule_set, scope)
    state = windows or _NO_WINDOWS
    kind = event.type
    if kind == TIMER_FIRED:
        _fire_timer(run, scope, event)
    for rule in plan.by_event.get(kind, ()):
        _evaluate_rule(run, rule, scope, now, state)
    if kind in plan.counted:
        for rule in plan.counted[kind]:
            _count_only(run, rule, scope, now, state)
    for rule in plan.awaited.get(kind, ()):
        temporal = rule.temporal
        assert isinstance(temporal, ir.Absence)
        key = correlation_key(scope, temporal.key_path)
        run.actions.append(run.planned(rule, temporal.id, "cancel_timer", (
            ("rule_set", run.rule_set), ("rule_id", rule.rule.id), ("key", key))))
        run.note(rule, temporal.id, {"cancel": key})
    return decision(event.id, plan.version, tuple(run.actions), run.blocked,
                    tuple(run.windows), tuple(run.trace) if run.trace is not None else None)


def _scope(event: Event, facts: Mapping[str, Any]) -> dict[str, Any]:
    """What a rule reads: the payload's entities with the loaded facts merged in."""
    scope: dict[str, Any] = event.payload.copy()
    for entity, values in facts.items():
        mine = scope.get(entity)
        scope[entity] = {**mine, **values} if isinstance(mine, Mapping) and \
            isinstance(values, Mapping) else values
    carried = scope.get("event")
    envelope = {"id": event.id, "type": event.type, "occurred_at": event.occurred_at}
    scope["event"] = {**carried, **envelope} if isinstance(carried, Mapping) else envelope
    return scope


def _fire_timer(run: _Run, scope: dict[str, Any], event: Event) -> None:
    timer = event.payload.get("timer") or {}
    # A timer armed before timers named their rule set (none is left after migration
    # 0024 where the owner was known) is taken by any rule set with its rule id.
    if timer.get("rule_set", run.rule_set) != run.rule_set:
        return  # another rule set's timer, even if a rule here has the same id
    rule = run.plan.by_id.get(str(timer.get("rule_id")))
    if rule is None:  # the timer belongs to another version; it has nothing to do here
        return
    saved: dict[str, Any] = {**dict(timer.get("scope") or {}), "event": scope["event"]}
    run.note(rule, rule.temporal.id if rule.temporal else rule.rule.id, "fired")
    run.run_actions(rule, rule.actions, saved)


def _evaluate_rule(run: _Run, rule: CompiledRule, scope: Scope, now: datetime,
                   state: WindowState) -> None:
    r = rule.rule
    if rule.condition is not None:
        passed = bool(rule.condition(scope))
        if run.trace is not None:
            run.note(rule, f"{r.id}/if", passed)
        if not passed:
            if rule.temporal is None:
                run.run_actions(rule, rule.else_actions, scope)
            return
    if rule.temporal is not None:
        _temporal(run, rule, rule.temporal, scope, now, state)
        return
    if rule.table is not None and r.table is not None:
        _table(run, rule, r.table, scope)
        return
    run.run_actions(rule, rule.actions, scope)


def _table(run: _Run, rule: CompiledRule, table: ir.DecisionTable, scope: Scope) -> None:
    rows = rule.table.evaluate(scope)
    if run.trace is not None:
        run.note(rule, table.id, rows)
    if not rows:
        run.run_actions(rule, rule.else_actions, scope)
        return
    found = tuple(rows)
    run.actions.append(planned_action("table_result", (("rows", found),), run.event.id,
                                      rule.rule.id, run.plan.version, table.id))
    # Each output is written as a ``set`` of its field (first hit: the row's value; collect:
    # the list of every hit row's), applied like a rule's own ``set``.
    values = rows[0] if table.hit == "first" else \
        {name: [row.get(name) for row in rows] for name in table.outputs}
    for name in table.outputs:
        entity = name.partition(".")[0]
        args = (("target", name), ("value", values.get(name)),
                ("entity_id", entity_key(scope, "item" if entity == "price" else entity)),
                ("warehouse", resolve(scope, (entity, "warehouse"))))
        planned = planned_action("set", args, run.event.id, rule.rule.id, run.plan.version,
                                 f"{table.id}/set/{name}")
        run.actions.append(planned)
        written = price_field(planned)
        if written is not None:  # a table's price stacks like a rule's own set
            run.stack_price(scope, written, planned.arg("value"))
        if run.trace is not None:
            run.note(rule, f"{table.id}/set/{name}", dict(args))
    if rule.actions:
        result = rows[0] if table.hit == "first" else rows
        run.run_actions(rule, rule.actions, {**scope, "result": result})


def _temporal(run: _Run, rule: CompiledRule, temporal: ir.Temporal, scope: Scope,
              now: datetime, state: WindowState) -> None:
    r = rule.rule
    if isinstance(temporal, ir.Absence):
        key = correlation_key(scope, temporal.key_path)
        fire_at = now + timedelta(milliseconds=temporal.within_ms)
        snapshot = {k: v for k, v in scope.items() if k != "event"}
        run.actions.append(run.planned(rule, temporal.id, "arm_timer", (
            ("rule_set", run.rule_set), ("rule_id", r.id), ("key", key), ("fire_at", fire_at),
            ("scope", snapshot))))
        run.note(rule, temporal.id, {"arm": key, "fire_at": fire_at.isoformat()})
    elif isinstance(temporal, ir.CountWithin):
        _count_window(run, rule, temporal, scope, now, state)
    elif isinstance(temporal, ir.Sustained):
        _sustained(run, rule, temporal, scope, now, state)


def _window(rule: CompiledRule, temporal: ir.CountWithin, key: str, now: datetime,
            state: WindowState, *, counts_now: bool) -> list[int]:
    """The event times still inside the window, with this event's when it is counted."""
    now_ms = _ms(now)
    seen = [t for t in state.get((rule.rule.id, key), ()) if t > now_ms - temporal.within_ms]
    if counts_now:
        seen.append(now_ms)
    return seen


def _count_only(run: _Run, rule: CompiledRule, scope: Scope, now: datetime,
                state: WindowState) -> None:
    """A counted event that is not the rule's trigger: it only enters the window."""
    temporal = rule.temporal
    assert isinstance(temporal, ir.CountWithin)
    key = correlation_key(scope, temporal.key_path)
    run.windows.append((rule.rule.id, key,
                        tuple(_window(rule, temporal, key, now, state, counts_now=True))))


def _count_window(run: _Run, rule: CompiledRule, temporal: ir.CountWithin, scope: Scope,
                  now: datetime, state: WindowState) -> None:
    key = correlation_key(scope, temporal.key_path)
    # When the trigger is not the counted event, it only looks at the window.
    seen = _window(rule, temporal, key, now, state,
                   counts_now=temporal.event_type == rule.rule.trigger)
    count = len(seen)
    assert rule.temporal_fn is not None
    threshold = rule.temporal_fn(scope)
    hit = threshold is not None and _COMPARE[temporal.op](count, threshold)
    run.note(rule, temporal.id, {"key": key, "count": count, "hit": hit})
    # After a hit the window starts again, so a fourth scan does not flag twice.
    if temporal.event_type == rule.rule.trigger or hit:
        run.windows.append((rule.rule.id, key, () if hit else tuple(seen)))
    if hit:
        run.run_actions(rule, rule.actions, scope)


def _sustained(run: _Run, rule: CompiledRule, temporal: ir.Sustained, scope: Scope,
               now: datetime, state: WindowState) -> None:
    assert rule.temporal_fn is not None
    key = correlation_key(scope, temporal.key_path)
    now_ms = _ms(now)
    since, fired = state.get((rule.rule.id, key), (None, False))
    if not rule.temporal_fn(scope):
        run.windows.append((rule.rule.id, key, (None, False)))
        run.note(rule, temporal.id, {"key": key, "holding": False})
        return
    since = now_ms if since is None else since
    due = now_ms - since >= temporal.for_ms and not fired
    run.windows.append((rule.rule.id, key, (since, fired or due)))
    run.note(rule, temporal.id, {"key": key, "holding_ms": now_ms - since, "fire": due})
    if due:
        run.run_actions(rule, rule.actions, scope)
