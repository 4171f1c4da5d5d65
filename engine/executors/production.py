"""The production executor: applies a decision for real, each action exactly once, and all
actions of one firing together.

A firing is one rule's actions for one event. Every action is claimed by its effect key
(event id + version hash + node id) in the event's transaction, so a redelivered event, a
retried job or a worker killed mid-way changes nothing twice. The claimed actions of a
firing are applied in ONE savepoint, each through its kind's applier in the action registry
(:mod:`engine.actions`): when one is refused (not enough stock, an unknown channel …) the
whole firing is rolled back — its webhook deliveries, emitted events and inbox messages too
— and recorded once (a ``refused`` rule write and an alert for the admins naming the rule);
the event still completes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from engine import actions, window_store
from engine.decision import Decision, PlannedAction
from engine.dispatch import claim_effect
from engine.executors.actions_events import Cause
from engine.executors.writes import ActionScope
from kernel.errors import DomainError


@dataclass(frozen=True, slots=True, kw_only=True)
class Applied:
    """What the executor did with one action."""

    action: PlannedAction
    #: "applied", "already applied" (a redelivery), "refused" (told to the admins in their
    #: inbox), "rolled back" (another action of its firing was refused), "stopped" (the
    #: cascade bound), "recorded" (a table's rows) or "not supported" (a version written
    #: before the checker refused the kind).
    outcome: str


#: The default bound on follow-up events (``Settings.max_cascade_depth``).
DEFAULT_MAX_CASCADE_DEPTH = 8


class _Refusal(Exception):
    """An action of a firing was refused; carries it and the refusal."""

    def __init__(self, action: PlannedAction, error: Exception) -> None:
        super().__init__(str(error))
        self.action, self.error = action, error


def firings(decided: Sequence[PlannedAction]) -> Iterator[list[PlannedAction]]:
    """The decision's rule effects grouped by firing: consecutive actions of one rule."""
    group: list[PlannedAction] = []
    for action in decided:
        if group and group[-1].provenance.rule_id != action.provenance.rule_id:
            yield group
            group = []
        group.append(action)
    if group:
        yield group


class ProductionExecutor:
    """Applies decisions in the worker's transaction."""

    def __init__(self, session: Session, tenant_id: int, now: datetime, *,
                 cause: Cause | None = None,
                 max_cascade_depth: int = DEFAULT_MAX_CASCADE_DEPTH) -> None:
        """Apply in ``session``; ``cause`` is the event being handled (for follow-ups)."""
        self.session, self.tenant_id, self.now = session, tenant_id, now
        self.scope = ActionScope(session, tenant_id, now, cause=cause,
                                 max_cascade_depth=max_cascade_depth)
        self.cause = cause
        self.max_cascade_depth = max_cascade_depth
        #: The pattern bookkeeping, applied outside the firings' savepoints.
        self._state: dict[str, Callable[[PlannedAction], str | None]] = {
            "arm_timer": self._arm, "cancel_timer": self._cancel}

    def apply(self, decision: Decision) -> list[Applied]:
        """Apply every firing once (the window state is the caller's: its rule set's
        windows are saved by :func:`engine.window_store.save_windows`)."""
        done: list[Applied] = []
        effects: list[PlannedAction] = []
        for action in decision.actions:
            spec = actions.lookup(action.kind)
            if spec is not None and not spec.in_firing:
                if claim_effect(self.session, action.provenance.effect_key, self.now):
                    done.append(Applied(action=action,
                                        outcome=self._state[action.kind](action) or "applied"))
                else:
                    done.append(Applied(action=action, outcome="already applied"))
            else:
                effects.append(action)
        for firing in firings(effects):
            done += self._fire(firing)
        return done

    def _fire(self, firing: list[PlannedAction]) -> list[Applied]:
        """Claim each action, then apply the claimed ones together or not at all."""
        outcomes: dict[int, str] = {}
        todo: list[tuple[int, PlannedAction, actions.Applier, bool]] = []
        for i, action in enumerate(firing):
            spec = actions.lookup(action.kind)
            apply = spec.applier(action) if spec is not None else None
            if spec is None or apply is None:
                # Only a version saved before the checker refused this kind gets here.
                outcomes[i] = "not supported"
            elif not spec.claims:
                outcomes[i] = apply(self.scope, action) or "applied"
            elif not claim_effect(self.session, action.provenance.effect_key, self.now):
                outcomes[i] = "already applied"
            else:
                todo.append((i, action, apply, spec.refusable))
        try:
            with self.session.begin_nested():
                for i, action, apply, refusable in todo:
                    try:
                        outcomes[i] = apply(self.scope, action) or "applied"
                    except (DomainError, KeyError) as exc:
                        if not refusable:
                            raise
                        raise _Refusal(action, exc) from exc
        except _Refusal as refused:
            self._refused(refused, [a for _, a, _, _ in todo])
            for i, action, _, _ in todo:
                outcomes[i] = "refused" if action is refused.action else "rolled back"
        return [Applied(action=a, outcome=outcomes[i]) for i, a in enumerate(firing)]

    def _refused(self, refused: _Refusal, firing: list[PlannedAction]) -> None:
        """Record a refused firing once: a ``refused`` rule write and the admins' alert."""
        action, error = refused.action, refused.error
        reason = (f"{error.render('zh-CN')} / {error.render('en')}"
                  if isinstance(error, DomainError) else f"缺少字段 {error} / missing field "
                                                         f"{error}")
        self.scope.record(action, f"firing:{action.provenance.rule_id}", {
            "refused": action.kind, "reason": reason,
            "code": getattr(error, "code", "missing_field"),
            "rolled_back": [a.kind for a in firing if a is not action]}, "refused")
        self.scope.refused(action, error)

    def _arm(self, action: PlannedAction) -> str | None:
        window_store.arm_rule_timer(self.session, self.tenant_id, action, self.now)
        return None

    def _cancel(self, action: PlannedAction) -> str | None:
        window_store.cancel_rule_timer(self.session, self.tenant_id, action, self.now)
        return None
