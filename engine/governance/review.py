"""Review and release: approve or reject, promote (fully or to a gray share), widen, roll back.

The gates before production, in order: the reviewer is not the author; enough distinct
reviewers approved (the rule set's policy: 1 or 2); every rule conflict is acknowledged;
shadow divergence is within the limit or a reviewer wrote an override reason.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.governance import conflict_check
from engine.governance.cycles import refuse_cycles
from engine.governance.divergence import exceeds
from engine.governance.divergence_gate import evidence
from engine.governance.errors import (
    AlreadyReviewed,
    ConflictsNotAcknowledged,
    DivergenceTooHigh,
    InvalidVersionTransition,
    NoPreviousVersion,
    SelfApproval,
)
from engine.governance.lifecycle import VersionState, allowed_next, check_transition
from engine.governance.models import ConflictAck, RuleSetPolicy, VersionReview
from engine.governance.rollout import validate_rollout
from engine.governance.versions import audit, governance_of, set_state
from engine.models import RuleSetVersion


def _allowed_text(state: str) -> str:
    return ", ".join(s.value for s in allowed_next(state)) or "none"


def approvals_required(session: Session, name: str) -> int:
    """How many distinct reviewers must approve a version of rule set ``name``."""
    policy = session.scalar(select(RuleSetPolicy).where(RuleSetPolicy.name == name))
    return policy.approvals_required if policy else 1


def set_policy(session: Session, tenant_id: int, name: str, approvals: int, actor: str,
               now: datetime) -> RuleSetPolicy:
    """Require one or two approvers for rule set ``name``."""
    policy = session.scalar(select(RuleSetPolicy).where(RuleSetPolicy.name == name))
    if policy is None:
        policy = RuleSetPolicy(tenant_id=tenant_id, name=name, approvals_required=approvals)
        session.add(policy)
    policy.approvals_required = approvals
    audit(session, None, "policy", actor, now, rule_set=name,
          detail={"approvals_required": approvals})
    session.flush()
    return policy


def _approvers(session: Session, version: RuleSetVersion) -> set[str]:
    return set(session.scalars(select(VersionReview.reviewer).where(
        VersionReview.version_id == version.id, VersionReview.verdict == "approve")))


def unacknowledged(session: Session, version: RuleSetVersion) -> list[str]:
    """Keys of the version's rule conflicts (with every other rule set in production, on the
    tenant's SKUs) nobody has acknowledged yet."""
    keys = [c.key for c in conflict_check.check(session, version).conflicts]
    acked = set(session.scalars(select(ConflictAck.conflict_key)
                                .where(ConflictAck.version_id == version.id)))
    return [k for k in keys if k not in acked]


def acknowledge(session: Session, version: RuleSetVersion, key: str, actor: str,
                comment: str, now: datetime) -> ConflictAck:
    """Record that ``actor`` has seen conflict ``key`` and accepts it."""
    found = session.scalar(select(ConflictAck).where(ConflictAck.version_id == version.id,
                                                     ConflictAck.conflict_key == key))
    if found is not None:
        return found
    row = ConflictAck(tenant_id=version.tenant_id, version_id=version.id, conflict_key=key,
                      actor=actor, comment=comment, created_at=now)
    session.add(row)
    audit(session, version, "acknowledge", actor, now, comment=comment,
          detail={"conflict": key})
    session.flush()
    return row


def _production_of(session: Session, name: str, *, full: bool) -> list[RuleSetVersion]:
    rows = session.scalars(select(RuleSetVersion).where(
        RuleSetVersion.name == name, RuleSetVersion.state == "production")
        .order_by(RuleSetVersion.id))
    return [r for r in rows if (governance_of(session, r).rollout is None) == full]


def _gates(session: Session, version: RuleSetVersion, reviewer: str, override: str | None,
           limit: Decimal) -> dict[str, Any] | None:
    open_conflicts = unacknowledged(session, version)
    if open_conflicts:
        raise ConflictsNotAcknowledged(version_id=version.id, count=len(open_conflicts),
                                       keys=", ".join(open_conflicts))
    if not _production_of(session, version.name, full=True):
        return None  # a first version has no production to diverge from
    report = evidence(session, version, limit)
    if report is None:
        return None
    above = exceeds(report["ratio"], Decimal(report["difference_qty"]), limit)
    if above and not (override and override.strip()):
        shown = "unbounded" if report["ratio"] is None else \
            f"{Decimal(report['ratio']) * 100:.2f}%"
        raise DivergenceTooHigh(version_id=version.id, divergence=shown,
                                limit=f"{limit * 100:.2f}%")
    return report if above else None


