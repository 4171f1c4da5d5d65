"""Periodic work, declared once: what runs, on which schedule of tenant time, and how.

:func:`periodic_jobs` is the one list. The embedded worker (``jxcflow serve`` on SQLite),
``jxcflow worker`` on SQLite (:class:`engine.worker.Worker`), the PostgreSQL workers
(:mod:`engine.queue_pg`, one procrastinate periodic task per entry) and a sandbox tenant's
clock advance (:mod:`engine.sandbox_clock`) all read it; nothing else schedules work.

Two kinds:

- :class:`Scheduled` work happens at fixed points of each tenant's time (every ``every``
  from midnight UTC: a 15-minute rebalance at :00, :15, :30, :45). Each occurrence is
  **claimed**: a ``periodic_occurrence`` row with the unique key (tenant, job, occurrence
  time) is inserted in the same transaction as the work, so however many workers try, one
  commits it and the others' insert fails and changes nothing. A worker runs the latest
  occurrence that is due for a production tenant (missed ones are skipped, as a worker that
  was down does not invent runs), and every due occurrence after the last claimed one, in
  order, for a sandbox tenant whose clock runs ahead.
- :class:`Sweep` work finds for itself what is due on each tenant's time and is idempotent
  by its own key (a timer fires once by its conditional update, a shift snapshot is unique
  per shift end, a purchase list per store and day): every worker calls it every ``every``
  of real time, and a clock advance calls it for the one tenant with the time it left, so
  it takes what the advance passed over.

A sandbox clock advance first writes an anchor (a ``skipped`` occurrence at the last point
of each schedule before the move) in the transaction that moves the clock, so a worker that
sees the new time also sees where counting starts, and runner and advance walk the same
occurrences upwards. Adding work (a correlation-window sweep, ``sweep_windows(session,
now)``) is one more entry in :func:`periodic_jobs`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import timers, window_store
from engine.models import InboxMessage
from inventory import StockService
from inventory.documents import take_due_snapshots
from inventory.planning import REBALANCE_INTERVAL_SECONDS
from inventory.planning.models import ChannelPool
from inventory.planning.rebalance import run_rebalance
from inventory.recipes import generate_due_purchase_lists
from kernel.clock import Clock, tenant_now
from kernel.db import Database
from kernel.models import PeriodicOccurrence

log = logging.getLogger("jxcflow.periodic")

_occurrence = cast(Table, PeriodicOccurrence.__table__)
_o = _occurrence.c
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: The most occurrences of one job one pass runs for one tenant (a month of 15 minutes);
#: beyond it the latest ones run and the earlier ones are skipped.
MAX_OCCURRENCES = 3_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Scheduled:
    """Work at fixed points of tenant time, claimed once per tenant and occurrence.

    ``tenants`` names the tenants that have this work (a system session); ``run`` does it
    for one tenant at one occurrence, in the transaction that claims it.
    """

    name: str
    every: timedelta
    tenants: Callable[[Session], Sequence[int]]
    run: Callable[[Session, int, datetime], Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Sweep:
    """Work that finds what is due on each tenant's clock and is idempotent by its own key.

    ``run(db, clock, tenant_id, since)``: every tenant (``tenant_id`` None, each on its own
    time) or one; ``since`` is the time a clock advance left (take everything after it).
    Returns how much it did.
    """

    name: str
    every: timedelta
    run: Callable[[Database, Clock, int | None, datetime | None], int]


PeriodicJob = Scheduled | Sweep


# -- the one list -----------------------------------------------------------------------

def _fire_timers(db: Database, clock: Clock, tenant_id: int | None,
                 since: datetime | None) -> int:
    del since  # due timers fire in fire_at order whatever the advance skipped
    if tenant_id is not None:
        return timers.fire_due(db, _TenantClock(clock, tenant_id), tenant_id=tenant_id)
    fired = timers.fire_due(db, clock)
    for ahead in _ahead(clock):  # sandbox tenants whose clock runs ahead: on their time
        fired += timers.fire_due(db, _TenantClock(clock, ahead), tenant_id=ahead)
    return fired


def _sweep_holds(db: Database, clock: Clock, tenant_id: int | None,
                 since: datetime | None) -> int:
    del since
    stock = StockService(db, clock)
    if tenant_id is not None:
        return stock.sweep_expired(tenant_id)
    return stock.sweep_expired() + sum(stock.sweep_expired(t) for t in _ahead(clock))


def _snapshots(db: Database, clock: Clock, tenant_id: int | None,
               since: datetime | None) -> int:
    return take_due_snapshots(db, clock, tenant_id, since)


def _purchase_lists(db: Database, clock: Clock, tenant_id: int | None,
                    since: datetime | None) -> int:
    del since
    return generate_due_purchase_lists(db, clock, tenant_id)


def _sweep_windows(db: Database, clock: Clock, tenant_id: int | None,
                   since: datetime | None) -> int:
    """Delete short-window state whose window ended (each tenant on its own time)."""
    del since
    tenants = [tenant_id] if tenant_id is not None else [None, *_ahead(clock)]
    swept = 0
    for tenant in tenants:
        now = tenant_now(clock, tenant) if tenant is not None else clock.now()
        with db.write(tenant) as session:
            swept += window_store.sweep_windows(session, now)
    return swept


def _pool_tenants(session: Session) -> list[int]:
    return list(session.scalars(select(ChannelPool.tenant_id).distinct()
                                .order_by(ChannelPool.tenant_id)))


#: Who hears of a rebalance run that paused a channel or opened a task.
REPORT_RECIPIENT = "role:admin"


def _rebalance(session: Session, tenant_id: int, occurrence: datetime) -> Any:
    """The scheduled rebalance; a run that paused a channel or opened a replenishment task
    is reported to the inventory admins' inbox."""
    run = run_rebalance(session, tenant_id, "system:rebalance", occurrence)
    if run.paused_channels or run.task_count:
        paused = ", ".join(run.paused_channels) or "—"
        session.add(InboxMessage(
            tenant_id=tenant_id, kind="notify", recipient=REPORT_RECIPIENT,
            message=(f"渠道库存池再平衡 #{run.id}：暂停渠道 {paused}，"
                     f"新补货任务 {run.task_count} 个 / Pool rebalance #{run.id}: paused {paused}, "
                     f"{run.task_count} new replenishment task(s)"),
            event_id=str(uuid.uuid4()), rule_id="system:rebalance", rule_version="",
            rule_node=f"pool_rebalance_run:{run.id}", created_at=occurrence))
    return run


