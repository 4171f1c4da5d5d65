"""Tables of the kernel: tenants, users, access tokens, the outbox and idempotency records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kernel.tenancy import TenantScoped
from kernel.types import UtcDateTime

# Stable constraint names so Alembic's batch mode on SQLite can find them again.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Portable JSON (JSONB-like on PostgreSQL, TEXT on SQLite).
Json = JSON()
#: BigInteger that is still SQLite's ROWID alias (autoincrement needs INTEGER there).
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base of every jxcflow table."""

    metadata = MetaData(naming_convention=NAMING)


class Tenant(Base):
    """A company using jxcflow; every business row points at one."""

    __tablename__ = "tenant"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: A sandbox tenant tries rules on its own data and may move its own clock forward.
    is_sandbox: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: How far a sandbox tenant's clock runs ahead of the product's clock (0 in production).
    clock_offset_seconds: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class User(TenantScoped, Base):
    """A person who signs in to one tenant with one role."""

    __tablename__ = "app_user"
    __table_args__ = (
        UniqueConstraint("tenant_id", "username"),
        CheckConstraint("role in ('admin','author','reviewer','warehouse','quality','viewer')",
                        name="role"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AccessToken(TenantScoped, Base):
    """A bearer token: a user's session token or a system's API token with scopes.

    Only the SHA-256 of the token is stored; the token itself is shown once.
    """

    __tablename__ = "access_token"
    __table_args__ = (CheckConstraint("kind in ('session','api')", name="kind"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    scopes: Mapped[list[str]] = mapped_column(Json, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class OutboxEvent(TenantScoped, Base):
    """A domain event appended in the same transaction as the change that raised it."""

    __tablename__ = "outbox_event"
    __table_args__ = (
        Index("ix_outbox_event_pending", "status", "id"),
        CheckConstraint("status in ('pending','done','parked')", name="status"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    #: Events of one key (SKU × warehouse, or one document) are processed in order.
    key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class IdempotencyRecord(TenantScoped, Base):
    """The first result of a command sent with an ``Idempotency-Key``."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200))
    command: Mapped[str] = mapped_column(String(60))
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


#: Added by the engine runtime (0003): "is an earlier event of this key still pending?" is
#: asked once per handled event, so it must not scan the whole pending queue.
Index("ix_outbox_event_key", OutboxEvent.tenant_id, OutboxEvent.key, OutboxEvent.id)


class Effect(TenantScoped, Base):
    """An action a worker applied, recorded once so a redelivered event changes nothing.

    ``effect_key`` is the event id + rule version hash + node id (see
    ``engine.dispatch.claim_effect``); the unique constraint is the idempotency wall.
    """

    __tablename__ = "effect"
    __table_args__ = (UniqueConstraint("tenant_id", "effect_key"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    effect_key: Mapped[str] = mapped_column(String(320))
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OutboxRetry(TenantScoped, Base):
    """When an event that failed may be tried again (the embedded worker's backoff)."""

    __tablename__ = "outbox_retry"
    outbox_id: Mapped[int] = mapped_column(
        Id, ForeignKey("outbox_event.id", ondelete="CASCADE"), primary_key=True)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DurableTimer(TenantScoped, Base):
    """A long timer ("not shipped within 48 h", a hold's expiry) kept in the database.

    It fires once: the worker moves it from ``armed`` to ``fired`` with a conditional
    update in the same transaction that appends its ``timer.fired`` event.
    """

    __tablename__ = "durable_timer"
    __table_args__ = (
        Index("ix_durable_timer_due", "status", "fire_at"),
        Index("ix_durable_timer_key", "tenant_id", "key"),
        CheckConstraint("status in ('armed','fired','cancelled')", name="status"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    #: What the timer waits for, e.g. ``sales_order:SO-1:not_shipped``; cancel uses it.
    key: Mapped[str] = mapped_column(String(200))
    fire_at: Mapped[datetime] = mapped_column(UtcDateTime())
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    status: Mapped[str] = mapped_column(String(10), default="armed")
    armed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: When it fired or was cancelled.
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


__all__ = ["AccessToken", "Base", "DurableTimer", "Effect", "IdempotencyRecord", "OutboxEvent",
           "OutboxRetry", "Tenant", "User"]


class PeriodicOccurrence(TenantScoped, Base):
    """One occurrence of a periodic job for one tenant, claimed by whoever runs it.

    The row is inserted in the same transaction as the job's work: the unique key
    (tenant, job, occurrence time) lets exactly one worker commit it, however many try.
    ``status`` is ``done`` (the work ran) or ``skipped`` (an anchor: a sandbox clock advance
    starts counting after it, so that nothing before the advance is invented).
    """

    __tablename__ = "periodic_occurrence"
    __table_args__ = (
        UniqueConstraint("tenant_id", "job", "occurrence_at"),
        CheckConstraint("status in ('done','skipped')", name="status"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(80))
    #: The occurrence's time on the tenant's clock (a point of the job's schedule).
    occurrence_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(10), default="done")
    #: The tenant's time when it ran (later than the occurrence after a clock advance).
    ran_at: Mapped[datetime] = mapped_column(UtcDateTime())
