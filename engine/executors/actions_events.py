"""``emit event``: a follow-up domain event in the outbox, and the bound on cascades.

A follow-up event is appended in the worker's transaction (so it exists iff the action was
applied), entity-shaped like a connector's event, with ``_cause``: the event that caused
it, the first event of the chain, the rule/version/node, and its cascade depth (the
business event is depth 0). Past the bound (``Settings.max_cascade_depth``) nothing is
emitted: the chain stops with :class:`~engine.errors.CascadeTooDeep`, told to the admins
in their inbox — two rules that emit each other's event end there instead of looping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.decision import PlannedAction
from engine.dispatch import OutboxRecord
from engine.errors import CascadeTooDeep
from engine.executors.writes import ActionScope, json_safe
from inventory import guarantees

#: The payload key that carries a follow-up event's cause (not an entity rules can read).
CAUSE = "_cause"
_FIELD = "field:"


@dataclass(frozen=True, slots=True, kw_only=True)
class Cause:
    """The event being handled, as follow-up events refer to it."""

    event_id: str
    #: The outbox key: follow-ups keep it, so they apply after their cause, in order.
    key: str
    #: 0 for a business event, n for the n-th follow-up of a chain.
    depth: int = 0
    #: The business event that began the chain.
    root_event_id: str = ""

    @classmethod
    def of(cls, record: OutboxRecord) -> Cause:
        """The cause an outbox event is for the events its rules emit."""
        meta = record.payload.get(CAUSE)
        if isinstance(meta, Mapping):
            return cls(event_id=record.event_id, key=record.key,
                       depth=int(meta.get("depth", 0)),
                       root_event_id=str(meta.get("root_event_id") or record.event_id))
        return cls(event_id=record.event_id, key=record.key, root_event_id=record.event_id)


def entity_payload(fields: Mapping[str, Any]) -> dict[str, Any]:
    """``{"item.sku": "A"}`` → ``{"item": {"sku": "A"}}`` (the shape rules read)."""
    payload: dict[str, Any] = {}
    for dotted, value in fields.items():
        *path, last = dotted.split(".")
        node = payload
        for step in path:
            node = node.setdefault(step, {})
        node[last] = json_safe(value)
    return payload


def emit_event(scope: ActionScope, action: PlannedAction, cause: Cause, max_depth: int
               ) -> str | None:
    """Append the follow-up event; returns its id, or None when the cascade bound stopped it."""
    prov = action.provenance
    event_type = str(action.arg("event"))
    depth = cause.depth + 1
    root = cause.root_event_id or cause.event_id
    if depth > max_depth:
        error = CascadeTooDeep(rule=prov.rule_id, node=prov.node_id, event=event_type,
                               depth=depth, limit=max_depth, root=root)
        scope.alert_admin(action, f"[{error.code}] {error.render('zh-CN')} / {error.render()}")
        scope.record(action, f"event:{event_type}", {"depth": depth, "limit": max_depth,
                                                     "root_event_id": root,
                                                     "error": error.code}, "stopped")
        return None
    fields = {n[len(_FIELD):]: v for n, v in action.args if n.startswith(_FIELD)}
    event_id = guarantees.new_event_id()
    payload = {**entity_payload(fields), CAUSE: {
        "event_id": cause.event_id, "root_event_id": root, "depth": depth,
        "rule_id": prov.rule_id, "version": prov.version, "node_id": prov.node_id}}
    guarantees.append_event(scope.session, scope.tenant_id, event_id, event_type, cause.key,
                            payload, scope.now)
    scope.record(action, f"event:{event_type}", {"event_id": event_id, "depth": depth,
                                                 "cause_event_id": cause.event_id})
    return event_id
