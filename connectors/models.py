"""Tables of the connectors: definitions, allow-list, subscriptions, receipts, deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kernel.models import Base, Id, Json
from kernel.tenancy import TenantScoped
from kernel.types import UtcDateTime


class Connector(TenantScoped, Base):
    """One link to another system: an inbound or outbound webhook, an MQTT broker, an HTTP API.

    The secret is stored encrypted (``connectors.secrets``) and shown only once, when the
    connector is created.
    """

    __tablename__ = "connector"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        CheckConstraint("kind in ('webhook_in','webhook_out','mqtt','http')", name="kind"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    #: Random, unguessable id in the inbound URL ``/api/v1/hooks/{public_id}``.
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    #: Outbound URL, or ``mqtt://host:port`` / ``mqtts://host:port`` for a broker.
    endpoint: Mapped[str | None] = mapped_column(String(500), nullable=True)
    #: Mapping, MQTT subscriptions, HTTP method and headers, timeout (see docs/connectors.md).
    config: Mapped[dict[str, Any]] = mapped_column(Json)
    #: Fernet token of the secret; never leaves the server in clear after creation.
    secret_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)
    max_attempts: Mapped[int] = mapped_column(Integer, default=6)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Set when the connector is deleted (soft: its deliveries and receipts stay).
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    #: When the secret was last replaced (``None``: the one made at creation).
    secret_rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class AllowedHost(TenantScoped, Base):
    """A host this tenant's connectors may reach; private addresses need ``allow_private``."""

    __tablename__ = "connector_allowed_host"
    __table_args__ = (UniqueConstraint("tenant_id", "host"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    host: Mapped[str] = mapped_column(String(255))
    allow_private: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Subscription(TenantScoped, Base):
    """Send every event of ``event_type`` through an outbound connector."""

    __tablename__ = "connector_subscription"
    __table_args__ = (UniqueConstraint("tenant_id", "connector_id", "event_type"),
                      Index("ix_connector_subscription_type", "tenant_id", "event_type"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    connector_id: Mapped[int] = mapped_column(Id, ForeignKey("connector.id", ondelete="CASCADE"))
    event_type: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Receipt(TenantScoped, Base):
    """An inbound message accepted once: the unique (connector, message id) is the replay wall."""

    __tablename__ = "connector_receipt"
    __table_args__ = (UniqueConstraint("connector_id", "message_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    connector_id: Mapped[int] = mapped_column(Id, ForeignKey("connector.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Rejection(TenantScoped, Base):
    """An inbound request refused (bad signature, stale, unmappable): only this is kept."""

    __tablename__ = "connector_rejection"
    __table_args__ = (Index("ix_connector_rejection_connector", "tenant_id", "connector_id",
                            "id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    connector_id: Mapped[int] = mapped_column(Id, ForeignKey("connector.id", ondelete="CASCADE"))
    message_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reason: Mapped[str] = mapped_column(String(60))
    #: Why, in words (e.g. which JSON Schema rule the payload broke); never the payload.
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Delivery(TenantScoped, Base):
    """One outbound message (webhook, MQTT publish, HTTP call), sent until it succeeds or dies.

    Written in the transaction of the event that caused it; sent later by the connectors
    runtime in the worker process. ``next_attempt_at`` is the durable retry schedule.
    """

    __tablename__ = "connector_delivery"
    __table_args__ = (
        CheckConstraint("status in ('pending','delivered','dead')", name="status"),
        Index("ix_connector_delivery_due", "status", "next_attempt_at"),
        Index("ix_connector_delivery_tenant", "tenant_id", "status", "id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    #: Public id; also the ``webhook-id`` header, the same on every retry.
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True)
    connector_id: Mapped[int] = mapped_column(Id, ForeignKey("connector.id", ondelete="CASCADE"))
    event_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    #: URL or MQTT topic.
    target: Mapped[str] = mapped_column(String(500))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class DeliveryAttempt(TenantScoped, Base):
    """The delivery log: one row per attempt with its outcome and response code."""

    __tablename__ = "connector_delivery_attempt"
    __table_args__ = (Index("ix_connector_delivery_attempt_delivery", "delivery_pk", "attempt"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    delivery_pk: Mapped[int] = mapped_column(
        Id, ForeignKey("connector_delivery.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer)
    attempted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: "delivered", "failed" or "refused" (egress not allowed; not retried).
    outcome: Mapped[str] = mapped_column(String(10))
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
