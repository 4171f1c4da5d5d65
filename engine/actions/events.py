"""``emit event``: a follow-up event in the outbox, bounded (see
:mod:`engine.executors.actions_events`)."""

from __future__ import annotations

from engine import ir
from engine.actions.spec import ActionKind, Arg
from engine.decision import PlannedAction
from engine.executors.actions_events import Cause, emit_event
from engine.executors.writes import ActionScope


def emit(scope: ActionScope, action: PlannedAction) -> str | None:
    """Append the follow-up event; "stopped" when the cascade bound stopped it."""
    prov = action.provenance
    cause = scope.cause if isinstance(scope.cause, Cause) else Cause(
        event_id=prov.event_id, key=f"event:{prov.event_id}", root_event_id=prov.event_id)
    return None if emit_event(scope, action, cause, scope.max_cascade_depth) else "stopped"


def _edges(action: ir.Action) -> list[tuple[str, str]]:
    event = action.arg("event")
    return [(f"connector:event:{event.value if isinstance(event, ir.Lit) else '?'}",
             "touches")]


def _describe(action: PlannedAction) -> str:
    return f"emit {action.arg('event')}"


EMIT_EVENT = ActionKind(kind="emit_event", label_en="Emit an event", label_zh="发出事件",
                        args=(Arg(name="event", type="an event type"),
                              Arg(name="fields", type="the event's fields", required=False)),
                        apply=emit, passport=_edges, describe=_describe)
