"""Connector definitions of a tenant: create (secret shown once), read, subscribe, allow-list.

Every function runs in the caller's tenant-scoped session; the ORM adds ``tenant_id`` to
each query (kernel.tenancy), so a name of another tenant is simply not found.
"""

from __future__ import annotations

import secrets as _random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from connectors import egress, inbound, mapping, payload_schema, throttle, topics
from connectors.errors import ConnectorExists, ConnectorNotFound, InvalidConnector, InvalidMapping
from connectors.models import AllowedHost, Connector, Delivery, Subscription
from connectors.secrets import SecretBox, new_webhook_secret
from inventory import guarantees

Kind = Literal["webhook_in", "webhook_out", "mqtt", "http"]
_HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True, slots=True, kw_only=True)
class NewConnector:
    """What a caller gives to create a connector."""

    name: str
    kind: Kind
    endpoint: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    #: Given secret (an MQTT password, an API key); webhooks get a fresh one when omitted.
    secret: str | None = None
    max_attempts: int = 6


def _invalid(reason: str, reason_zh: str) -> InvalidConnector:
    return InvalidConnector(reason=reason, reason_zh=reason_zh)


def _check_url(endpoint: str | None, schemes: set[str]) -> None:
    try:
        parts = urlsplit(endpoint or "")
        hostname = parts.hostname
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        hostname = None
    if not hostname or parts.scheme not in schemes:
        allowed = " or ".join(sorted(f"{s}://" for s in schemes))
        raise _invalid(f"the endpoint must be an {allowed} URL",
                       f"endpoint 必须是 {allowed} 地址")


def _check_mqtt(config: Mapping[str, Any]) -> None:
    keepalive = config.get("keepalive", 30)
    if not isinstance(keepalive, int) or isinstance(keepalive, bool) \
            or not 5 <= keepalive <= 3600:
        raise _invalid("keepalive must be whole seconds between 5 and 3600",
                       "keepalive 必须是 5 到 3600 之间的整数秒")
    throttle.check_option(config)
    subs = config.get("subscriptions", [])
    if not isinstance(subs, list):
        raise _invalid("subscriptions must be a list", "subscriptions 必须是列表")
    for sub in subs:
        if not isinstance(sub, Mapping) or not isinstance(sub.get("topic"), str) \
                or not sub["topic"]:
            raise _invalid("each subscription needs a topic and a mapping",
                           "每个订阅需要 topic 与 mapping")
        topics.check_filter(sub["topic"])
        mapping.check_inbound(sub.get("mapping"))
        if sub.get("schema"):
            payload_schema.check_schema(sub["schema"])


def _check_outbound_schema(config: Mapping[str, Any]) -> None:
    schema = config.get("outbound_schema")
    if not schema:
        return
    payload_schema.check_schema(schema)
    missing = mapping.missing_required(config.get("mapping"), schema)
    if missing:
        raise InvalidMapping(field=", ".join(missing),
                             reason="the target's outbound_schema requires it but the mapping "
                                    "does not fill it")


