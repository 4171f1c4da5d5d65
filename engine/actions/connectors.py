"""``call webhook`` and ``publish mqtt``: a durable delivery through the connectors' port.

The engine never reaches outside the database inside an event's transaction: the
registered :class:`~engine.executors.outbound.OutboundPort` writes a delivery row in the
firing's savepoint (so a refused firing queues nothing) and the connectors runtime sends it
later. A port error fails the event (it is retried, then parked), it is not a refusal.
Without the connectors' catalogue in the process (a dsl-only tool, an engine without the
connectors package) both kinds are refused at check time.
"""

from __future__ import annotations

from engine import ir
from engine.actions.spec import ActionKind, Arg, Refused
from engine.decision import PlannedAction
from engine.executors import outbound
from engine.executors.writes import ActionScope

_NO_CONNECTORS = Refused(reason_en="no connectors are installed in this deployment",
                         reason_zh="本部署未安装连接器")


def _available() -> Refused | None:
    return None if outbound.catalogue() is not None else _NO_CONNECTORS


def submit(scope: ActionScope, action: PlannedAction) -> None:
    """Hand the action to the connectors' port (a delivery row in this transaction).

    Raises:
        RuntimeError: no port in this process (the worker runs without connectors), so
            the event fails and is retried where connectors run, instead of being lost.
    """
    port = outbound.registered()
    if port is None:
        raise RuntimeError(f"no outbound port: {action.kind} of rule "
                           f"{action.provenance.rule_id} cannot be queued in this process")
    port.submit(scope.session, scope.tenant_id, action, scope.now)


def _edges(action: ir.Action) -> list[tuple[str, str]]:
    kind = "webhook" if action.kind == "call_webhook" else "mqtt"
    target = action.arg("name") if action.kind == "call_webhook" else action.arg("topic")
    if isinstance(target, ir.Template):
        name = "".join(p if isinstance(p, str) else "{" + ".".join(
            p.path if isinstance(p, ir.Field) else ("…",)) + "}" for p in target.parts)
    else:
        name = str(target.value) if isinstance(target, ir.Lit) else "?"
    return [(f"connector:{kind}:{name}", "touches")]


def _describe(action: PlannedAction) -> str:
    return f"{action.kind} {action.arg('name') or action.arg('topic')}"


CALL_WEBHOOK = ActionKind(
    kind="call_webhook", label_en="Call a webhook", label_zh="调用 Webhook",
    args=(Arg(name="name", type="an outbound connector's name"),
          Arg(name="fields", type="the body's fields", required=False)),
    apply=submit, refusable=False, available=_available, passport=_edges,
    describe=_describe)
PUBLISH_MQTT = ActionKind(
    kind="publish_mqtt", label_en="Publish on MQTT", label_zh="发布 MQTT 消息",
    args=(Arg(name="topic", type="a topic (may hold placeholders)"),
          Arg(name="fields", type="the message's fields", required=False)),
    apply=submit, refusable=False, available=_available, passport=_edges,
    describe=_describe)
