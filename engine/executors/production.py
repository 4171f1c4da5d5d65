"""The production executor: applies a decision for real, each action exactly once.

Every action is claimed by its effect key (event id + version hash + node id) in the
same transaction that applies it, so a redelivered event, a retried job or a worker
killed mid-way changes nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from engine import window_store
from engine.decision import Decision, PlannedAction
from engine.dispatch import claim_effect
from engine.executors import actions_documents, actions_stock, outbound
from engine.executors.actions_events import Cause, emit_event
from engine.executors.writes import ActionScope
from engine.models import InboxMessage
from kernel.errors import DomainError


@dataclass(frozen=True, slots=True, kw_only=True)
class Applied:
    """What the executor did with one action."""

    action: PlannedAction
    #: "applied", "already applied" (a redelivery), "refused" (told to the admins in their
    #: inbox), "stopped" (the cascade bound) or "not supported yet".
    outcome: str


#: The default bound on follow-up events (``Settings.max_cascade_depth``).
DEFAULT_MAX_CASCADE_DEPTH = 8


class ProductionExecutor:
    """Applies decisions in the worker's transaction."""

    def __init__(self, session: Session, tenant_id: int, now: datetime, *,
                 cause: Cause | None = None,
                 max_cascade_depth: int = DEFAULT_MAX_CASCADE_DEPTH) -> None:
        """Apply in ``session``; ``cause`` is the event being handled (for follow-ups)."""
        self.session, self.tenant_id, self.now = session, tenant_id, now
        self.scope = ActionScope(session, tenant_id, now)
        self.cause = cause
        self.max_cascade_depth = max_cascade_depth
        self._apply: dict[str, Callable[[PlannedAction], str | None]] = {
            "alert": self._inbox, "notify": self._inbox, "freeze": self._freeze,
            "unfreeze": self._freeze, "arm_timer": self._arm, "cancel_timer": self._cancel,
            "reserve": self._reserve, "release": self._release, "set": self._set,
            "create_document": self._create_document, "emit_event": self._emit,
        }
        # call webhook / publish mqtt / http call: handed to the connectors' port, if set.
        self._apply.update(outbound.appliers(session, tenant_id, now))

    def _supports(self, action: PlannedAction) -> bool:
        if action.kind in {"freeze", "unfreeze"}:
            return action.arg("kind") in actions_documents.FREEZE_KINDS
        return action.kind in self._apply

    def apply(self, decision: Decision) -> list[Applied]:
        """Apply every action once (the window state is the caller's: its rule set's
        windows are saved by :func:`engine.window_store.save_windows`)."""
        done: list[Applied] = []
        for action in decision.actions:
            apply = self._apply.get(action.kind)
            if apply is None or not self._supports(action):
                # Connectors (and freezing lots, channels, items, suppliers) join with their
                # issues; the action is recorded in the decision but not applied yet.
                done.append(Applied(action=action, outcome="not supported yet"))
                continue
            if not claim_effect(self.session, action.provenance.effect_key, self.now):
                done.append(Applied(action=action, outcome="already applied"))
                continue
            done.append(Applied(action=action, outcome=apply(action) or "applied"))
        return done

    def _inbox(self, action: PlannedAction) -> str | None:
        prov = action.provenance
        for recipient in action.arg("recipients") or ["role:admin"]:
            self.session.add(InboxMessage(
                tenant_id=self.tenant_id, kind=action.kind, recipient=str(recipient),
                message=str(action.arg("message", "")), event_id=prov.event_id,
                rule_id=prov.rule_id, rule_version=prov.version, rule_node=prov.node_id,
                created_at=self.now))
        return None

    def _guarded(self, apply: Callable[[ActionScope, PlannedAction], None],
                 action: PlannedAction) -> str | None:
        """Apply in a savepoint: a refusal undoes the action's writes and becomes an alert."""
        try:
            with self.session.begin_nested():
                apply(self.scope, action)
        except (DomainError, KeyError) as exc:  # a refusal of ours, or a missing field
            self.scope.refused(action, exc)
            return "refused"
        return None

    def _freeze(self, action: PlannedAction) -> str | None:
        return self._guarded(actions_documents.freeze, action)

    def _set(self, action: PlannedAction) -> str | None:
        return self._guarded(actions_documents.set_field, action)

    def _create_document(self, action: PlannedAction) -> str | None:
        return self._guarded(actions_documents.create_document, action)

    def _emit(self, action: PlannedAction) -> str | None:
        prov = action.provenance
        cause = self.cause or Cause(event_id=prov.event_id, key=f"event:{prov.event_id}",
                                    root_event_id=prov.event_id)
        emitted = emit_event(self.scope, action, cause, self.max_cascade_depth)
        return None if emitted else "stopped"

    def _reserve(self, action: PlannedAction) -> str | None:
        """Hold stock for each line, all or none, with the rule's provenance on the ledger
        rows; lines whose document holds them already are recorded as already done."""
        return self._guarded(actions_stock.reserve, action)

    def _release(self, action: PlannedAction) -> str | None:
        """Release the holds of each line that names its reservation; a hold its document
        already gave back is recorded as already done (see :mod:`actions_stock`)."""
        return self._guarded(actions_stock.release, action)

    def _arm(self, action: PlannedAction) -> str | None:
        window_store.arm_rule_timer(self.session, self.tenant_id, action, self.now)
        return None

    def _cancel(self, action: PlannedAction) -> str | None:
        window_store.cancel_rule_timer(self.session, self.tenant_id, action, self.now)
        return None