def approve(session: Session, version: RuleSetVersion, reviewer: str, comment: str,
            now: datetime, *, limit: Decimal = Decimal("0.05"),
            override_reason: str | None = None, rollout: dict[str, Any] | None = None
            ) -> RuleSetVersion:
    """Approve a version awaiting review; the last required approval promotes it.

    Raises:
        InvalidVersionTransition: the version is not awaiting review.
        SelfApproval: the reviewer wrote the version (403).
        AlreadyReviewed: this reviewer already approved it.
        ConflictsNotAcknowledged, DivergenceTooHigh: a promotion gate is closed.
        BadRollout: the gray-release spec is invalid.
        EmitCycle: promoting it would close an emit loop with production's rules.
    """
    check_transition(version.id, version.state, VersionState.PRODUCTION)
    if version.author == reviewer:
        raise SelfApproval(reviewer=reviewer, version_id=version.id)
    approvers = _approvers(session, version)
    if reviewer in approvers:
        raise AlreadyReviewed(reviewer=reviewer, version_id=version.id)
    spec = validate_rollout(rollout)
    final = len(approvers) + 1 >= approvals_required(session, version.name)
    overridden = _gates(session, version, reviewer, override_reason, limit) \
        if final else None
    session.add(VersionReview(tenant_id=version.tenant_id, version_id=version.id,
                              reviewer=reviewer, verdict="approve", comment=comment,
                              created_at=now))
    audit(session, version, "approve", reviewer, now, comment=comment)
    if overridden is not None:
        row = governance_of(session, version)
        row.override_reason, row.override_by = override_reason, reviewer
        audit(session, version, "override", reviewer, now, comment=override_reason or "",
              detail={"ratio": overridden["ratio"], "source": overridden["source"]})
    if final:
        refuse_cycles(session, version)  # production may have changed since it was saved
        promote(session, version, reviewer, now, spec)
    session.flush()
    return version


def reject(session: Session, version: RuleSetVersion, reviewer: str, comment: str,
           now: datetime) -> RuleSetVersion:
    """Send a version awaiting review back to draft, with the reviewer's comment.

    Raises:
        InvalidVersionTransition: the version is not awaiting review.
    """
    if version.state != VersionState.AWAITING_REVIEW:
        raise InvalidVersionTransition(version_id=version.id, state=version.state,
                                       target="draft (rejected)",
                                       allowed=_allowed_text(version.state))
    session.add(VersionReview(tenant_id=version.tenant_id, version_id=version.id,
                              reviewer=reviewer, verdict="reject", comment=comment,
                              created_at=now))
    set_state(session, version, VersionState.DRAFT.value, reviewer, now, comment, act="reject")
    return version


def promote(session: Session, version: RuleSetVersion, actor: str, now: datetime,
            rollout: dict[str, Any] | None, act: str = "promote") -> None:
    """Put ``version`` in production for everyone (retiring the previous full version) or
    for a gray share (the previous one keeps the rest)."""
    row = governance_of(session, version)
    for gray in _production_of(session, version.name, full=False):
        if gray.id != version.id:  # one gray candidate at a time
            set_state(session, gray, VersionState.RETIRED.value, actor, now, act="superseded")
    current = _production_of(session, version.name, full=True)
    if current and current[-1].id != version.id:
        row.previous_version_id = current[-1].id
    row.rollout, row.promoted_at = rollout, now
    set_state(session, version, VersionState.PRODUCTION.value, actor, now, act=act,
              detail={"rollout": rollout})
    if rollout is None:
        _retire_others(session, version, actor, now)


def _retire_others(session: Session, version: RuleSetVersion, actor: str, now: datetime
                   ) -> None:
    for other in _production_of(session, version.name, full=True):
        if other.id != version.id:
            set_state(session, other, VersionState.RETIRED.value, actor, now, act="superseded")


def widen(session: Session, version: RuleSetVersion, actor: str, now: datetime,
          rollout: dict[str, Any] | None) -> RuleSetVersion:
    """Change a gray version's share; None (or 100 %) makes it production for everyone.

    Raises:
        InvalidVersionTransition: the version is not in production.
        BadRollout: the spec is invalid.
    """
    if version.state != VersionState.PRODUCTION:
        raise InvalidVersionTransition(version_id=version.id, state=version.state,
                                       target="a wider rollout",
                                       allowed=_allowed_text(version.state))
    spec = validate_rollout(rollout)
    governance_of(session, version).rollout = spec
    audit(session, version, "rollout", actor, now, detail={"rollout": spec})
    if spec is None:
        _retire_others(session, version, actor, now)
    session.flush()
    return version


def rollback(session: Session, name: str, actor: str, now: datetime, reason: str
             ) -> RuleSetVersion:
    """Retire the newest production version of ``name`` and bring back the one it replaced.

    Raises:
        NoPreviousVersion: nothing to go back to.
    """
    live = session.scalars(select(RuleSetVersion).where(
        RuleSetVersion.name == name, RuleSetVersion.state == "production")
        .order_by(RuleSetVersion.id.desc())).all()
    newest = max(live, key=lambda v: governance_of(session, v).promoted_at or v.created_at,
                 default=None)
    previous_id = governance_of(session, newest).previous_version_id if newest else None
    if newest is None or previous_id is None:
        raise NoPreviousVersion(name=name)
    previous = session.scalar(select(RuleSetVersion).where(RuleSetVersion.id == previous_id))
    if previous is None:
        raise NoPreviousVersion(name=name)
    set_state(session, newest, VersionState.RETIRED.value, actor, now, reason, act="rollback")
    if previous.state != VersionState.PRODUCTION:
        governance_of(session, previous).rollout = None
        set_state(session, previous, VersionState.PRODUCTION.value, actor, now, reason,
                  act="rollback")
    else:
        governance_of(session, previous).rollout = None
    return previous
