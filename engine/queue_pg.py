"""Production workers on PostgreSQL: outbox events as procrastinate jobs.

Transactional enqueue. An AFTER INSERT trigger on ``outbox_event`` calls procrastinate's own
defer function (``procrastinate_defer_jobs_v1``), so the job row is written by the very
INSERT that appends the event, inside the business transaction: the stock change, its
event and its job commit or roll back together, with no relay to crash in between and no
change to ``inventory`` (which knows nothing of rules or queues). ``jxcflow migrate``
installs procrastinate's schema and the trigger (:func:`install`); Alembic does not.

Order and retries. Each job's procrastinate ``lock`` is ``<tenant id>:<event key>``:
procrastinate never starts a job while an earlier job of the same lock is waiting or
running, retries included, so the events of one SKU × warehouse or one document apply in
order. A failure is counted on the outbox row (:func:`engine.dispatch.record_failure`) and
the job is retried with the same exponential backoff as the embedded worker; when the row
is parked the job ends, so the key's later events go on.

Crashes. A worker killed with ``kill -9`` loses only its open transaction (rolled back by
PostgreSQL). Its jobs stay ``doing`` until its heartbeat is stale; then a periodic task
puts them back to ``todo``. A job whose transaction had already committed finds its event
``done`` and does nothing, so no effect is applied twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import procrastinate
import psycopg
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from procrastinate.schema import SchemaManager
from sqlalchemy import text
from sqlalchemy.orm import Session

from engine import sandbox_clock, timers
from engine.dispatch import EventHandler, Outcome, RetryPolicy, earlier_pending, process_event
from inventory import StockService
from kernel.clock import Clock, tenant_now
from kernel.db import Database

log = logging.getLogger("jxcflow.queue")

#: Queue of outbox events; periodic housekeeping runs on its own queue.
EVENTS_QUEUE = "jxcflow_events"
PERIODIC_QUEUE = "jxcflow_periodic"
HANDLE_EVENT = "jxcflow.handle_event"

# The job of an event, as the trigger, the backfill and retry_parked all write it. Its lock
# names the tenant too, because keys are only unique within a tenant.
_DEFER_ONE = text(
    "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW(CAST(:queue AS varchar), "
    "CAST(:task AS varchar), 0, CAST(:lock AS text), NULL, "
    "jsonb_build_object('tenant_id', CAST(:tenant AS bigint), "
    "'outbox_id', CAST(:outbox AS bigint)), NULL)::procrastinate_job_to_defer_v1])")

_TRIGGER = f"""
CREATE OR REPLACE FUNCTION jxcflow_outbox_defer_job() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM procrastinate_defer_jobs_v1(ARRAY[ROW(
        '{EVENTS_QUEUE}', '{HANDLE_EVENT}', 0, NEW.tenant_id::text || ':' || NEW.key, NULL,
        jsonb_build_object('tenant_id', NEW.tenant_id, 'outbox_id', NEW.id), NULL
    )::procrastinate_job_to_defer_v1]);
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS jxcflow_outbox_defer_job ON outbox_event;
CREATE TRIGGER jxcflow_outbox_defer_job AFTER INSERT ON outbox_event
    FOR EACH ROW WHEN (NEW.status = 'pending') EXECUTE FUNCTION jxcflow_outbox_defer_job();
"""

# Jobs for events that were pending before the trigger existed, oldest first.
_BACKFILL = f"""
SELECT procrastinate_defer_jobs_v1(coalesce(array_agg(ROW(
    '{EVENTS_QUEUE}', '{HANDLE_EVENT}', 0, tenant_id::text || ':' || key, NULL,
    jsonb_build_object('tenant_id', tenant_id, 'outbox_id', id), NULL
)::procrastinate_job_to_defer_v1 ORDER BY id), '{{}}'))
FROM outbox_event WHERE status = 'pending'
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
    trigger was new, in which case the events already pending got their jobs as well.
    """
    with psycopg.connect(conninfo(url)) as conn:
        # One installer at a time: two `jxcflow migrate` must not both apply the schema.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('jxcflow.queue_install'))")
        if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone() == (None,):
            conn.execute(SchemaManager.get_schema())
        had_trigger = conn.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = 'jxcflow_outbox_defer_job'").fetchone()
        # CREATE TRIGGER locks outbox_event against inserts until commit, so no event
        # slips between the backfill below and the trigger.
        conn.execute(_TRIGGER)
        if had_trigger is None:
            conn.execute(_BACKFILL)
        conn.commit()
    return had_trigger is None


def is_installed(session: Session) -> bool:
    """True when this database has the job queue (PostgreSQL with :func:`install` run)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return session.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None


def defer_event_if_installed(session: Session, tenant_id: int, outbox_id: int, key: str) -> None:
    """Give an event (again) a job, in the caller's transaction, when the queue exists."""
    if not is_installed(session):
        return
    session.execute(_DEFER_ONE, {"queue": EVENTS_QUEUE, "task": HANDLE_EVENT,
                                 "lock": f"{tenant_id}:{key}", "tenant": tenant_id,
                                 "outbox": outbox_id})


class TryAgain(Exception):
    """The event is not done yet (its handler failed, or an earlier event of its key waits)."""


