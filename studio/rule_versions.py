"""Rule-set versions as the studio sees them: list, submit for review, approve.

This is the one seam between the studio and version governance. Today it stores versions
with ``engine.rulesets`` (draft → awaiting_review → production); the governance issue
(sandbox tests, shadow, lineage) replaces the bodies of these functions, not their callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsl import SchemaRegistry
from engine.models import RuleSetVersion
from engine.rulesets import put_in_production, save_version
from kernel.security import Permission, Principal
from studio.errors import NotAwaitingReview, RuleVersionNotFound, SelfApproval

#: States in the order a version moves through them (governance adds sandbox and shadow).
STATES = ("draft", "sandbox", "shadow", "awaiting_review", "production", "retired")


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionView:
    """One version as pages and the API show it."""

    id: int
    name: str
    version_hash: str
    state: str
    author: str
    created_at: datetime
    source: str


def _view(row: RuleSetVersion) -> VersionView:
    return VersionView(id=row.id, name=row.name, version_hash=row.version_hash, state=row.state,
                       author=row.author, created_at=row.created_at, source=row.source)


def list_versions(session: Session, name: str | None = None, state: str | None = None
                  ) -> list[VersionView]:
    """Versions of the session's tenant, by rule set then newest first."""
    stmt = select(RuleSetVersion)
    if name:
        stmt = stmt.where(RuleSetVersion.name == name)
    if state:
        stmt = stmt.where(RuleSetVersion.state == state)
    rows = session.scalars(stmt.order_by(RuleSetVersion.name, RuleSetVersion.id.desc()))
    return [_view(r) for r in rows]


def get_version(session: Session, version_id: int) -> VersionView:
    """One version of the session's tenant.

    Raises:
        RuleVersionNotFound: no such version in the tenant.
    """
    return _view(_row(session, version_id))


def _row(session: Session, version_id: int) -> RuleSetVersion:
    row = session.get(RuleSetVersion, version_id)
    if row is None:
        raise RuleVersionNotFound(kind="rule-set version", kind_zh="规则集版本", key=version_id)
    return row


def submit(session: Session, principal: Principal, name: str, source: str,
           registry: SchemaRegistry, now: datetime) -> VersionView:
    """Store rule text as a version of ``name`` and put it in the review queue.

    Raises:
        DslSyntaxError, DslCheckError: the text is not a valid rule file.
    """
    row = save_version(session, principal.tenant_id, name, source, registry,
                       principal.username or principal.actor, now)
    if row.state == "draft":
        row.state = "awaiting_review"
        session.flush()
    return _view(row)


def approve(session: Session, principal: Principal, version_id: int) -> VersionView:
    """Approve a version waiting for review: it becomes the production version of its set.

    Raises:
        RuleVersionNotFound: no such version in the tenant.
        SelfApproval: the caller wrote this version.
        NotAwaitingReview: the version is not in the review queue.
    """
    row = _row(session, version_id)
    context = {"name": row.name, "version": row.version_hash[:12]}
    if row.author == (principal.username or principal.actor):
        raise SelfApproval(**context)
    if row.state != "awaiting_review":
        raise NotAwaitingReview(state=row.state, **context)
    put_in_production(session, row)
    return _view(row)


def can_approve(principal: Principal, version: VersionView) -> bool:
    """Whether the approve button is shown: a reviewer who is not the author, in review."""
    return (Permission.RULES_REVIEW in principal.permissions
            and version.author != (principal.username or principal.actor)
            and version.state == "awaiting_review")
