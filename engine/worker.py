"""The embedded worker: a thread that drains the outbox, fires timers and sweeps holds.

Embedded mode (SQLite) runs it inside ``jxcflow serve``; ``jxcflow worker`` on SQLite runs
it as a process of its own. On PostgreSQL, ``jxcflow worker`` takes events through the
procrastinate queue instead (:mod:`engine.queue_pg`); this class still works there (the
studio's in-process worker, tests), because every event goes through the same
:func:`engine.dispatch.process_event`, which makes a second deliverer harmless.

Order: events are read in id order; once an event of a key is skipped (waiting for its
retry, or another worker holds it), later events of that key wait for the next round.
``process_event`` re-checks "no earlier pending event of this key" inside its own
transaction, so two workers side by side keep the order too.

Periodic work is the one list of :func:`engine.periodic.periodic_jobs`, run by a
:class:`~engine.periodic.PeriodicRunner` by deadline on the worker's clock, not by sleeping a
fixed time after each run; scheduled occurrences (the pool rebalance) are claimed in the
database, so two workers side by side run each once.

Waking. An idle worker waits ``poll_seconds`` between rounds, but any commit on its
database's engine in this process (a command appending its event, as in embedded mode)
wakes it at once: a command's reaction then follows in milliseconds instead of up to a
poll later. Writers in other processes are still seen at the next poll.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from typing import Any

from sqlalchemy import event

from engine.dispatch import (
    EventHandler,
    NullHandler,
    Outcome,
    RetryPolicy,
    pending_batch,
    process_event,
)
from engine.periodic import PeriodicJob, PeriodicRunner, periodic_jobs
from inventory import StockService
from inventory.planning import REBALANCE_INTERVAL_SECONDS, PoolService
from kernel.clock import Clock, tenant_now
from kernel.db import Database

log = logging.getLogger("jxcflow.worker")

#: Rounds of one drain at most: enough for retries with no backoff to reach "parked".
_MAX_ROUNDS = 1000


class Worker:
    """Drains the outbox through an :class:`EventHandler`, fires timers, sweeps holds."""

    def __init__(self, db: Database, clock: Clock, interval: float = 30.0, *,
                 handler: EventHandler | None = None, policy: RetryPolicy | None = None,
                 poll_seconds: float = 0.5, batch: int = 500,
                 rebalance_interval: float = REBALANCE_INTERVAL_SECONDS,
                 jobs: tuple[PeriodicJob, ...] | None = None) -> None:
        """Set up; nothing runs until :meth:`run_once`, :meth:`start` or :meth:`serve_forever`.

        Args:
            interval: seconds between sweeps (holds, shift snapshots, purchase lists).
            handler: reacts to each event; :class:`NullHandler` (acknowledge) by default.
            policy: retry backoff and when to park.
            poll_seconds: real seconds to wait when a round found nothing to do.
            rebalance_interval: seconds of tenant time between channel pool rebalances.
            jobs: the periodic work (default: :func:`~engine.periodic.periodic_jobs` with
                these intervals; timers are looked at every round).
        """
        self.db = db
        self.clock = clock
        self.interval = interval
        self.handler: EventHandler = handler or NullHandler()
        self.policy = policy or RetryPolicy()
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.stock = StockService(db, clock)
        self.pools = PoolService(db, clock)
        self.rebalance_interval = rebalance_interval
        self.jobs = jobs or periodic_jobs(sweep_seconds=interval,
                                          rebalance_seconds=rebalance_interval,
                                          timer_seconds=0)
        self.periodic = PeriodicRunner(db, clock, self.jobs)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> dict[str, int]:
        """One of everything: every periodic job (fire timers, sweep holds, shift snapshots,
        purchase lists, the rebalance when an occurrence is due), then drain the outbox."""
        done = self.periodic.run_due(force=True)
        outcomes = self.drain()
        return {"released": done.get("sweep_reservations", 0),
                "snapshots": done.get("take_shift_snapshots", 0),
                "rebalanced": done.get("rebalance_pools", 0),
                "purchase_lists": done.get("generate_purchase_lists", 0),
                "fired": done.get("fire_timers", 0),
                "drained": outcomes[Outcome.DONE],
                "retried": outcomes[Outcome.RETRY], "parked": outcomes[Outcome.PARKED]}

    def drain(self) -> Counter[Outcome]:
        """Handle every event that is ready now; returns the outcomes counted."""
        total: Counter[Outcome] = Counter()
        for _ in range(_MAX_ROUNDS):
            outcomes = self._round()
            total.update(outcomes)
            if not (outcomes[Outcome.DONE] or outcomes[Outcome.PARKED]
                    or outcomes[Outcome.RETRY]):
                break
        return total

    def _round(self) -> Counter[Outcome]:
        outcomes: Counter[Outcome] = Counter()
        waiting: set[tuple[int, str]] = set()  # keys whose earlier event is not done yet
        after_id = 0
        while True:
            now = self.clock.now()
            with self.db.read(None) as session:
                rows = pending_batch(session, after_id, self.batch)
            if not rows:
                return outcomes
            for row in rows:
                after_id = row.id
                key = (row.tenant_id, row.key)
                if key in waiting:
                    continue
                if row.next_attempt_at is not None and row.next_attempt_at > now:
                    waiting.add(key)
                    continue
                # A sandbox tenant's events are handled on its own (advanced) time.
                outcome = process_event(self.db, self.handler, row.tenant_id, row.id,
                                        tenant_now(self.clock, row.tenant_id), self.policy)
                outcomes[outcome] += 1
                if outcome in (Outcome.RETRY, Outcome.BLOCKED):
                    waiting.add(key)
                elif outcome is Outcome.PARKED:
                    log.warning("event %s parked after %d attempts", row.id,
                                self.policy.max_attempts)

    def serve_forever(self) -> None:
        """Run until :meth:`stop`; an error in one round is logged, never fatal."""
        while not self._stop.is_set():
            # Cleared before the round: a commit during it makes the wait below return.
            self._wake.clear()
            busy = False
            try:
                done = self.periodic.run_due()
                outcomes = self.drain()
                busy = bool(done.get("fire_timers") or outcomes[Outcome.DONE]
                            or outcomes[Outcome.PARKED])
            except Exception:
                log.exception("worker round failed; retrying at the next tick")
            if not busy and not self._stop.is_set():
                self._wake.wait(self.poll_seconds)

    def _committed(self, *_: Any) -> None:
        self._wake.set()

    def start(self) -> None:
        """Run in a daemon thread (embedded mode), woken by this process's commits."""
        self._stop.clear()
        event.listen(self.db.engine, "commit", self._committed)
        self._thread = threading.Thread(target=self.serve_forever, name="jxcflow-worker",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the loop to end and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if event.contains(self.db.engine, "commit", self._committed):
            event.remove(self.db.engine, "commit", self._committed)

