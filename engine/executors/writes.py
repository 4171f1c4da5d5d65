"""What every production action shares: its transaction, its provenance, its refusals.

An action runs in the worker's transaction after its effect key was claimed. Stock moves
carry their provenance on the ledger rows (:meth:`ActionScope.context`); every other write
leaves a :class:`~engine.models.RuleWrite` row naming the event, rule, version and node; a
refusal becomes an inbox alert for the admin instead of a failed (retried, parked) event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.decision import PlannedAction
from engine.models import InboxMessage, RuleWrite
from inventory import CommandContext, Provenance
from kernel.errors import DomainError


def json_safe(value: Any) -> Any:
    """``value`` as plain JSON data (decimals and times as text)."""
    return json.loads(json.dumps(value, default=str))


def rule_label(action: PlannedAction) -> str:
    """The words ``rule <id> (<version>)``, for reasons and notes people read."""
    prov = action.provenance
    return f"rule {prov.rule_id} ({prov.version[:12]})"


@dataclass(frozen=True, slots=True)
class ActionScope:
    """The transaction, tenant and time an action is applied in."""

    session: Session
    tenant_id: int
    now: datetime
    #: The event being handled (an :class:`~engine.executors.actions_events.Cause`), for
    #: the events a rule emits; None outside the worker.
    cause: Any = None
    #: The bound on follow-up events (``Settings.max_cascade_depth``).
    max_cascade_depth: int = 8

    def context(self, action: PlannedAction) -> CommandContext:
        """The command context of an inventory command the action runs: the rule is the
        actor and the ledger rows carry the event, version and node."""
        prov = action.provenance
        return CommandContext(
            tenant_id=self.tenant_id, actor=f"rule:{prov.rule_id}",
            provenance=Provenance(cause_event_id=prov.event_id, rule_version=prov.version,
                                  rule_node=prov.node_id))

    def record(self, action: PlannedAction, target: str, detail: dict[str, Any],
               outcome: str = "applied") -> None:
        """Leave the provenance of a write that is not a ledger row."""
        prov = action.provenance
        self.session.add(RuleWrite(
            tenant_id=self.tenant_id, action=action.kind, target=target[:200],
            outcome=outcome, detail=json_safe(detail), event_id=prov.event_id,
            rule_id=prov.rule_id, rule_version=prov.version, rule_node=prov.node_id,
            created_at=self.now))
        self.session.flush()

    def alert_admin(self, action: PlannedAction, message: str) -> None:
        """Tell the tenant's admins, with the rule that caused it."""
        prov = action.provenance
        self.session.add(InboxMessage(
            tenant_id=self.tenant_id, kind="alert", recipient="role:admin", message=message,
            event_id=prov.event_id, rule_id=prov.rule_id, rule_version=prov.version,
            rule_node=prov.node_id, created_at=self.now))
        self.session.flush()

    def refused(self, action: PlannedAction, exc: Exception) -> None:
        """An action that cannot be applied: an alert, not a lost or endlessly retried event."""
        if isinstance(exc, DomainError):
            reason = f"{exc.render('zh-CN')} / {exc.render('en')}"
        else:
            reason = f"缺少字段 {exc} / missing field {exc}"
        self.alert_admin(action, f"规则 {action.provenance.rule_id} 的 {action.kind} 未执行："
                                 f"{reason}")
