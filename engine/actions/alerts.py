"""``alert`` and ``notify``: a message in the recipients' inbox, naming the rule."""

from __future__ import annotations

from engine import ir
from engine.actions.spec import ActionKind, Arg
from engine.decision import PlannedAction
from engine.executors.writes import ActionScope
from engine.models import InboxMessage


def inbox(scope: ActionScope, action: PlannedAction) -> None:
    """One inbox message per recipient (the admins when none is named)."""
    prov = action.provenance
    for recipient in action.arg("recipients") or ["role:admin"]:
        scope.session.add(InboxMessage(
            tenant_id=scope.tenant_id, kind=action.kind, recipient=str(recipient),
            message=str(action.arg("message", "")), event_id=prov.event_id,
            rule_id=prov.rule_id, rule_version=prov.version, rule_node=prov.node_id,
            created_at=scope.now))
    scope.session.flush()


def _edges(action: ir.Action) -> list[tuple[str, str]]:
    recipients = action.arg("recipients")
    items = recipients.items if isinstance(recipients, ir.ListExpr) else ()
    return [(f"role:{str(i.value).removeprefix('role:')}", "notifies") for i in items
            if isinstance(i, ir.Lit)]


def _describe(action: PlannedAction) -> str:
    who = ", ".join(str(r) for r in action.arg("recipients") or ["role:admin"])
    return f"{action.kind} {who}: {action.arg('message', '')}"


_ARGS = (Arg(name="recipients", type="roles or users"), Arg(name="message", type="text"))
ALERT = ActionKind(kind="alert", label_en="Alert", label_zh="预警", args=_ARGS,
                   apply=lambda s, a: inbox(s, a), passport=_edges, describe=_describe)
NOTIFY = ActionKind(kind="notify", label_en="Notify", label_zh="通知", args=_ARGS,
                    apply=lambda s, a: inbox(s, a), passport=_edges, describe=_describe)