@dataclass(frozen=True, slots=True)
class _OutboxBackoff(BaseRetryStrategy):
    """Retry until the outbox row is done or parked, waiting like the embedded worker."""

    policy: RetryPolicy

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if not isinstance(exception, TryAgain):
            # Not from process_event (which records its own failures): a bug or a lost
            # connection; retry too, the row is still pending.
            log.warning("job %s failed outside the event handler: %r", job.id, exception)
        seconds = self.policy.delay(job.attempts + 1).total_seconds()
        return RetryDecision(retry_in={"seconds": int(seconds)})


def _cron_every(seconds: float) -> str:
    """A six-field cron (seconds last, as croniter reads it) for "every n seconds"."""
    whole = max(1, min(59, int(seconds)))
    return "* * * * *" if seconds >= 60 else f"* * * * * */{whole}"


def build_app(url: str, db: Database, handler: EventHandler, clock: Clock,
              policy: RetryPolicy, *, sweep_seconds: float = 30.0, timer_seconds: float = 2.0,
              stalled_seconds: float = 30.0, pool_size: int = 6) -> procrastinate.App:
    """The procrastinate app of a worker process, with the event task and the schedules."""
    # The queue's own pool: fetching, finishing, heartbeats, LISTEN; jobs use ``db``'s pool.
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=conninfo(url), min_size=1, max_size=pool_size))
    stock = StockService(db, clock)

    @app.task(name=HANDLE_EVENT, queue=EVENTS_QUEUE, retry=_OutboxBackoff(policy))
    def handle_event(tenant_id: int, outbox_id: int) -> str:
        outcome = process_event(db, handler, tenant_id, outbox_id,
                                tenant_now(clock, tenant_id), policy)
        if outcome is Outcome.BLOCKED:
            # An earlier event of this key is pending but its job is behind ours (job and
            # event ids can interleave between two committing transactions, and a retried
            # parked event gets a new job). Holding the key's lock, we handle the earlier
            # events first, in order; their own jobs will find them done. Retrying instead
            # would wait forever: our waiting job would block theirs.
            for earlier_id in earlier_pending(db, tenant_id, outbox_id):
                earlier = process_event(db, handler, tenant_id, earlier_id,
                                        tenant_now(clock, tenant_id), policy)
                if earlier in (Outcome.RETRY, Outcome.BLOCKED):
                    raise TryAgain(f"event {outbox_id} waits for event {earlier_id}")
            outcome = process_event(db, handler, tenant_id, outbox_id,
                                    tenant_now(clock, tenant_id), policy)
        if outcome in (Outcome.RETRY, Outcome.BLOCKED):
            raise TryAgain(f"event {outbox_id}: {outcome}")
        return outcome.value

    @app.periodic(cron=_cron_every(sweep_seconds))
    @app.task(name="jxcflow.sweep_reservations", queue=PERIODIC_QUEUE,
              lock="jxcflow.sweep_reservations")
    def sweep_reservations(timestamp: int) -> int:
        return stock.sweep_expired()

    @app.periodic(cron=_cron_every(timer_seconds))
    @app.task(name="jxcflow.fire_timers", queue=PERIODIC_QUEUE, lock="jxcflow.fire_timers")
    def fire_timers(timestamp: int) -> int:
        # Sandbox tenants whose clock runs ahead: their due timers and lapsed holds too.
        return timers.fire_due(db, clock) + sandbox_clock.catch_up(db, clock)[0]

    @app.periodic(cron=_cron_every(max(stalled_seconds / 3, 1)))
    @app.task(name="jxcflow.retry_stalled_jobs", queue=PERIODIC_QUEUE,
              lock="jxcflow.retry_stalled_jobs")
    async def retry_stalled_jobs(timestamp: int) -> int:
        # Jobs of a worker whose heartbeat stopped (kill -9, lost machine) go back to todo.
        stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_seconds)
        for job in stalled:
            log.warning("job %s of a stalled worker goes back to the queue", job.id)
            await app.job_manager.retry_job(job)
        return len(list(stalled))

    _ = (handle_event, sweep_reservations, fire_timers, retry_stalled_jobs)
    return app


def run(url: str, db: Database, handler: EventHandler, clock: Clock, policy: RetryPolicy,
        *, concurrency: int = 4, heartbeat_seconds: float = 10.0,
        sweep_seconds: float = 30.0) -> None:
    """Run one worker process until SIGINT/SIGTERM (``jxcflow worker`` on PostgreSQL)."""
    stalled = heartbeat_seconds * 3
    app = build_app(url, db, handler, clock, policy, sweep_seconds=sweep_seconds,
                    stalled_seconds=stalled, pool_size=concurrency + 2)
    app.run_worker(queues=[EVENTS_QUEUE, PERIODIC_QUEUE], concurrency=concurrency,
                   update_heartbeat_interval=heartbeat_seconds, stalled_worker_timeout=stalled,
                   delete_jobs="successful")


__all__ = [
    "EVENTS_QUEUE",
    "HANDLE_EVENT",
    "TryAgain",
    "build_app",
    "conninfo",
    "defer_event_if_installed",
    "install",
    "is_installed",
    "run",
]

