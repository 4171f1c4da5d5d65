"""Inbound messages (signed webhooks, MQTT) become domain events, each exactly once.

Invariant: one accepted message id → one event. The message id (``webhook-id``, or the
MQTT mapping's ``message_id``) is claimed with INSERT … ON CONFLICT DO NOTHING on the
unique (connector, message id) in the SAME transaction that appends the event to the
outbox: on PostgreSQL a concurrent duplicate waits on the unique index until the first
commits (then finds it) or rolls back (then claims it); SQLite writers run one at a time.
So a redelivered or replayed webhook answers with the first event and adds nothing.

A refused message (bad signature, stale, not JSON) leaves only a ``connector_rejection``
row, written in a transaction of its own; its body is not kept.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from connectors import payload_schema, signing
from connectors.errors import ConnectorNotFound, PayloadRejected, SignatureRejected
from connectors.mapping import InboundMap, MappedEvent
from connectors.models import Connector, Receipt, Rejection
from connectors.secrets import SecretBox
from inventory import guarantees
from inventory.shop_orders import sales_order_from_shop
from kernel.clock import Clock, tenant_now
from kernel.db import Database, dialect_insert
from kernel.errors import DomainError

log = logging.getLogger("jxcflow.connectors")
_receipt = cast(Table, Receipt.__table__)

_REASONS_ZH = {"missing_headers": "缺少 webhook-id / webhook-timestamp / webhook-signature",
               "bad_timestamp": "时间戳无效", "stale": "时间戳过旧（可能是重放）",
               "future": "时间戳超前", "bad_signature": "签名不匹配"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Accepted:
    """An inbound message turned into an event (or found to be a repeat of one)."""

    event_id: str
    event_type: str
    #: True when this message id was accepted before: nothing new was written.
    is_duplicate: bool


def record_rejection(db: Database, tenant_id: int, connector_id: int,
                     message_id: str | None, reason: str, now: datetime,
                     detail: str | None = None) -> None:
    """Keep that a message was refused and why (never its body), in a transaction of its
    own; the rejection list is the inbound dead-letter list."""
    with db.write(tenant_id) as session:
        session.add(Rejection(tenant_id=tenant_id, connector_id=connector_id,
                              message_id=(message_id or None) and message_id[:200],
                              reason=reason[:60], detail=detail and detail[:2000],
                              received_at=now))


def commit_event(session: Session, tenant_id: int, connector_id: int, event: MappedEvent,
                 message_id: str | None, now: datetime) -> Accepted:
    """Append ``event`` to the outbox once per message id, in the caller's transaction."""
    event_id = guarantees.new_event_id()
    if message_id is not None:
        claimed = session.execute(
            dialect_insert(session, _receipt).values(
                tenant_id=tenant_id, connector_id=connector_id, message_id=message_id,
                event_id=event_id, received_at=now)
            .on_conflict_do_nothing(index_elements=["connector_id", "message_id"])
            .returning(_receipt.c.id)).first()
        if claimed is None:
            first: str = session.execute(select(_receipt.c.event_id).where(
                _receipt.c.tenant_id == tenant_id, _receipt.c.connector_id == connector_id,
                _receipt.c.message_id == message_id)).scalar_one()
            return Accepted(event_id=first, event_type=event.type, is_duplicate=True)
    guarantees.append_event(session, tenant_id, event_id, event.type, event.key,
                            event.payload, now)
    return Accepted(event_id=event_id, event_type=event.type, is_duplicate=False)


def _find(db: Database, public_id: str) -> tuple[int, int, str, str, dict[str, Any]]:
    # A system read: the URL's random public id names the connector (and so the tenant);
    # the caller is authenticated by the signature, not by a bearer token.
    with db.read(None) as session:
        row = session.execute(
            select(Connector.tenant_id, Connector.id, Connector.name,
                   Connector.secret_encrypted, Connector.config)
            .where(Connector.public_id == public_id, Connector.kind == "webhook_in",
                   Connector.is_enabled.is_(True))).first()
    if row is None or row.secret_encrypted is None:
        raise ConnectorNotFound(name=public_id)
    return row.tenant_id, row.id, row.name, row.secret_encrypted, dict(row.config)


