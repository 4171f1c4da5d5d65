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
from connectors.errors import (
    BodyTooLarge,
    ConnectorNotFound,
    PayloadRejected,
    SignatureRejected,
    UnsupportedMediaType,
)
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
    # The source's own time when the mapping names one (bounded by check_event_time).
    guarantees.append_event(session, tenant_id, event_id, event.type, event.key,
                            event.payload, event.occurred_at or now)
    return Accepted(event_id=event_id, event_type=event.type, is_duplicate=False)


#: Inbound webhook body limit when the connector sets none (``max_body_bytes``).
DEFAULT_BODY_LIMIT = 1024 * 1024
#: The largest ``max_body_bytes`` a connector may set.
MAX_BODY_LIMIT = 8 * 1024 * 1024
_NUL_MARKERS = (b"\x00", b"\\u0000")


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookTarget:
    """The enabled inbound webhook a URL names (its secret still sealed)."""

    tenant_id: int
    connector_id: int
    name: str
    sealed_secret: str
    config: dict[str, Any]

    @property
    def body_limit(self) -> int:
        """The largest body this connector accepts, in bytes."""
        limit = self.config.get("max_body_bytes")
        return limit if isinstance(limit, int) and not isinstance(limit, bool) \
            else DEFAULT_BODY_LIMIT


def find_webhook(db: Database, public_id: str) -> WebhookTarget:
    """The enabled inbound webhook of this URL id.

    Raises:
        ConnectorNotFound: none (or it has no secret).
    """
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
    return WebhookTarget(tenant_id=row.tenant_id, connector_id=row.id, name=row.name,
                         sealed_secret=row.secret_encrypted, config=dict(row.config))


def is_json_media_type(content_type: str | None) -> bool:
    """``application/json``, with no charset or ``charset=utf-8``."""
    media, _, params = (content_type or "").partition(";")
    if media.strip().lower() != "application/json":
        return False
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
                "utf-8", "utf8"):
            return False
    return True


def check_envelope(db: Database, target: WebhookTarget, content_type: str | None,
                   content_length: str | None, now: datetime) -> None:
    """Refuse, before reading the body, a webhook that is not JSON or declares a body over
    the connector's limit; the refusal leaves a rejection (nothing else changes).

    Raises:
        UnsupportedMediaType, BodyTooLarge.
    """
    if not is_json_media_type(content_type):
        shown = (content_type or "(none)")[:80]
        record_rejection(db, target.tenant_id, target.connector_id, None,
                         "unsupported_media_type", now, f"content-type: {shown}")
        raise UnsupportedMediaType(content_type=shown)
    if content_length is not None and content_length.strip().isdigit() \
            and int(content_length) > target.body_limit:
        refuse_too_large(db, target, now, int(content_length))


def refuse_too_large(db: Database, target: WebhookTarget, now: datetime, size: int) -> None:
    """Keep that a body over the limit was refused, and raise :class:`BodyTooLarge`."""
    record_rejection(db, target.tenant_id, target.connector_id, None, "too_large", now,
                     f"body of at least {size} bytes, limit {target.body_limit}")
    raise BodyTooLarge(limit=target.body_limit)


def receive_webhook(db: Database, box: SecretBox, public_id: str | WebhookTarget,
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
    target = find_webhook(db, public_id) if isinstance(public_id, str) else public_id
    tenant_id, connector_id, name = target.tenant_id, target.connector_id, target.name
    config = target.config
    now = tenant_now(clock, tenant_id)
    verdict = signing.verify(box.open(target.sealed_secret), headers, body, wall_now)
    if not verdict.is_valid:
        reason = verdict.reason or "bad_signature"
        record_rejection(db, tenant_id, connector_id, verdict.message_id, reason, now)
        log.info("webhook for connector %s refused: %s", connector_id, reason)
        raise SignatureRejected(reason=reason, reason_zh=_REASONS_ZH.get(reason, reason))
    message_id = cast(str, verdict.message_id)
    if any(marker in body for marker in _NUL_MARKERS):  # PostgreSQL cannot store NUL text
        record_rejection(db, tenant_id, connector_id, message_id, "bad_payload", now,
                         "the body contains a NUL character")
        raise PayloadRejected(reason="NUL character")
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
    inbound_map = InboundMap(config.get("mapping"))
    try:
        event = inbound_map.apply({"body": document, "webhook_id": message_id}, name)
    except ValueError as exc:  # InvalidMapping is a ValueError too
        record_rejection(db, tenant_id, connector_id, message_id, "bad_payload", now,
                         exc.render("en") if isinstance(exc, DomainError) else None)
        raise PayloadRejected(reason=type(exc).__name__) from exc
    refusal = inbound_map.time_refusal(event, now)
    if refusal is not None:
        record_rejection(db, tenant_id, connector_id, message_id, refusal[0], now, refusal[1])
        raise PayloadRejected(reason=refusal[1])
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


__all__ = ["DEFAULT_BODY_LIMIT", "MAX_BODY_LIMIT", "Accepted", "WebhookTarget",
           "check_envelope", "commit_event", "find_webhook", "is_json_media_type",
           "list_rejections", "receive_webhook", "record_rejection", "refuse_too_large"]