def validate(new: NewConnector) -> None:
    """Check a definition before it is stored.

    Raises:
        InvalidConnector, InvalidMapping: the endpoint, options or mapping are wrong.
    """
    config = new.config
    if new.kind == "webhook_in":
        mapping.check_inbound(config.get("mapping"))
        if config.get("schema"):
            payload_schema.check_schema(config["schema"])
        limit = config.get("max_body_bytes", inbound.DEFAULT_BODY_LIMIT)
        if not isinstance(limit, int) or isinstance(limit, bool) \
                or not 1024 <= limit <= inbound.MAX_BODY_LIMIT:
            raise _invalid(f"max_body_bytes must be whole bytes between 1024 and "
                           f"{inbound.MAX_BODY_LIMIT}",
                           f"max_body_bytes 必须是 1024 到 {inbound.MAX_BODY_LIMIT} 之间的整数字节")
        if config.get("creates") not in (None, "sales_order"):
            raise _invalid("creates must be sales_order (or absent)",
                           "creates 只能是 sales_order（或不填）")
    elif new.kind == "webhook_out":
        _check_url(new.endpoint, {"http", "https"})
        mapping.check_outbound(config.get("mapping"))
        _check_outbound_schema(config)
    elif new.kind == "mqtt":
        _check_url(new.endpoint, {"mqtt", "mqtts"})
        _check_mqtt(config)
        _check_outbound_schema(config)
    else:
        _check_url(new.endpoint, {"http", "https"})
        if str(config.get("method", "POST")).upper() not in _HTTP_METHODS:
            raise _invalid("method must be one of GET POST PUT PATCH DELETE",
                           "method 必须是 GET POST PUT PATCH DELETE 之一")
        timeout = config.get("timeout_seconds", 10)
        if not isinstance(timeout, int | float) or not 0 < timeout <= 60:
            raise _invalid("timeout_seconds must be between 0 and 60",
                           "timeout_seconds 必须在 0 到 60 之间")
        headers = config.get("headers", {})
        if not isinstance(headers, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
            raise _invalid("headers must map names to text", "headers 必须是名称到文本的映射")
        mapping.check_outbound(config.get("mapping"))
        _check_outbound_schema(config)
        if config.get("response_mapping"):
            mapping.check_inbound(config["response_mapping"])


def create(session: Session, tenant_id: int, box: SecretBox, new: NewConnector,
           now: datetime) -> tuple[Connector, str | None]:
    """Store a connector; returns it and its secret in clear (the only time it is shown).

    Raises:
        ConnectorExists: the name is taken in this tenant.
        InvalidConnector, InvalidMapping: see :func:`validate`.
    """
    validate(new)
    if session.scalar(select(Connector.id).where(Connector.name == new.name)) is not None:
        raise ConnectorExists(name=new.name)
    secret = new.secret
    if secret is None and new.kind in ("webhook_in", "webhook_out"):
        secret = new_webhook_secret()
    row = Connector(tenant_id=tenant_id, name=new.name, kind=new.kind,
                    public_id="hk_" + _random.token_urlsafe(24), endpoint=new.endpoint,
                    config=dict(new.config), max_attempts=new.max_attempts,
                    secret_encrypted=box.seal(secret) if secret else None, is_enabled=True,
                    created_at=now)
    session.add(row)
    session.flush()
    return row, secret


def get(session: Session, name: str) -> Connector:
    """The (not deleted) connector called ``name`` in the session's tenant.

    Raises:
        ConnectorNotFound: no such connector here.
    """
    row = session.scalar(select(Connector).where(Connector.name == name,
                                                 Connector.deleted_at.is_(None)))
    if row is None:
        raise ConnectorNotFound(name=name)
    return row


def list_connectors(session: Session, offset: int, limit: int) -> tuple[list[Connector], int]:
    """The tenant's connectors by name (deleted ones are not listed)."""
    live = select(Connector).where(Connector.deleted_at.is_(None))
    total = session.scalar(select(func.count()).select_from(live.subquery())) or 0
    rows = session.scalars(live.order_by(Connector.name).offset(offset).limit(limit))
    return list(rows), total


def subscribe(session: Session, tenant_id: int, name: str, event_type: str,
              now: datetime) -> Subscription:
    """Send every ``event_type`` event through the outbound connector ``name`` (idempotent).

    Raises:
        ConnectorNotFound: no such connector.
        InvalidConnector: the connector does not send (an inbound webhook).
    """
    connector = get(session, name)
    if connector.kind == "webhook_in":
        raise _invalid("an inbound webhook cannot subscribe to events",
                       "入站 webhook 不能订阅事件")
    found = session.scalar(select(Subscription).where(
        Subscription.connector_id == connector.id, Subscription.event_type == event_type))
    if found is not None:
        return found
    row = Subscription(tenant_id=tenant_id, connector_id=connector.id, event_type=event_type,
                       created_at=now)
    session.add(row)
    session.flush()
    return row


def subscriptions(session: Session, name: str) -> list[Subscription]:
    """The event types the connector ``name`` sends."""
    connector = get(session, name)
    return list(session.scalars(select(Subscription).where(
        Subscription.connector_id == connector.id).order_by(Subscription.event_type)))


def set_allowed_hosts(session: Session, tenant_id: int,
                      hosts: Sequence[tuple[str, bool]], now: datetime) -> list[AllowedHost]:
    """Replace the tenant's outbound allow-list with ``hosts`` (name, allow_private)."""
    session.execute(delete(AllowedHost).where(AllowedHost.tenant_id == tenant_id))
    rows = [AllowedHost(tenant_id=tenant_id, host=host.strip().lower(),
                        allow_private=allow_private, created_at=now)
            for host, allow_private in dict(hosts).items()]
    session.add_all(rows)
    session.flush()
    return allowed_hosts(session)


def allowed_hosts(session: Session) -> list[AllowedHost]:
    """The tenant's outbound allow-list."""
    return list(session.scalars(select(AllowedHost).order_by(AllowedHost.host)))


def _time_of(event: mapping.MappedEvent) -> dict[str, Any]:
    """The source time a preview shows (only when the mapping names one)."""
    return {} if event.occurred_at is None else {"occurred_at": event.occurred_at.isoformat()}


def try_mapping(connector: Connector, sample: Any) -> dict[str, Any]:
    """What the connector's mapping makes of ``sample`` (the studio's "test this mapping").

    Inbound kinds show the event; outbound kinds show the body that would be sent.

    Raises:
        InvalidMapping: the mapping does not apply to the sample.
    """
    config = connector.config
    if connector.kind == "webhook_in":
        event = mapping.InboundMap(config.get("mapping")).apply(sample, connector.name)
        return {"event_type": event.type, "key": event.key, "payload": event.payload,
                "message_id": event.message_id, **_time_of(event)}
    if connector.kind == "mqtt":
        results = []
        for sub in config.get("subscriptions", []):
            event = mapping.InboundMap(sub["mapping"]).apply(sample, connector.name)
            results.append({"topic": sub["topic"], "event_type": event.type, "key": event.key,
                            "payload": event.payload, "message_id": event.message_id,
                            **_time_of(event)})
        return {"events": results}
    body = mapping.outbound_body(config.get("mapping"), sample)
    checker = payload_schema.optional(config.get("outbound_schema"))
    violation = checker.violation(body) if checker else None
    return {"body": body, "outbound_schema_violation": violation}


def preview(kind: Kind, config: dict[str, Any], sample: Any,
            endpoint: str | None = None) -> dict[str, Any]:
    """What a connector defined so would make of ``sample``, before it is saved: the
    definition is checked as at save time, then the mapping applied; nothing is stored.

    Raises:
        InvalidConnector, InvalidMapping: the definition or mapping is refused, or the
            mapping does not apply to the sample.
    """
    placeholder = {"webhook_out": "https://example.com/preview",
                   "http": "https://example.com/preview", "mqtt": "mqtt://preview"}
    endpoint = endpoint or placeholder.get(kind)
    validate(NewConnector(name="preview", kind=kind, endpoint=endpoint, config=config))
    row = Connector(name="preview", kind=kind, endpoint=endpoint, config=config)
    return try_mapping(row, sample)




@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectorChange:
    """What a caller changes in a connector; ``None`` leaves a part as it is."""

    name: str | None = None
    endpoint: str | None = None
    #: Replaces the mapping (``config.mapping``).
    mapping: dict[str, Any] | None = None
    #: Merged into the other options (``config``); a ``None`` value removes that option.
    options: dict[str, Any] | None = None
    max_attempts: int | None = None
    #: A new secret of the caller's (an MQTT password, an API key) ...
    secret: str | None = None
    #: ... or a fresh webhook signing secret made here.
    rotate_secret: bool = False
    #: Put the endpoint's host on the tenant's allow-list (value: ``allow_private``).
    allow_endpoint_host: bool | None = None


def _changed_config(row: Connector, change: ConnectorChange) -> dict[str, Any]:
    config = dict(row.config)
    for option, value in (change.options or {}).items():
        if option == "mapping":
            raise _invalid("change the mapping with mapping, not options",
                           "请用 mapping 修改映射，而非 options")
        if value is None:
            config.pop(option, None)
        else:
            config[option] = value
    if change.mapping is not None:
        config["mapping"] = change.mapping
    return config


def _replace_secret(row: Connector, box: SecretBox, change: ConnectorChange,
                    now: datetime) -> str | None:
    if change.secret is not None and change.rotate_secret:
        raise _invalid("give a secret or ask to rotate it, not both",
                       "请提供新密钥或要求轮换，二者选一")
    secret = change.secret
    if change.rotate_secret:
        if row.kind not in ("webhook_in", "webhook_out"):
            raise _invalid("only webhook secrets are generated; give the new secret",
                           "仅 webhook 密钥可自动生成，请提供新密钥")
        secret = new_webhook_secret()
    if secret is not None:
        row.secret_encrypted, row.secret_rotated_at = box.seal(secret), now
    return secret


def _allow_host(session: Session, tenant_id: int, endpoint: str | None, allow_private: bool,
                now: datetime) -> None:
    if not endpoint:
        raise _invalid("this connector has no endpoint to allow", "该连接器没有可放行的地址")
    host, _ = egress.host_and_port(endpoint)
    entry = session.scalar(select(AllowedHost).where(AllowedHost.host == host))
    if entry is None:
        session.add(AllowedHost(tenant_id=tenant_id, host=host, allow_private=allow_private,
                                created_at=now))
    else:
        entry.allow_private = allow_private


def update_connector(session: Session, tenant_id: int, box: SecretBox, name: str,
                     change: ConnectorChange, now: datetime) -> tuple[Connector, str | None]:
    """Change a connector; returns it and its NEW secret in clear when one was set (the only
    time that secret is shown). Checked like a new definition; nothing changes on error.

    Raises:
        ConnectorNotFound, ConnectorExists (the new name is taken), InvalidConnector,
        InvalidMapping, EgressRefused (``allow_endpoint_host`` on a URL without a host).
    """
    row = get(session, name)
    new_name = change.name if change.name is not None else row.name
    endpoint = change.endpoint if change.endpoint is not None else row.endpoint
    config = _changed_config(row, change)
    validate(NewConnector(name=new_name, kind=row.kind,  # type: ignore[arg-type]
                          endpoint=endpoint, config=config))
    if new_name != row.name and session.scalar(
            select(Connector.id).where(Connector.name == new_name)) is not None:
        raise ConnectorExists(name=new_name)
    secret = _replace_secret(row, box, change, now)
    if change.allow_endpoint_host is not None:
        _allow_host(session, tenant_id, endpoint, change.allow_endpoint_host, now)
    row.name, row.endpoint, row.config = new_name, endpoint, config
    if change.max_attempts is not None:
        row.max_attempts = change.max_attempts
    session.flush()
    return row, secret


def delete_connector(session: Session, name: str, now: datetime) -> Connector:
    """Delete softly: the connector stops (no inbound URL, no new or pending deliveries,
    no MQTT link) and frees its name; its deliveries, their log and its receipts stay.

    Pending deliveries become dead with the reason, so the dead-letter list shows them.

    Raises:
        ConnectorNotFound: no such (live) connector.
    """
    row = get(session, name)
    row.deleted_at, row.is_enabled = now, False
    row.name = f"{row.name[:60]}~deleted-{row.id}"
    session.execute(update(Delivery).where(Delivery.connector_id == row.id,
                                           Delivery.status == "pending")
                    .values(status="dead", last_error="the connector was deleted")
                    .execution_options(synchronize_session=False))
    session.flush()
    return row


def public(row: Connector) -> dict[str, Any]:
    """A connector as the API shows it: never its secret, only whether it has one."""
    return {"name": row.name, "kind": row.kind, "endpoint": row.endpoint,
            "config": row.config, "max_attempts": row.max_attempts,
            "is_enabled": row.is_enabled, "has_secret": row.secret_encrypted is not None,
            "inbound_path": f"/api/v1/hooks/{row.public_id}" if row.kind == "webhook_in"
            else None, "created_at": row.created_at,
            "secret_rotated_at": row.secret_rotated_at, "deleted_at": row.deleted_at}


def create_once(session: Session, tenant_id: int, box: SecretBox, new: NewConnector,
                now: datetime, key: str | None) -> dict[str, Any]:
    """Create under an ``Idempotency-Key``: a repeat returns the first answer WITHOUT the
    secret (it is shown once, to the first caller, and stored only encrypted).

    Raises:
        IdempotencyKeyReused, ConnectorExists, InvalidConnector, InvalidMapping.
    """
    if key is not None:
        request = {"name": new.name, "kind": new.kind, "endpoint": new.endpoint,
                   "config": new.config, "max_attempts": new.max_attempts,
                   "has_secret": new.secret is not None}
        first = guarantees.claim_key(session, tenant_id, key, "connector.create",
                                     guarantees.request_fingerprint("connector.create",
                                                                    request), now)
        if first is not None:
            return {**first, "secret": None, "replayed": True}
    row, secret = create(session, tenant_id, box, new, now)
    answer = {**public(row), "secret": None, "replayed": False}
    if key is not None:
        guarantees.store_response(session, tenant_id, key, _storable(answer))
    return {**answer, "secret": secret}


def _storable(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in answer.items()}


def update_once(session: Session, tenant_id: int, box: SecretBox, name: str,
                change: ConnectorChange, now: datetime, key: str | None) -> dict[str, Any]:
    """:func:`update_connector` under an ``Idempotency-Key``; a repeat returns the first
    answer WITHOUT the new secret.

    Raises:
        IdempotencyKeyReused and what :func:`update_connector` raises.
    """
    if key is not None:
        request = {"connector": name, **{f: getattr(change, f) for f in (
            "name", "endpoint", "mapping", "options", "max_attempts", "rotate_secret",
            "allow_endpoint_host")}, "has_secret": change.secret is not None}
        first = guarantees.claim_key(session, tenant_id, key, "connector.update",
                                     guarantees.request_fingerprint("connector.update",
                                                                    request), now)
        if first is not None:
            return {**first, "secret": None, "replayed": True}
    row, secret = update_connector(session, tenant_id, box, name, change, now)
    answer = {**public(row), "secret": None, "replayed": False}
    if key is not None:
        guarantees.store_response(session, tenant_id, key, _storable(answer))
    return {**answer, "secret": secret}


def delete_once(session: Session, tenant_id: int, name: str, now: datetime,
                key: str | None) -> dict[str, Any]:
    """:func:`delete_connector` under an ``Idempotency-Key`` (a repeat answers the same)."""
    if key is not None:
        first = guarantees.claim_key(session, tenant_id, key, "connector.delete",
                                     guarantees.request_fingerprint("connector.delete",
                                                                    {"connector": name}), now)
        if first is not None:
            return first
    answer = public(delete_connector(session, name, now))
    if key is not None:
        guarantees.store_response(session, tenant_id, key, _storable(answer))
    return answer


__all__ = ["ConnectorChange", "Kind", "NewConnector", "allowed_hosts", "create", "create_once",
           "delete_connector", "delete_once", "get", "list_connectors", "public",
           "preview", "set_allowed_hosts", "subscribe", "subscriptions", "try_mapping",
           "update_connector",
           "update_once", "validate"]