def receive_webhook(db: Database, box: SecretBox, public_id: str,
                    headers: Mapping[str, str], body: bytes, clock: Clock,
                    wall_now: datetime) -> Accepted:
    """Verify, map and commit one inbound webhook.

    ``wall_now`` is the real time, against which the sender's ``webhook-timestamp`` is
    checked (the sender's clock is a real one); ``clock`` is the product's, and the
    connector's tenant's time on it dates the event and the records (a sandbox tenant's
    clock may run ahead).

    Raises:
        ConnectorNotFound: no enabled inbound webhook has this URL.
        SignatureRejected: missing headers, forged signature, stale or future timestamp.
        PayloadRejected: signed correctly but not JSON, or the mapping does not apply.
    """
    tenant_id, connector_id, name, sealed, config = _find(db, public_id)
    now = tenant_now(clock, tenant_id)
    verdict = signing.verify(box.open(sealed), headers, body, wall_now)
    if not verdict.is_valid:
        reason = verdict.reason or "bad_signature"
        record_rejection(db, tenant_id, connector_id, verdict.message_id, reason, now)
        log.info("webhook for connector %s refused: %s", connector_id, reason)
        raise SignatureRejected(reason=reason, reason_zh=_REASONS_ZH.get(reason, reason))
    message_id = cast(str, verdict.message_id)
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        record_rejection(db, tenant_id, connector_id, message_id, "bad_payload", now)
        raise PayloadRejected(reason=type(exc).__name__) from exc
    violation = _schema_violation(config, document)
    if violation is not None:
        record_rejection(db, tenant_id, connector_id, message_id, "schema_violation", now,
                         violation)
        raise PayloadRejected(reason=f"schema: {violation}")
    try:
        event = InboundMap(config.get("mapping")).apply(
            {"body": document, "webhook_id": message_id}, name)
    except ValueError as exc:  # InvalidMapping is a ValueError too
        record_rejection(db, tenant_id, connector_id, message_id, "bad_payload", now)
        raise PayloadRejected(reason=type(exc).__name__) from exc
    try:
        with db.write(tenant_id) as session:
            # The mapping's message_id (e.g. a shop's order number) names the message when
            # given: a re-push under a new webhook-id is still the same message.
            accepted = commit_event(session, tenant_id, connector_id, event,
                                    event.message_id or message_id, now)
            if config.get("creates") == "sales_order" and not accepted.is_duplicate:
                sales_order_from_shop(session, tenant_id, event.payload, f"connector:{name}",
                                      now)
            return accepted
    except DomainError as exc:  # the order cannot be written: neither event nor order
        detail = exc.render("en")
        record_rejection(db, tenant_id, connector_id, message_id, "document_refused", now,
                         detail)
        raise PayloadRejected(reason=detail) from exc


def _schema_violation(config: dict[str, Any], document: Any) -> str | None:
    checker = payload_schema.optional(config.get("schema"))
    return None if checker is None else checker.violation(document)


def list_rejections(session: Session, offset: int,
                    limit: int) -> tuple[list[tuple[Rejection, str]], int]:
    """Refused inbound messages of the session's tenant, newest first, with connector names."""
    total = session.scalar(select(func.count()).select_from(Rejection)) or 0
    rows = session.execute(select(Rejection, Connector.name)
                           .join(Connector, Connector.id == Rejection.connector_id)
                           .order_by(Rejection.id.desc()).offset(offset).limit(limit)).all()
    return [(r, name) for r, name in rows], total


__all__ = ["Accepted", "commit_event", "list_rejections", "receive_webhook",
           "record_rejection"]
