"""What the API shows of governance rows: plain dicts (the studio validates them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.governance.lifecycle import allowed_next
from engine.governance.models import (
    AuditEntry,
    ReplayJob,
    RuleTestRun,
    VersionReview,
)
from engine.governance.versions import governance_of, latest_test_run
from engine.models import RuleSetVersion


def version_view(session: Session, version: RuleSetVersion) -> dict[str, Any]:
    """A version with its governance state, allowed next states and latest test run."""
    row = governance_of(session, version)
    run = latest_test_run(session, version)
    return {
        "id": version.id, "name": version.name, "version_hash": version.version_hash,
        "state": version.state, "author": version.author, "created_at": version.created_at,
        "state_changed_at": row.state_changed_at, "shadow_until": row.shadow_until,
        "rollout": row.rollout, "previous_version_id": row.previous_version_id,
        "promoted_at": row.promoted_at, "override_reason": row.override_reason,
        "allowed_next": [s.value for s in allowed_next(version.state)],
        "tests": test_run_view(run) if run else None, "source": version.source,
    }


def test_run_view(run: RuleTestRun) -> dict[str, Any]:
    """A rule-test run with every case's result."""
    return {"id": run.id, "version_id": run.version_id, "is_passed": run.is_passed,
            "total": run.total, "failed": run.failed, "results": run.results,
            "actor": run.actor, "ran_at": run.ran_at}


def replay_view(job: ReplayJob) -> dict[str, Any]:
    """A replay job with its progress and, when done, the divergence report."""
    return {"id": job.id, "version_id": job.version_id,
            "baseline_version_id": job.baseline_version_id, "window_from": job.window_from,
            "window_to": job.window_to, "status": job.status, "done": job.done,
            "total": job.total, "result": job.result, "error": job.error,
            "created_by": job.created_by, "created_at": job.created_at,
            "finished_at": job.finished_at}


def audit_view(entry: AuditEntry) -> dict[str, Any]:
    """One audit-log row."""
    return {"id": entry.id, "rule_set": entry.rule_set, "version_id": entry.version_id,
            "act": entry.act, "actor": entry.actor, "from_state": entry.from_state,
            "to_state": entry.to_state, "comment": entry.comment, "detail": entry.detail,
            "created_at": entry.created_at}


def review_record(session: Session, version: RuleSetVersion) -> list[dict[str, Any]]:
    """Every review of ``version``, oldest first."""
    return [{"reviewer": r.reviewer, "verdict": r.verdict, "comment": r.comment,
             "created_at": r.created_at.isoformat()}
            for r in session.scalars(select(VersionReview)
                                     .where(VersionReview.version_id == version.id)
                                     .order_by(VersionReview.id))]
