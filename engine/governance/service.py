"""Governance as the API uses it: one transaction per call, scoped to the caller's tenant,
commands replayable under an ``Idempotency-Key`` (the first answer is returned again)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsl import SchemaRegistry
from engine.governance import conflict_check, replay, review, versions
from engine.governance.diff import diff_versions
from engine.governance.divergence_gate import evidence
from engine.governance.errors import ConflictNotFound, ReplayNotFound, RuleSetNotFound
from engine.governance.models import ConflictAck, ReplayJob, RuleTestRun
from engine.governance.passport import passport
from engine.governance.views import (
    audit_view,
    replay_view,
    review_record,
    test_run_view,
    version_view,
)
from engine.models import RuleSetVersion
from engine.rulesets import PlanCache
from inventory import guarantees
from kernel.clock import Clock, tenant_now
from kernel.db import Database

View = dict[str, Any]


class GovernanceService:
    """Versions, tests, review, replay, conflicts, passports and audit for the API."""

    def __init__(self, db: Database, clock: Clock, *, limit: Decimal = Decimal("0.05"),
                 shadow_hours: int = 72, cache: PlanCache | None = None) -> None:
        self.db, self.clock, self.limit, self.shadow_hours = db, clock, limit, shadow_hours
        self.cache = cache or PlanCache()

    def _command(self, tenant_id: int, key: str | None, command: str, request: View,
                 run: Callable[[Session, datetime], View]) -> View:
        """Run ``run`` in one write transaction; with a key, a repeat returns the first
        answer and changes nothing (a key reused for another request is refused)."""
        now = tenant_now(self.clock, tenant_id)  # the tenant's time: shadow and replay windows
        with self.db.write(tenant_id) as session:
            if key is not None:
                digest = guarantees.request_fingerprint(command, request)
                first = guarantees.claim_key(session, tenant_id, key, command, digest, now)
                if first is not None:
                    return first
            answer = run(session, now)
            if key is not None:
                safe = json.loads(json.dumps(answer, default=str))
                guarantees.store_response(session, tenant_id, key, safe)
            return answer

    # -- versions -------------------------------------------------------------------------
    def create(self, tenant_id: int, name: str, source: str, registry: SchemaRegistry,
               author: str, key: str | None) -> View:
        """Check and store rule text as a draft version."""
        def run(s: Session, now: datetime) -> View:
            return version_view(s, versions.create_version(s, tenant_id, name, source,
                                                           registry, author, now))
        return self._command(tenant_id, key, "rules.create", {"name": name, "source": source},
                             run)

    def get(self, tenant_id: int, version_id: int) -> View:
        """One version."""
        with self.db.read(tenant_id) as s:
            return version_view(s, versions.get_version(s, version_id))

    def list_versions(self, tenant_id: int, name: str | None, offset: int, limit: int
             ) -> tuple[list[View], int]:
        """Versions, newest first."""
        with self.db.read(tenant_id) as s:
            rows = versions.list_versions(s, name)
            return [version_view(s, v) for v in rows[offset:offset + limit]], len(rows)

    def test(self, tenant_id: int, version_id: int, source: str, actor: str,
             key: str | None) -> View:
        """Run rule tests against a version and keep the results."""
        def run(s: Session, now: datetime) -> View:
            version = versions.get_version(s, version_id)
            return test_run_view(versions.run_tests(s, version, source, actor, now,
                                                    self.cache))
        return self._command(tenant_id, key, "rules.test",
                             {"version_id": version_id, "source": source}, run)

    def test_runs(self, tenant_id: int, version_id: int) -> list[View]:
        """Every rule-test run of a version, newest first."""
        with self.db.read(tenant_id) as s:
            version = versions.get_version(s, version_id)
            return [test_run_view(r) for r in s.scalars(
                select(RuleTestRun).where(RuleTestRun.version_id == version.id)
                .order_by(RuleTestRun.id.desc()))]

    def transition(self, tenant_id: int, version_id: int, target: str, actor: str,
                   comment: str, key: str | None) -> View:
        """Move a version one step (not to production: that is review)."""
        def run(s: Session, now: datetime) -> View:
            version = versions.advance(s, versions.get_version(s, version_id), target, actor,
                                       now, shadow_hours=self.shadow_hours, comment=comment)
            return version_view(s, version)
        return self._command(tenant_id, key, "rules.transition",
                             {"version_id": version_id, "to": target, "comment": comment}, run)

    # -- review and release ---------------------------------------------------------------
    def approve(self, tenant_id: int, version_id: int, reviewer: str, comment: str,
                override_reason: str | None, rollout: View | None, key: str | None) -> View:
        """Approve; the last required approval promotes (fully or to a gray share)."""
        def run(s: Session, now: datetime) -> View:
            version = review.approve(s, versions.get_version(s, version_id), reviewer,
                                     comment, now, limit=self.limit,
                                     override_reason=override_reason, rollout=rollout)
            return version_view(s, version)
        return self._command(tenant_id, key, "rules.approve", {
            "version_id": version_id, "comment": comment, "override": override_reason,
            "rollout": rollout}, run)

    def reject(self, tenant_id: int, version_id: int, reviewer: str, comment: str,
               key: str | None) -> View:
        """Send back to draft with a comment."""
        def run(s: Session, now: datetime) -> View:
            return version_view(s, review.reject(s, versions.get_version(s, version_id),
                                                 reviewer, comment, now))
        return self._command(tenant_id, key, "rules.reject",
                             {"version_id": version_id, "comment": comment}, run)

    def widen(self, tenant_id: int, version_id: int, actor: str, rollout: View | None,
              key: str | None) -> View:
        """Change a gray release's share (None or 100 %: everyone)."""
        def run(s: Session, now: datetime) -> View:
            return version_view(s, review.widen(s, versions.get_version(s, version_id),
                                                actor, now, rollout))
        return self._command(tenant_id, key, "rules.rollout",
                             {"version_id": version_id, "rollout": rollout}, run)

    def _require_rule_set(self, s: Session, name: str) -> None:
        if not s.scalar(select(func.count()).select_from(RuleSetVersion)
                        .where(RuleSetVersion.name == name)):
            raise RuleSetNotFound(name=name)

    def rollback(self, tenant_id: int, name: str, actor: str, reason: str,
                 key: str | None) -> View:
        """Bring back the production version the newest one replaced."""
        def run(s: Session, now: datetime) -> View:
            self._require_rule_set(s, name)
            return version_view(s, review.rollback(s, name, actor, now, reason))
        return self._command(tenant_id, key, "rules.rollback",
                             {"name": name, "reason": reason}, run)

    def set_policy(self, tenant_id: int, name: str, approvals: int, actor: str) -> View:
        """Require one or two approvers for a rule set."""
        with self.db.write(tenant_id) as s:
            self._require_rule_set(s, name)
            policy = review.set_policy(s, tenant_id, name, approvals, actor,
                                       tenant_now(self.clock, tenant_id))
            return {"name": policy.name, "approvals_required": policy.approvals_required}

    # -- evidence -------------------------------------------------------------------------
    def start_replay(self, tenant_id: int, version_id: int, hours: int, actor: str,
                     key: str | None) -> View:
        """Queue a replay of the last ``hours`` of recorded events."""
        def run(s: Session, now: datetime) -> View:
            version = versions.get_version(s, version_id)
            return replay_view(replay.create_replay(
                s, version, now - timedelta(hours=hours), now + timedelta(microseconds=1),
                actor, now))
        return self._command(tenant_id, key, "rules.replay",
                             {"version_id": version_id, "hours": hours}, run)

    def run_replay(self, tenant_id: int, job_id: int) -> None:
        """Run a queued replay to its end (progress is committed as it goes)."""
        with self.db.read(tenant_id) as s:
            job = s.scalar(select(ReplayJob).where(ReplayJob.id == job_id))
            if job is None or job.status != "queued":
                return
        replay.run_replay(self.db, tenant_id, job_id, self.clock, self.cache, self.limit)

    def replay_job(self, tenant_id: int, job_id: int) -> View:
        """A replay job's progress and result."""
        with self.db.read(tenant_id) as s:
            job = s.scalar(select(ReplayJob).where(ReplayJob.id == job_id))
            if job is None:
                raise ReplayNotFound(job_id=job_id)
            return replay_view(job)

    def divergence(self, tenant_id: int, version_id: int) -> View:
        """The divergence report that counts for promotion (replay, else live shadow)."""
        with self.db.read(tenant_id) as s:
            version = versions.get_version(s, version_id)
            found = evidence(s, version, self.limit)
            return found or {"source": None, "ratio": None, "events": 0}

    def conflicts(self, tenant_id: int, version_id: int) -> list[View]:
        """The version's rule conflicts (against itself and every other rule set in
        production, on the tenant's SKUs), each with whether (and by whom) it is
        acknowledged."""
        found: list[View] = self.conflict_check(tenant_id, version_id)["conflicts"]
        return found

    def conflict_check(self, tenant_id: int, version_id: int) -> View:
        """The conflicts and what the check covered: the production versions it ran against,
        SKUs checked (and the limit), SKUs not checked for lack of a price."""
        with self.db.read(tenant_id) as s:
            version = versions.get_version(s, version_id)
            report = conflict_check.check(s, version)
            acks = {a.conflict_key: a for a in s.scalars(
                select(ConflictAck).where(ConflictAck.version_id == version.id))}
            found = []
            for conflict in report.conflicts:
                ack = acks.get(conflict.key)
                found.append({**conflict.as_dict(), "acknowledged_by": ack.actor if ack else
                              None, "acknowledgement": ack.comment if ack else None})
            return {"version_id": version.id, "conflicts": found, "coverage": report.coverage}

    def acknowledge(self, tenant_id: int, version_id: int, conflict_key: str, actor: str,
                    comment: str) -> list[View]:
        """Acknowledge one conflict of the version.

        Raises:
            ConflictNotFound: the version has no conflict with this key.
        """
        with self.db.write(tenant_id) as s:
            version = versions.get_version(s, version_id)
            keys = {c.key for c in conflict_check.check(s, version).conflicts}
            if conflict_key not in keys:
                raise ConflictNotFound(version_id=version_id, key=conflict_key)
            review.acknowledge(s, version, conflict_key, actor, comment,
                               tenant_now(self.clock, tenant_id))
        return self.conflicts(tenant_id, version_id)

    def passport(self, tenant_id: int, version_id: int) -> View:
        """The rule passport with the review record and author."""
        with self.db.read(tenant_id) as s:
            version = versions.get_version(s, version_id)
            return {**passport(versions.rule_set_of(version), version.version_hash),
                    "name": version.name, "author": version.author, "state": version.state,
                    "reviews": review_record(s, version)}

    def diff(self, tenant_id: int, version_id: int, against: int | None) -> View:
        """Diff from ``against`` (default: the version before it) to ``version_id``."""
        with self.db.read(tenant_id) as s:
            new = versions.get_version(s, version_id)
            if against is None:
                old = s.scalar(select(RuleSetVersion).where(
                    RuleSetVersion.name == new.name, RuleSetVersion.id < new.id)
                    .order_by(RuleSetVersion.id.desc()).limit(1)) or new
            else:
                old = versions.get_version(s, against)
            return {"from_version_id": old.id, "to_version_id": new.id, **diff_versions(
                f"{old.name}@{old.version_hash[:12]}", old.source, versions.rule_set_of(old),
                f"{new.name}@{new.version_hash[:12]}", new.source, versions.rule_set_of(new))}

    def audit(self, tenant_id: int, version_id: int | None, offset: int, limit: int
              ) -> tuple[list[View], int]:
        """The audit log (of one version, or the tenant's)."""
        with self.db.read(tenant_id) as s:
            version = versions.get_version(s, version_id) if version_id is not None else None
            rows, total = versions.audit_log(s, version, offset, limit)
            return [audit_view(r) for r in rows], total
