"""Shadow, fast replay: recorded events of a window through production and a candidate.

The payload is as it was: an outbox event carries the entities it was raised with. Facts
the payload does not carry are loaded through the same loaders as production, from the
tenant's rows as they are when the replay runs (an order's lines, an item's cost price,
a balance): a replay sees today's master data, not a snapshot of the past. Short-window
state is rebuilt by the replay itself from the window's start, one copy per version.
Progress (done / total) is committed after every chunk, so the API can report it while the
replay runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, and_, func, or_, select, update
from sqlalchemy.orm import Session

from engine.compiler import Plan
from engine.dispatch import OutboxRecord
from engine.evaluate import evaluate, window_is_empty
from engine.event_scope import to_event
from engine.facts import DbFacts, FactSource, load_for_plans
from engine.governance.divergence import Divergence, summarise
from engine.governance.divergence_gate import trigger_types
from engine.governance.models import ReplayJob, VersionGovernance
from engine.models import RuleSetVersion
from engine.rulesets import PlanCache
from kernel.clock import Clock, tenant_now
from kernel.db import Database
from kernel.models import OutboxEvent

_outbox = cast(Table, OutboxEvent.__table__)
_c = _outbox.c


def baseline_of(session: Session, version: RuleSetVersion) -> RuleSetVersion | None:
    """The full production version of ``version``'s rule set (what it would replace)."""
    rows = session.execute(select(RuleSetVersion, VersionGovernance.rollout)
                           .outerjoin(VersionGovernance,
                                      VersionGovernance.version_id == RuleSetVersion.id)
                           .where(RuleSetVersion.name == version.name,
                                  RuleSetVersion.state == "production",
                                  RuleSetVersion.id != version.id)
                           .order_by(RuleSetVersion.id.desc())).all()
    return next((row[0] for row in rows if not row[1]), None)


def _window(tenant_id: int, start: datetime, end: datetime) -> Any:
    return and_(_c.tenant_id == tenant_id, _c.occurred_at >= start, _c.occurred_at < end)


def create_replay(session: Session, version: RuleSetVersion, start: datetime,
                  end: datetime, actor: str, now: datetime) -> ReplayJob:
    """A queued replay job of ``version`` against its rule set's production version."""
    baseline = baseline_of(session, version)
    total = session.scalar(select(func.count()).select_from(_outbox)
                           .where(_window(version.tenant_id, start, end))) or 0
    job = ReplayJob(tenant_id=version.tenant_id, version_id=version.id,
                    baseline_version_id=baseline.id if baseline else None,
                    window_from=start, window_to=end, status="queued", done=0, total=total,
                    created_by=actor, created_at=now)
    session.add(job)
    session.flush()
    return job


def _records(db: Database, tenant_id: int, start: datetime, end: datetime, chunk: int
             ) -> Iterator[list[OutboxRecord]]:
    """Recorded events of the window in the order they happened, a chunk at a time."""
    after: tuple[datetime, int] | None = None
    columns = (_c.id, _c.event_id, _c.type, _c.key, _c.payload, _c.occurred_at)
    while True:
        stmt = select(*columns).where(_window(tenant_id, start, end))
        if after is not None:
            stmt = stmt.where(or_(_c.occurred_at > after[0],
                                  and_(_c.occurred_at == after[0], _c.id > after[1])))
        with db.read(tenant_id) as session:
            rows = session.execute(stmt.order_by(_c.occurred_at, _c.id).limit(chunk)).all()
        if not rows:
            return
        after = (rows[-1].occurred_at, rows[-1].id)
        yield [OutboxRecord(id=r.id, event_id=r.event_id, tenant_id=tenant_id, type=r.type,
                            key=r.key, payload=r.payload, occurred_at=r.occurred_at,
                            attempts=0) for r in rows]


class _Runner:
    """One version's plan and the window state it builds up during the replay."""

    def __init__(self, plan: Plan | None, rule_set: str) -> None:
        self.plan, self.rule_set = plan, rule_set
        #: (rule id, key) → state of this rule set, as production keeps them in rows.
        self.windows: dict[tuple[str, str], Any] = {}

    def actions(self, record: OutboxRecord, facts: FactSource) -> list[dict[str, Any]]:
        if self.plan is None:
            return []
        event = to_event(record)
        decision = evaluate(self.plan, event, load_for_plans(facts, event, (self.plan,)),
                            event.occurred_at, windows=self.windows, rule_set=self.rule_set)
        for rule_id, key, state in decision.windows:
            if window_is_empty(state):  # as production deletes the row
                self.windows.pop((rule_id, key), None)
            else:
                self.windows[(rule_id, key)] = state
        return summarise(decision.actions)


def run_replay(db: Database, tenant_id: int, job_id: int, clock: Clock, cache: PlanCache,
               limit: Decimal, chunk: int = 2_000) -> dict[str, Any]:
    """Replay the job's window and store the divergence report on the job.

    Returns the report. A failure marks the job failed with its error, and re-raises.
    """
    with db.write(tenant_id) as session:
        job = session.get(ReplayJob, job_id)
        assert job is not None and job.tenant_id == tenant_id
        candidate = session.get(RuleSetVersion, job.version_id)
        baseline = session.get(RuleSetVersion, job.baseline_version_id) \
            if job.baseline_version_id else None
        assert candidate is not None
        runners = (_Runner(cache.plan(baseline) if baseline else None, candidate.name),
                   _Runner(cache.plan(candidate), candidate.name))
        triggers = trigger_types(candidate)
        start, end = job.window_from, job.window_to
        job.status = "running"
    totals, done = Divergence(), 0
    try:
        for records in _records(db, tenant_id, start, end, chunk):
            with db.read(tenant_id) as session:
                facts = DbFacts(session)  # one chunk's rows, read once for both versions
                for record in records:
                    totals.add(runners[0].actions(record, facts),
                               runners[1].actions(record, facts),
                               is_trigger=record.type in triggers)
            done += len(records)
            with db.write(tenant_id) as session:
                session.execute(update(ReplayJob).where(ReplayJob.id == job_id)
                                .values(done=done).execution_options(
                                    synchronize_session=False))
    except Exception as exc:
        with db.write(tenant_id) as session:
            failed = session.get(ReplayJob, job_id)
            assert failed is not None
            failed.status, failed.error = "failed", str(exc)
            failed.finished_at = tenant_now(clock, tenant_id)
        raise
    report = totals.report(limit)
    with db.write(tenant_id) as session:
        finished = session.get(ReplayJob, job_id)
        assert finished is not None
        finished.status, finished.done, finished.result = "done", done, report
        finished.total = max(finished.total, done)
        finished.finished_at = tenant_now(clock, tenant_id)
    return report
