"""Production workers on PostgreSQL: outbox events as procrastinate jobs, one job per key.

Transactional enqueue. An AFTER INSERT trigger on ``outbox_event`` makes sure the event's
key (``<tenant id>:<key>``, SKU × warehouse or one document) has a waiting job, inside the
business transaction: the stock change, its event and the job commit or roll back
together, with no relay to crash in between and no change to ``inventory``. ``jxcflow
migrate`` installs procrastinate's schema and the trigger (:func:`install`).

One waiting job per key, not one per event. A job means "handle the pending events of
this key, oldest first"; its procrastinate ``lock`` keeps two of them from running at
once and its ``queueing_lock`` keeps at most one waiting. Procrastinate's fetch compares
each waiting job with the earlier ones of its lock, so one job per event made a fetch cost
grow with the backlog (280 ms per fetch at 10,000 events on 12 keys); with at most two
jobs per key (one running, one waiting) it stays flat. The trigger finds the waiting job
and takes a ``FOR SHARE`` lock on it until the business transaction ends: procrastinate
fetches with ``FOR UPDATE SKIP LOCKED``, so that job cannot start, find nothing new, and
finish before this event is visible (writers of one key do not block each other: share
locks do not conflict). With no waiting job, it inserts one (``ON CONFLICT … DO UPDATE``
takes the row lock in the same way when a concurrent writer inserted it first).

Order and retries. The running job handles its key's pending events in id order through
:func:`engine.dispatch.process_event`. A failure is counted on the outbox row and the key
waits for the row's backoff (the same :class:`~engine.dispatch.RetryPolicy` as the
embedded worker): the job reschedules the key's waiting job at that time and ends. After
the last attempt the row is parked and the key's later events go on. A job that has
handled ``batch`` events or run ``budget_seconds`` hands over to a fresh waiting job, so a
hot key does not starve others when workers are few.

Crashes. A worker killed with ``kill -9`` loses only its open transaction (rolled back by
PostgreSQL). Its job stays ``doing`` until its heartbeat is stale; then a periodic task
ends that job and gives the key a waiting job again. The same task repairs any key with
pending events and no job (a job that failed outside the handler, jobs of an older
release). An event already committed is ``done`` and is skipped, so no effect is applied
twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import procrastinate
import psycopg
from procrastinate.jobs import Status
from procrastinate.schema import SchemaManager
from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

from engine import periodic
from engine.dispatch import EventHandler, Outcome, RetryPolicy, process_event
from inventory.planning import REBALANCE_INTERVAL_SECONDS
from kernel.clock import Clock, tenant_now
from kernel.db import Database
from kernel.models import OutboxEvent, OutboxRetry

log = logging.getLogger("jxcflow.queue")

#: Queue of outbox events; periodic housekeeping runs on its own queue.
EVENTS_QUEUE = "jxcflow_events"
PERIODIC_QUEUE = "jxcflow_periodic"
HANDLE_EVENT = "jxcflow.handle_event"

_outbox = cast(Table, OutboxEvent.__table__)
_retry = cast(Table, OutboxRetry.__table__)

# The waiting job of a key, scheduled now or at ``:at``; a waiting job already there is
# moved to that time (only the job that runs the key, or a parked event sent back, asks).
_SCHEDULE_KEY = text(f"""
INSERT INTO procrastinate_jobs (queue_name, task_name, priority, lock, queueing_lock, args,
                                scheduled_at)
VALUES ('{EVENTS_QUEUE}', '{HANDLE_EVENT}', 0, CAST(:lock AS text), CAST(:lock AS text),
        jsonb_build_object('tenant_id', CAST(:tenant AS bigint), 'key', CAST(:key AS text)),
        CAST(:at AS timestamptz))
