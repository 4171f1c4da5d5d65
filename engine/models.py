"""Tables of the engine: rule-set versions, the inbox of alerts, short-window state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kernel.models import Base, Id, Json
from kernel.tenancy import TenantScoped
from kernel.types import UtcDateTime


class RuleSetVersion(TenantScoped, Base):
    """One immutable version of a tenant's rule set, identified by its IR hash.

    The governance issue adds the review workflow; here a version is stored, and the one
    in ``production`` is what the workers evaluate.
    """

    __tablename__ = "rule_set_version"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name", "version_hash"),
        CheckConstraint("state in ('draft','sandbox','shadow','awaiting_review','production',"
                        "'retired')", name="state"),
        Index("ix_rule_set_version_state", "tenant_id", "state"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80))
    version_hash: Mapped[str] = mapped_column(String(64))
    #: The rule text as the author wrote it (formatted).
    source: Mapped[str] = mapped_column(Text)
    #: The canonical IR (what the canvas reads and the hash is taken of).
    ir: Mapped[dict[str, Any]] = mapped_column(Json)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    author: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InboxMessage(TenantScoped, Base):
    """An alert or notification for a role or a user, with the rule that raised it."""

    __tablename__ = "inbox_message"
    __table_args__ = (
        Index("ix_inbox_message_recipient", "tenant_id", "recipient", "id"),
        CheckConstraint("kind in ('alert','notify')", name="kind"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    #: ``role:sales_manager`` or ``user:li``.
    recipient: Mapped[str] = mapped_column(String(120))
    message: Mapped[str] = mapped_column(Text)
    event_id: Mapped[str] = mapped_column(String(36))
    rule_id: Mapped[str] = mapped_column(String(80))
    rule_version: Mapped[str] = mapped_column(String(64))
    rule_node: Mapped[str] = mapped_column(String(240))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class WindowState(TenantScoped, Base):
    """Short correlation-window state of one rule of one rule set and one correlation key,
    saved with the event it came from (see :mod:`engine.window_store`)."""

    __tablename__ = "window_state"
    __table_args__ = (UniqueConstraint("tenant_id", "rule_set", "rule_id", "key"),
                      Index("ix_window_state_expires_at", "expires_at"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    #: The rule set's name ('' for rows of before migration 0024 whose owner was unknown).
    rule_set: Mapped[str] = mapped_column(String(80), server_default="")
    rule_id: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(200))
    state: Mapped[list[Any]] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: When the state stops mattering (a count window's last event time + its span); the
    #: sweep deletes rows past it. ``None``: a sustained window, kept while it holds.
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class RuleWrite(TenantScoped, Base):
    """Something a rule changed outside the ledger (a field, a document, a freeze, an event),
    with the event, rule, version and node that changed it.

    Ledger rows carry their provenance in their own columns; every other write of the
    production executor leaves one of these, so "why is this receipt frozen?" and "which
    rule drafted this purchase order?" have an answer.
    """

    __tablename__ = "rule_write"
    __table_args__ = (Index("ix_rule_write_target", "tenant_id", "target", "id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    #: The action: set, create_document, freeze, unfreeze, emit_event, release.
    action: Mapped[str] = mapped_column(String(20))
    #: What was written, e.g. ``receipt:RC-1``, ``item:TEA-1``, ``purchase_order:PO-…``.
    target: Mapped[str] = mapped_column(String(200))
    #: ``applied`` or ``already done`` (the document had done it: recorded, nothing changed).
    outcome: Mapped[str] = mapped_column(String(20))
    #: Field, old and new value, the new document's number, the emitted event's id, …
    detail: Mapped[dict[str, Any]] = mapped_column(Json)
    event_id: Mapped[str] = mapped_column(String(36))
    rule_id: Mapped[str] = mapped_column(String(80))
    rule_version: Mapped[str] = mapped_column(String(64))
    rule_node: Mapped[str] = mapped_column(String(240))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
