"""Tables of governance: per-version state, rule-test runs, reviews, the audit log, shadow
journal, replay jobs, conflict acknowledgements and rule-set policies."""

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

from engine.models import InboxMessage
from inventory.models import LedgerEntry
from kernel.models import Base, Id, Json, OutboxEvent
from kernel.tenancy import TenantScoped
from kernel.types import UtcDateTime

_VERSION_FK = "rule_set_version.id"


class VersionGovernance(TenantScoped, Base):
    """What governance knows of one version beyond its text: times, rollout, override."""

    __tablename__ = "version_governance"
    version_id: Mapped[int] = mapped_column(Id, ForeignKey(_VERSION_FK), primary_key=True)
    state_changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: While in shadow: live shadowing runs until this moment.
    shadow_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    #: Gray release: ``{"warehouses": [...], "channels": [...], "percent": 30}``; None = all.
    rollout: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)
    #: The production version this one replaced (what a rollback goes back to).
    previous_version_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    promoted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    #: A reviewer's written reason to promote despite divergence above the limit.
    override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    override_by: Mapped[str | None] = mapped_column(String(120), nullable=True)


class RuleSetPolicy(TenantScoped, Base):
    """Per rule set: how many distinct reviewers must approve (1 or 2)."""

    __tablename__ = "rule_set_policy"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),
                      CheckConstraint("approvals_required in (1, 2)", name="approvals"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80))
    approvals_required: Mapped[int] = mapped_column(Integer, default=1)


class RuleTestRun(TenantScoped, Base):
    """One run of a version's rule tests, kept with every case's result."""

    __tablename__ = "rule_test_run"
    __table_args__ = (Index("ix_rule_test_run_version", "tenant_id", "version_id", "id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(Id, ForeignKey(_VERSION_FK))
    is_passed: Mapped[bool] = mapped_column(Boolean)
    total: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    results: Mapped[list[Any]] = mapped_column(Json)
    actor: Mapped[str] = mapped_column(String(120))
    ran_at: Mapped[datetime] = mapped_column(UtcDateTime())


class VersionReview(TenantScoped, Base):
    """A reviewer's verdict on a version awaiting review."""

    __tablename__ = "version_review"
    __table_args__ = (CheckConstraint("verdict in ('approve','reject')", name="verdict"),
                      Index("ix_version_review_version", "tenant_id", "version_id"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(Id, ForeignKey(_VERSION_FK))
    reviewer: Mapped[str] = mapped_column(String(120))
    verdict: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditEntry(TenantScoped, Base):
    """Append-only record of every governance act (the database refuses UPDATE/DELETE)."""

    __tablename__ = "governance_audit"
    __table_args__ = (Index("ix_governance_audit_version", "tenant_id", "version_id", "id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    rule_set: Mapped[str] = mapped_column(String(80))
    version_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    #: created, tested, transition, approve, reject, override, acknowledge, rollout, rollback
    act: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(120))
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ShadowJournal(TenantScoped, Base):
    """What a candidate would have done with one event, beside what production did."""

    __tablename__ = "shadow_journal"
    __table_args__ = (Index("ix_shadow_journal_version", "tenant_id", "version_id", "id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(Id, ForeignKey(_VERSION_FK))
    event_id: Mapped[str] = mapped_column(String(36))
    production_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: Action summaries: ``[{"kind", "node", "lines": [{"sku", "qty"}]}]``.
    production_actions: Mapped[list[Any]] = mapped_column(Json)
    candidate_actions: Mapped[list[Any]] = mapped_column(Json)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReplayJob(TenantScoped, Base):
    """A fast replay of recorded events through production and a candidate, with progress."""

    __tablename__ = "replay_job"
    __table_args__ = (CheckConstraint("status in ('queued','running','done','failed')",
                                      name="status"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(Id, ForeignKey(_VERSION_FK))
    baseline_version_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    window_from: Mapped[datetime] = mapped_column(UtcDateTime())
    window_to: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ConflictAck(TenantScoped, Base):
    """A reviewer or author has seen a rule conflict and accepts it (with a reason)."""

    __tablename__ = "conflict_ack"
    __table_args__ = (UniqueConstraint("tenant_id", "version_id", "conflict_key"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(Id, ForeignKey(_VERSION_FK))
    conflict_key: Mapped[str] = mapped_column(String(250))
    actor: Mapped[str] = mapped_column(String(120))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


#: Lineage asks "what did this event cause?" and walks ledger rows and alerts by their cause.
Index("ix_ledger_entry_cause", LedgerEntry.tenant_id, LedgerEntry.cause_event_id)
Index("ix_inbox_message_event", InboxMessage.tenant_id, InboxMessage.event_id)
#: A replay reads one tenant's events of a time window in the order they happened.
Index("ix_outbox_event_occurred", OutboxEvent.tenant_id, OutboxEvent.occurred_at,
      OutboxEvent.id)

__all__ = ["AuditEntry", "ConflictAck", "ReplayJob", "RuleSetPolicy", "RuleTestRun",
           "ShadowJournal", "VersionGovernance", "VersionReview"]