def periodic_jobs(*, sweep_seconds: float = 30.0,
                  rebalance_seconds: float = REBALANCE_INTERVAL_SECONDS,
                  timer_seconds: float = 2.0) -> tuple[PeriodicJob, ...]:
    """Every periodic job of the product, with the settings' intervals.

    ``rebalance_seconds`` is ``pool_rebalance_interval_seconds`` (15 minutes), the sweeps
    run every ``sweep_seconds`` (``sweep_interval_seconds``), timers every ``timer_seconds``.
    """
    sweep, timer = timedelta(seconds=sweep_seconds), timedelta(seconds=timer_seconds)
    return (
        Sweep(name="fire_timers", every=timer, run=_fire_timers),
        Sweep(name="sweep_reservations", every=sweep, run=_sweep_holds),
        Sweep(name="take_shift_snapshots", every=sweep, run=_snapshots),
        Sweep(name="generate_purchase_lists", every=sweep, run=_purchase_lists),
        Sweep(name="sweep_windows", every=timedelta(minutes=5), run=_sweep_windows),
        Scheduled(name="rebalance_pools", every=timedelta(seconds=rebalance_seconds),
                  tenants=_pool_tenants, run=_rebalance),
    )


# -- schedules ---------------------------------------------------------------------------

def latest_point(every: timedelta, now: datetime) -> datetime:
    """The last point of the schedule ``every`` (from midnight UTC) at or before ``now``."""
    return _EPOCH + every * ((now - _EPOCH) // every)


def points_between(every: timedelta, after: datetime, until: datetime,
                   cap: int = MAX_OCCURRENCES) -> list[datetime]:
    """Points of the schedule in (``after``, ``until``], oldest first (the latest ``cap``)."""
    last = latest_point(every, until)
    if last <= after:
        return []
    count = min(cap, -((after - last) // every))  # ceil: the points in (after, last]
    return [last - every * k for k in range(count - 1, -1, -1)]


def _ahead(clock: Clock) -> list[int]:
    offsets = getattr(clock, "offsets", None)
    return sorted(offsets()) if offsets is not None else []


class _TenantClock:
    """One tenant's time on a clock that knows tenants."""

    def __init__(self, clock: Clock, tenant_id: int) -> None:
        self.clock, self.tenant_id = clock, tenant_id

    def now(self) -> datetime:
        return tenant_now(self.clock, self.tenant_id)


# -- claiming and running ----------------------------------------------------------------

def _last_claimed(db: Database, tenant_id: int, job: str) -> datetime | None:
    with db.read(tenant_id) as session:
        found: datetime | None = session.scalar(
            select(func.max(_o.occurrence_at)).where(_o.tenant_id == tenant_id,
                                                     _o.job == job))
    return found


def _claim(session: Session, tenant_id: int, job: str, at: datetime, status: str,
           now: datetime) -> bool:
    """Insert the occurrence row; False when another runner has it (nothing changes)."""
    try:
        with session.begin_nested():
            session.execute(insert(_occurrence).values(
                tenant_id=tenant_id, job=job, occurrence_at=at, status=status, ran_at=now))
    except IntegrityError:
        return False
    return True


def due_occurrences(db: Database, clock: Clock, job: Scheduled, tenant_id: int,
                    since: datetime | None = None) -> list[datetime]:
    """The occurrences of ``job`` the tenant should run now, oldest first.

    After the last claimed one (and after ``since``, a clock advance's old time); with no
    claim yet, the latest point. A production tenant runs only the latest due point.
    """
    now = tenant_now(clock, tenant_id)
    last = _last_claimed(db, tenant_id, job.name)
    after = max(filter(None, (last, since)), default=None)
    if after is None:
        return [latest_point(job.every, now)]
    points = points_between(job.every, after, now)
    if points and since is None and tenant_id not in _ahead(clock):
        return points[-1:]  # a worker that was down does not invent the runs it missed
    return points


def run_scheduled(db: Database, clock: Clock, job: Scheduled, *, tenant_id: int | None = None,
                  since: datetime | None = None) -> int:
    """Run the due occurrences of ``job`` (every tenant that has it, or one); each is
    claimed in the transaction that does it. Returns how many this caller ran."""
    with db.read(None) as session:
        tenants = [t for t in job.tenants(session) if tenant_id in (None, t)]
    ran = 0
    for tenant in tenants:
        for at in due_occurrences(db, clock, job, tenant, since):
            with db.write(tenant) as session:
                if _claim(session, tenant, job.name, at, "done", tenant_now(clock, tenant)):
                    job.run(session, tenant, at)
                    ran += 1
    return ran


def anchor(session: Session, jobs: Sequence[PeriodicJob], tenant_id: int,
           before: datetime) -> None:
    """Mark where a clock advance starts counting: the last point of each schedule at or
    before ``before`` (the tenant's time before the move), unless it is claimed already.
    Call it in the transaction that moves the clock."""
    for job in jobs:
        if isinstance(job, Scheduled):
            _claim(session, tenant_id, job.name, latest_point(job.every, before), "skipped",
                   before)


def run_job(db: Database, clock: Clock, job: PeriodicJob, *, tenant_id: int | None = None,
            since: datetime | None = None) -> int:
    """Run one job once: a sweep over its tenants, or the scheduled job's due occurrences."""
    if isinstance(job, Sweep):
        return job.run(db, clock, tenant_id, since)
    return run_scheduled(db, clock, job, tenant_id=tenant_id, since=since)


def catch_up_tenant(db: Database, clock: Clock, jobs: Sequence[PeriodicJob], tenant_id: int,
                    since: datetime) -> dict[str, int]:
    """Everything a sandbox tenant's clock advance passed over, job by job in the list's
    order, each job's occurrences oldest first."""
    return {job.name: run_job(db, clock, job, tenant_id=tenant_id, since=since)
            for job in jobs}


class PeriodicRunner:
    """Runs the list on one worker: each job when its interval of real time is up."""

    def __init__(self, db: Database, clock: Clock, jobs: Sequence[PeriodicJob],
                 tick: timedelta | None = None) -> None:
        """``tick`` bounds how long a scheduled job's due point may wait to be seen
        (default: the shortest sweep interval)."""
        self.db, self.clock, self.jobs = db, clock, tuple(jobs)
        sweeps = [j.every for j in self.jobs if isinstance(j, Sweep) and j.every > timedelta(0)]
        self.tick = tick or min(sweeps, default=timedelta(seconds=30))
        self._next: dict[str, datetime] = {}

    def _interval(self, job: PeriodicJob) -> timedelta:
        return job.every if isinstance(job, Sweep) else min(job.every, self.tick)

    def run_due(self, *, force: bool = False) -> dict[str, int]:
        """Run every job whose interval is up (all with ``force``); what each did.

        One job's failure is logged and does not stop the others.
        """
        now = self.clock.now()
        done: dict[str, int] = {}
        for job in self.jobs:
            deadline = self._next.get(job.name)
            if not force and deadline is not None and now < deadline:
                continue
            self._next[job.name] = now + self._interval(job)
            try:
                done[job.name] = run_job(self.db, self.clock, job)
            except Exception:
                log.exception("periodic job %s failed; it runs again at its next interval",
                              job.name)
                done[job.name] = 0
        return done


__all__ = [
    "MAX_OCCURRENCES",
    "PeriodicJob",
    "PeriodicRunner",
    "Scheduled",
    "Sweep",
    "anchor",
    "catch_up_tenant",
    "due_occurrences",
    "latest_point",
    "periodic_jobs",
    "points_between",
    "run_job",
    "run_scheduled",
]