ON CONFLICT (queueing_lock) WHERE status = 'todo'
DO UPDATE SET scheduled_at = EXCLUDED.scheduled_at""")

_TRIGGER = f"""
CREATE OR REPLACE FUNCTION jxcflow_outbox_defer_job() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    _lock text := NEW.tenant_id::text || ':' || NEW.key;
BEGIN
    -- The key's waiting job will handle this event too. The share lock keeps it from
    -- being fetched (FOR UPDATE SKIP LOCKED) until this transaction ends.
    PERFORM 1 FROM procrastinate_jobs
        WHERE queueing_lock = _lock AND status = 'todo' FOR SHARE;
    IF NOT FOUND THEN
        INSERT INTO procrastinate_jobs (queue_name, task_name, priority, lock,
                                        queueing_lock, args)
        VALUES ('{EVENTS_QUEUE}', '{HANDLE_EVENT}', 0, _lock, _lock,
                jsonb_build_object('tenant_id', NEW.tenant_id, 'key', NEW.key))
        ON CONFLICT (queueing_lock) WHERE status = 'todo'
        DO UPDATE SET args = procrastinate_jobs.args;  -- no change; takes the row lock
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS jxcflow_outbox_defer_job ON outbox_event;
CREATE TRIGGER jxcflow_outbox_defer_job AFTER INSERT ON outbox_event
    FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION jxcflow_outbox_defer_job();
"""

# A waiting job for every key that has pending events but neither a waiting nor a running
# job: the events pending before the trigger existed, and the safety net after crashes.
_REPAIR = f"""
INSERT INTO procrastinate_jobs (queue_name, task_name, priority, lock, queueing_lock, args)
SELECT '{EVENTS_QUEUE}', '{HANDLE_EVENT}', 0, k.lock, k.lock,
       jsonb_build_object('tenant_id', k.tenant_id, 'key', k.key)
FROM (SELECT tenant_id, key, tenant_id::text || ':' || key AS lock, min(id) AS first_id
      FROM outbox_event WHERE status = 'pending' GROUP BY tenant_id, key) AS k
WHERE NOT EXISTS (SELECT 1 FROM procrastinate_jobs j
                  WHERE j.queueing_lock = k.lock AND j.status = 'todo')
  AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs j
                  WHERE j.lock = k.lock AND j.status = 'doing')
