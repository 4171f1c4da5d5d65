"""The connectors' side of the engine's outbound port, and event subscriptions.

``ConnectorPort.submit`` runs inside the worker's event transaction (after the executor
claimed the action's effect key) and only writes a delivery row; sending happens later in
the runtime. :class:`SubscribingHandler` wraps the worker's event handler so that every
event of a subscribed type also gets a delivery per subscription, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors import mapping
from connectors.deliveries import enqueue
from connectors.errors import ConnectorError, ConnectorNotFound
from connectors.models import Connector, Subscription
from engine.decision import PlannedAction
from engine.dispatch import EventHandler, OutboxRecord

_FIELD = "field:"


def _fields(action: PlannedAction) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in action.args:
        if name.startswith(_FIELD):
            node = out
            parts = name[len(_FIELD):].split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
    return mapping.outbound_body(None, out)


def _mqtt_connector(session: Session) -> Connector:
    rows = list(session.scalars(select(Connector).where(
        Connector.kind == "mqtt", Connector.is_enabled.is_(True)).order_by(Connector.id)))
    chosen = next((r for r in rows if r.config.get("is_publisher")), rows[0] if rows else None)
    if chosen is None:
        raise ConnectorNotFound(name="mqtt")
    return chosen


def queue(session: Session, tenant_id: int, connector: Connector, target: str,
          document: dict[str, Any], event_id: str | None, now: datetime) -> None:
    """Queue ``document`` through ``connector``'s mapping; a mapping that fails on it makes
    this one delivery a dead letter with the reason, and nothing else fails."""
    try:
        body = mapping.outbound_body(connector.config.get("mapping"), document)
    except (ConnectorError, ValueError) as exc:  # InvalidMapping and the like
        reason = exc.render("en") if isinstance(exc, ConnectorError) else str(exc)
        enqueue(session, tenant_id, connector.id, target, {}, event_id, now,
                dead_reason=f"mapping failed: {reason}")
        return
    enqueue(session, tenant_id, connector.id, target, body, event_id, now)


class ConnectorPort:
    """Turns ``call webhook`` / ``publish mqtt`` / ``http call`` actions into deliveries."""

    def submit(self, session: Session, tenant_id: int, action: PlannedAction,
               now: datetime) -> None:
        """Write the delivery of ``action`` in the event's transaction.

        Raises:
            ConnectorNotFound: the action names no enabled connector (the event is then
                retried and parked with this error, visible at ``/events?status=parked``).
        """
        prov = action.provenance
        fields = _fields(action)
        if action.kind == "publish_mqtt":
            connector = _mqtt_connector(session)
            enqueue(session, tenant_id, connector.id, str(action.arg("topic", "")), fields,
                    prov.event_id, now)  # the rule's fields are the message: no mapping
            return
        name = str(action.arg("name", ""))
        target = session.scalar(select(Connector).where(
            Connector.name == name, Connector.kind.in_(("webhook_out", "http")),
            Connector.is_enabled.is_(True)))
        if target is None:
            raise ConnectorNotFound(name=name)
        connector = target
        document = {"type": f"rule.{prov.rule_id}", "event_id": prov.event_id,
                    "rule": {"id": prov.rule_id, "version": prov.version}, "data": fields}
        queue(session, tenant_id, connector, connector.endpoint or "", document,
              prov.event_id, now)


class ConnectorNames:
    """The tenant's connector names, for the checker (``call webhook "erp_synk"`` is refused
    with "did you mean erp_sync"); registered by the app whether or not it sends."""

    def names(self, session: Session, kind: str) -> Sequence[str]:
        """The enabled connectors' names of ``kind`` (``webhook``: outbound webhooks and
        HTTP calls; ``mqtt``: MQTT links)."""
        kinds = ("webhook_out", "http") if kind == "webhook" else ("mqtt",)
        return list(session.scalars(select(Connector.name).where(
            Connector.kind.in_(kinds), Connector.is_enabled.is_(True))
            .order_by(Connector.name)))


class SubscribingHandler:
    """An event handler that also sends each event to the connectors subscribed to its type."""

    def __init__(self, inner: EventHandler) -> None:
        self.inner = inner

    def handle(self, session: Session, event: OutboxRecord, now: datetime) -> None:
        """Run the inner handler, then queue one delivery per matching subscription (a
        connector whose mapping fails gets a dead letter; the others are sent)."""
        self.inner.handle(session, event, now)
        rows = session.execute(
            select(Connector).join(Subscription, Subscription.connector_id == Connector.id)
            .where(Subscription.event_type == event.type,
                   Connector.is_enabled.is_(True))).scalars().all()
        for connector in rows:
            document = {"type": event.type, "event_id": event.event_id,
                        "occurred_at": event.occurred_at.isoformat(), "data": event.payload}
            target = (connector.config.get("topic", f"jxc/events/{event.type}")
                      if connector.kind == "mqtt" else connector.endpoint or "")
            queue(session, event.tenant_id, connector, target, document, event.event_id, now)


__all__ = ["ConnectorNames", "ConnectorPort", "SubscribingHandler", "queue"]
