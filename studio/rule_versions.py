"""Rule-set versions as the studio sees them: list, submit, and what the governance pages
read beside the governance service (last test text, newest replay, production version).

This is the one seam between the studio pages and version governance
(``engine.governance``): a submitted text becomes a draft version, which then walks
draft → sandbox (green rule tests) → shadow (or a replay) → awaiting review → production,
the last step only by a reviewer who did not write it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsl import SchemaRegistry
from engine.governance import versions
from engine.governance.models import ReplayJob
from engine.governance.replay import baseline_of
from engine.governance.views import replay_view
from engine.models import RuleSetVersion
from kernel.security import Permission, Principal
from studio.errors import RuleVersionNotFound

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
    """Store rule text as a draft version of ``name`` (the same text gives the same version).

    Raises:
        DslSyntaxError, DslCheckError: the text is not a valid rule file.
    """
    return _view(versions.create_version(session, principal.tenant_id, name, source, registry,
                                         _actor(principal), now))


def _actor(principal: Principal) -> str:
    """The one name governance compares authors and reviewers by (``user:…``/``token:…``)."""
    return principal.actor


def can_approve(principal: Principal, version: VersionView) -> bool:
    """Whether the approve button is shown: a reviewer who is not the author, in review."""
    return (Permission.RULES_REVIEW in principal.permissions
            and version.author != _actor(principal)
            and version.state == "awaiting_review")


def last_test_source(session: Session, version_id: int) -> str | None:
    """The TOML text of the version's latest rule-test run (None before the first run)."""
    run = versions.latest_test_run(session, _row(session, version_id))
    return run.source if run else None


def events_of(session: Session, version_id: int) -> list[str]:
    """The events the version's rules listen to, in order."""
    return sorted({rule.trigger for rule in versions.rule_set_of(_row(session, version_id)).rules})


def latest_replay(session: Session, version_id: int) -> dict[str, Any] | None:
    """The version's newest replay job, whatever its status (None before the first)."""
    job = session.scalar(select(ReplayJob).where(ReplayJob.version_id == version_id)
                         .order_by(ReplayJob.id.desc()).limit(1))
    return replay_view(job) if job else None


def production_of(session: Session, version_id: int) -> VersionView | None:
    """The production version (for everyone) of the rule set ``version_id`` belongs to,
    when it is another version: what a review compares against."""
    baseline = baseline_of(session, _row(session, version_id))
    return _view(baseline) if baseline else None