ORDER BY k.first_id
ON CONFLICT (queueing_lock) WHERE status = 'todo' DO NOTHING
"""


def conninfo(url: str) -> str:
    """A libpq URL from a SQLAlchemy one (``postgresql+psycopg://`` → ``postgresql://``)."""
    for prefix in ("postgresql+psycopg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url.removeprefix(prefix)
    return url


def install(url: str) -> bool:
    """Apply procrastinate's schema (once) and the outbox trigger; idempotent.

    Run after the Alembic migrations (``outbox_event`` must exist). Returns True when the
    trigger was new. Either way every key with pending events gets its waiting job.
    """
    with psycopg.connect(conninfo(url)) as conn:
        # One installer at a time: two `jxcflow migrate` must not both apply the schema.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('jxcflow.queue_install'))")
        if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone() == (None,):
            conn.execute(SchemaManager.get_schema())
        had_trigger = conn.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = 'jxcflow_outbox_defer_job'").fetchone()
        # CREATE TRIGGER locks outbox_event against inserts until commit, so no event
        # slips between the repair below and the trigger.
        conn.execute(_TRIGGER)
        conn.execute(_REPAIR)
        conn.commit()
    return had_trigger is None


def is_installed(session: Session) -> bool:
    """True when this database has the job queue (PostgreSQL with :func:`install` run)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return session.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None


def schedule_key(session: Session, tenant_id: int, key: str, at: datetime | None = None) -> None:
    """Give ``key`` its waiting job, due now or at ``at``, in the caller's transaction."""
    session.execute(_SCHEDULE_KEY, {"lock": f"{tenant_id}:{key}", "tenant": tenant_id,
                                    "key": key, "at": at})


def defer_event_if_installed(session: Session, tenant_id: int, outbox_id: int, key: str) -> None:
    """Make sure the event's key has a job (a parked event sent back, a redelivery).

    ``outbox_id`` is unused since a job stands for its whole key; kept for the callers.
    """
    del outbox_id
    if is_installed(session):
        schedule_key(session, tenant_id, key)


def _head(db: Database, tenant_id: int, key: str) -> tuple[int, datetime | None] | None:
    """The key's oldest pending event and when it may be tried again (None: now)."""
    with db.read(tenant_id) as session:
        row = session.execute(
            select(_outbox.c.id, _retry.c.next_attempt_at)
            .select_from(_outbox.outerjoin(_retry, _retry.c.outbox_id == _outbox.c.id))
            .where(_outbox.c.tenant_id == tenant_id, _outbox.c.key == key,
                   _outbox.c.status == "pending")
            .order_by(_outbox.c.id).limit(1)).first()
    return None if row is None else (int(row.id), row.next_attempt_at)


def _key_of(db: Database, tenant_id: int, outbox_id: int) -> str | None:
    with db.read(tenant_id) as session:
        found = session.execute(select(_outbox.c.key).where(
            _outbox.c.tenant_id == tenant_id, _outbox.c.id == outbox_id)).scalar()
    return None if found is None else str(found)


def drain_key(db: Database, handler: EventHandler, clock: Clock, policy: RetryPolicy,
              tenant_id: int, key: str, *, batch: int = 200,
              budget_seconds: float = 2.0) -> int:
    """Handle the key's pending events in id order (the body of the key's job).

    Stops when none is left, when the oldest waits for its backoff (the key's waiting job
    is then scheduled at that time), or after ``batch`` events / ``budget_seconds`` (a
    waiting job continues). Returns how many events it handled.
    """
    handled = 0
    started = clock.now()  # the budget is measured on the clock the worker was given
    while (head := _head(db, tenant_id, key)) is not None:
        outbox_id, next_attempt_at = head
        now = tenant_now(clock, tenant_id)
        if next_attempt_at is not None and next_attempt_at > now:
            _reschedule(db, tenant_id, key, next_attempt_at)
            break
        if handled >= batch or (clock.now() - started).total_seconds() > budget_seconds:
            _reschedule(db, tenant_id, key, None)
            break
        outcome = process_event(db, handler, tenant_id, outbox_id, now, policy)
        if outcome is Outcome.PARKED:
            log.warning("event %s parked after %d attempts", outbox_id, policy.max_attempts)
        handled += 1
    return handled


def _reschedule(db: Database, tenant_id: int, key: str, at: datetime | None) -> None:
    with db.write(tenant_id) as session:
        schedule_key(session, tenant_id, key, at)


def _cron_every(seconds: float) -> str:
    """A six-field cron (seconds last, as croniter reads it) for "every n seconds"."""
    whole = max(1, min(59, int(seconds)))
    return "* * * * *" if seconds >= 60 else f"* * * * * */{whole}"


def _housekeeping(name: str, *, exclusive: bool = True) -> dict[str, Any]:
    """Options of a periodic task: one waits at most, it goes first, and (``exclusive``)
    one runs at a time.

    Event jobs may fill every slot of every worker (one per busy key); the priority lets
    housekeeping (dead-worker recovery above all) take the next free slot, and the
    queueing lock keeps missed ticks from piling up behind a slow run. Recovery is not
    exclusive: a recovery job on a worker that died would hold that lock until recovered,
    which only recovery could do.
    """
    options: dict[str, Any] = {"queueing_lock": name, "priority": 10}
    if exclusive:
        options["lock"] = name
    return options


def build_app(url: str, db: Database, handler: EventHandler, clock: Clock,
              policy: RetryPolicy, *, sweep_seconds: float = 30.0, timer_seconds: float = 2.0,
              stalled_seconds: float = 30.0, pool_size: int = 6,
              rebalance_seconds: float = REBALANCE_INTERVAL_SECONDS,
              jobs: Sequence[periodic.PeriodicJob] | None = None) -> procrastinate.App:
    """The procrastinate app of a worker process, with the event task and the schedules.

    Each entry of :func:`engine.periodic.periodic_jobs` becomes one periodic task: a sweep
    ticks at its own interval; a scheduled job (the pool rebalance) is looked at every
    ``sweep_seconds`` (at most its interval) and runs each due occurrence of each tenant's
    time once, claimed in the database, so three workers still make one run.
    """
    # The queue's own pool: fetching, finishing, heartbeats, LISTEN; jobs use ``db``'s pool.
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=conninfo(url), min_size=1, max_size=pool_size))
    declared = tuple(jobs) if jobs is not None else periodic.periodic_jobs(
        sweep_seconds=sweep_seconds, rebalance_seconds=rebalance_seconds,
        timer_seconds=timer_seconds)

    # No procrastinate retry: a key's backoff lives on its outbox row (drain_key), and
    # retrying a running job would collide with the key's waiting job (queueing lock).
    # A job that fails outside the handler leaves its key to recover_keys.
    @app.task(name=HANDLE_EVENT, queue=EVENTS_QUEUE)
    def handle_event(tenant_id: int, key: str | None = None,
                     outbox_id: int | None = None) -> int:
        if key is None and outbox_id is not None:  # a job of the one-job-per-event release
            key = _key_of(db, tenant_id, outbox_id)
        if key is None:
            return 0
        return drain_key(db, handler, clock, policy, tenant_id, key)

    for job in declared:
        tick = job.every.total_seconds() if isinstance(job, periodic.Sweep) else \
            min(job.every.total_seconds(), sweep_seconds)
        _periodic_task(app, db, clock, job, tick)

    @app.periodic(cron=_cron_every(max(stalled_seconds / 3, 1)))
    @app.task(name="jxcflow.recover_keys", queue=PERIODIC_QUEUE,
              **_housekeeping("jxcflow.recover_keys", exclusive=False))
    async def recover_keys(timestamp: int) -> int:
        # Jobs of a worker whose heartbeat stopped (kill -9, lost machine) end as failed;
        # their keys get a waiting job below, like any key left without one.
        stalled = list(await app.job_manager.get_stalled_jobs(
            seconds_since_heartbeat=stalled_seconds))
        for job in stalled:
            log.warning("job %s of a stalled worker goes back to the queue", job.id)
            try:  # a recovery running beside this one may have ended it already
                await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
            except Exception as exc:  # noqa: BLE001  (procrastinate wraps the driver error)
                log.info("job %s was ended meanwhile: %r", job.id, exc)
        await app.connector.execute_query_async(_REPAIR)
        return len(stalled)

    _ = (handle_event, recover_keys)
    return app


