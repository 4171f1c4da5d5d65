"""Versions under governance: create, look up, move through the lifecycle, audit every act.

Every write here runs in the caller's tenant-scoped session; every act appends one row to
the append-only audit log in the same transaction, so the log and the change commit or
roll back together.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsl import SchemaRegistry
from engine.canonical import from_data
from engine.governance.cycles import refuse_cycles
from engine.facts.interest import forget_interest
from engine.governance.divergence_gate import require_evidence
from engine.governance.errors import (
    InvalidVersionTransition,
    RuleTestsNotPassed,
    VersionNotFound,
)
from engine.governance.lifecycle import VersionState, check_transition
from engine.governance.models import AuditEntry, RuleTestRun, VersionGovernance
from engine.governance.rule_tests import run_rule_tests
from engine.ir import RuleSet
from engine.models import RuleSetVersion
from engine.rulesets import PlanCache, save_version
from engine.schema_store import tenant_registry


def audit(session: Session, version: RuleSetVersion | None, act: str, actor: str,
          now: datetime, *, rule_set: str | None = None, from_state: str | None = None,
          to_state: str | None = None, comment: str = "",
          detail: dict[str, Any] | None = None) -> None:
    """Append one row to the audit log (never updated, never deleted)."""
    tenant_id = version.tenant_id if version else session.info["tenant_id"]
    session.add(AuditEntry(
        tenant_id=tenant_id, rule_set=rule_set or (version.name if version else ""),
        version_id=version.id if version else None, act=act, actor=actor,
        from_state=from_state, to_state=to_state, comment=comment, detail=detail or {},
        created_at=now))


def get_version(session: Session, version_id: int) -> RuleSetVersion:
    """The version ``version_id`` of the session's tenant.

    Raises:
        VersionNotFound: no such version in this tenant.
    """
    row = session.scalar(select(RuleSetVersion).where(RuleSetVersion.id == version_id))
    if row is None:
        raise VersionNotFound(version_id=version_id)
    return row


def rule_set_of(version: RuleSetVersion) -> RuleSet:
    """The IR of ``version``."""
    rule_set = from_data(version.ir)
    assert isinstance(rule_set, RuleSet)
    return rule_set


def governance_of(session: Session, version: RuleSetVersion) -> VersionGovernance:
    """The governance row of ``version`` (made on first use for versions saved elsewhere)."""
    row = session.get(VersionGovernance, version.id)
    if row is None:
        row = VersionGovernance(tenant_id=version.tenant_id, version_id=version.id,
                                state_changed_at=version.created_at)
        session.add(row)
        session.flush()
    return row


def create_version(session: Session, tenant_id: int, name: str, source: str,
                   registry: SchemaRegistry, author: str, now: datetime) -> RuleSetVersion:
    """Check and store rule text as a draft version (the same rules give the same version).

    Raises:
        DslSyntaxError, DslCheckError: the text is not a valid rule file.
        EmitCycle: its rules emit events in a loop with the tenant's production rules.
    """
    before = session.scalar(select(func.count()).select_from(RuleSetVersion)) or 0
    version = save_version(session, tenant_id, name, source, registry, author, now)
    refuse_cycles(session, version)
    governance_of(session, version)
    after = session.scalar(select(func.count()).select_from(RuleSetVersion)) or 0
    if after > before:
        audit(session, version, "created", author, now, to_state=version.state,
              detail={"version_hash": version.version_hash})
    return version


def list_versions(session: Session, name: str | None) -> list[RuleSetVersion]:
    """Versions of the session's tenant, newest first, optionally of one rule set."""
    stmt = select(RuleSetVersion).order_by(RuleSetVersion.id.desc())
    if name:
        stmt = stmt.where(RuleSetVersion.name == name)
    return list(session.scalars(stmt))


def run_tests(session: Session, version: RuleSetVersion, text: str, actor: str,
              now: datetime, cache: PlanCache) -> RuleTestRun:
    """Run the TOML rule tests against ``version`` and keep the results.

    Raises:
        BadRuleTests: the file is not valid (nothing is kept).
    """
    results = run_rule_tests(cache.plan(version), text, tenant_registry(session))
    failed = sum(1 for r in results if not r.is_passed)
    run = RuleTestRun(tenant_id=version.tenant_id, version_id=version.id,
                      is_passed=failed == 0, total=len(results), failed=failed, source=text,
                      results=[r.as_dict() for r in results], actor=actor, ran_at=now)
    session.add(run)
    audit(session, version, "tested", actor, now,
          detail={"total": len(results), "failed": failed})
    session.flush()
    return run


def latest_test_run(session: Session, version: RuleSetVersion) -> RuleTestRun | None:
    """The most recent rule-test run of ``version``."""
    return session.scalar(select(RuleTestRun).where(RuleTestRun.version_id == version.id)
                          .order_by(RuleTestRun.id.desc()).limit(1))


def set_state(session: Session, version: RuleSetVersion, target: str, actor: str,
              now: datetime, comment: str = "", act: str = "transition",
              detail: dict[str, Any] | None = None) -> None:
    """Move ``version`` to ``target`` (already checked) and audit it."""
    before = version.state
    version.state = target
    governance_of(session, version).state_changed_at = now
    audit(session, version, act, actor, now, from_state=before, to_state=target,
          comment=comment, detail=detail)
    session.flush()
    forget_interest(version.tenant_id)


def advance(session: Session, version: RuleSetVersion, target: str, actor: str,
            now: datetime, *, shadow_hours: int = 72, comment: str = "") -> RuleSetVersion:
    """Move a version one step that needs no review: to sandbox, shadow, awaiting review,
    back to draft, or retired. Production is reached only through review (``review``).

    Raises:
        InvalidVersionTransition: the state table does not allow it, or it needs review.
        RuleTestsNotPassed: leaving draft without a green rule-test run.
        NoShadowEvidence: asking for review before the live shadow covered its window
            (tenant time) or a replay of as many hours finished.
    """
    wanted = check_transition(version.id, version.state, target)
    if wanted is VersionState.PRODUCTION:
        raise InvalidVersionTransition(version_id=version.id, state=version.state,
                                       target=target, allowed="approval by a reviewer")
    if version.state == VersionState.DRAFT and wanted is VersionState.SANDBOX:
        run = latest_test_run(session, version)
        if run is None or not run.is_passed:
            reason = ("no rule tests were run", "尚未运行规则测试") if run is None else (
                f"{run.failed} of {run.total} rule tests failed",
                f"{run.total} 个规则测试中有 {run.failed} 个未通过")
            raise RuleTestsNotPassed(version_id=version.id, reason=reason[0],
                                     reason_zh=reason[1])
    if wanted is VersionState.AWAITING_REVIEW:
        require_evidence(session, version, now, shadow_hours)
    row = governance_of(session, version)
    row.shadow_until = now + timedelta(hours=shadow_hours) if wanted is VersionState.SHADOW \
        else None
    set_state(session, version, wanted.value, actor, now, comment)
    return version


def audit_log(session: Session, version: RuleSetVersion | None, offset: int, limit: int
              ) -> tuple[list[AuditEntry], int]:
    """Audit rows of the tenant (or of one version), oldest first."""
    stmt = select(AuditEntry)
    if version is not None:
        stmt = stmt.where(AuditEntry.version_id == version.id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(AuditEntry.id).offset(offset).limit(limit))
    return list(rows), total