def _periodic_task(app: procrastinate.App, db: Database, clock: Clock,
                   job: periodic.PeriodicJob, tick: float) -> None:
    """One procrastinate periodic task for one declared job (``jxcflow.<name>``)."""
    name = f"jxcflow.{job.name}"

    @app.periodic(cron=_cron_every(tick), periodic_id=name)
    @app.task(name=name, queue=PERIODIC_QUEUE, **_housekeeping(name))
    def run_it(timestamp: int) -> int:
        del timestamp  # what is due is decided on the tenants' clocks, not the cron tick
        return periodic.run_job(db, clock, job)

    _ = run_it


def run(url: str, db: Database, handler: EventHandler, clock: Clock, policy: RetryPolicy,
        *, concurrency: int = 4, heartbeat_seconds: float = 10.0,
        sweep_seconds: float = 30.0,
        rebalance_seconds: float = REBALANCE_INTERVAL_SECONDS) -> None:
    """Run one worker process until SIGINT/SIGTERM (``jxcflow worker`` on PostgreSQL)."""
    stalled = heartbeat_seconds * 3
    app = build_app(url, db, handler, clock, policy, sweep_seconds=sweep_seconds,
                    stalled_seconds=stalled, pool_size=concurrency + 2,
                    rebalance_seconds=rebalance_seconds)
    app.run_worker(queues=[EVENTS_QUEUE, PERIODIC_QUEUE], concurrency=concurrency,
                   update_heartbeat_interval=heartbeat_seconds, stalled_worker_timeout=stalled,
                   delete_jobs="successful")


__all__ = [
    "EVENTS_QUEUE",
    "HANDLE_EVENT",
    "build_app",
    "conninfo",
    "defer_event_if_installed",
    "drain_key",
    "install",
    "is_installed",
    "run",
    "schedule_key",
]
