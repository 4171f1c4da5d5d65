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

Periodic work is scheduled by deadline on the worker's clock, not by sleeping a fixed time
after each run: a slow run does not push the schedule, and a virtual clock drives it.

Waking. An idle worker waits ``poll_seconds`` between rounds, but any commit on its
database's engine in this process (a command appending its event, as in embedded mode)
wakes it at once: a command's reaction then follows in milliseconds instead of up to a
poll later. Writers in other processes are still seen at the next poll.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event

from engine import sandbox_clock, timers
from engine.dispatch import (
    EventHandler,
    NullHandler,
    Outcome,
    RetryPolicy,
    pending_batch,
    process_event,
)
from inventory import StockService
from inventory.documents import take_due_snapshots
from inventory.planning import REBALANCE_INTERVAL_SECONDS, PoolService
from inventory.recipes import generate_due_purchase_lists
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
                 rebalance_interval: float = REBALANCE_INTERVAL_SECONDS) -> None:
        """Set up; nothing runs until :meth:`run_once`, :meth:`start` or :meth:`serve_forever`.

        Args:
            interval: seconds between reservation sweeps.
            handler: reacts to each event; :class:`NullHandler` (acknowledge) by default.
            policy: retry backoff and when to park.
            poll_seconds: real seconds to wait when a round found nothing to do.
            rebalance_interval: seconds between channel pool rebalance runs (15 min).
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
        self._next_rebalance: datetime | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> dict[str, int]:
        """One of everything: sweep expired holds, take due shift snapshots, make due purchase
        lists, rebalance pools when due, fire due timers, drain the outbox."""
        released = self.stock.sweep_expired()
        snapshots = take_due_snapshots(self.db, self.clock.now())
        purchase_lists = generate_due_purchase_lists(self.db, self.clock)
        rebalanced = self.rebalance_if_due()
        fired = timers.fire_due(self.db, self.clock)
        sandbox_fired, sandbox_released = sandbox_clock.catch_up(self.db, self.clock)
        fired, released = fired + sandbox_fired, released + sandbox_released
        outcomes = self.drain()
        return {"released": released, "snapshots": snapshots, "rebalanced": rebalanced,
                "purchase_lists": purchase_lists,
                "fired": fired,
                "drained": outcomes[Outcome.DONE],
                "retried": outcomes[Outcome.RETRY], "parked": outcomes[Outcome.PARKED]}

    def rebalance_if_due(self) -> int:
        """Rebalance every tenant's channel pools when the interval is up; tenants rebalanced."""
        now = self.clock.now()
        if self._next_rebalance is not None and now < self._next_rebalance:
            return 0
        self._next_rebalance = _next_deadline(self._next_rebalance, now,
                                              self.rebalance_interval)
        return self.pools.rebalance_pools(now)

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
        next_sweep: datetime | None = None
        while not self._stop.is_set():
            # Cleared before the round: a commit during it makes the wait below return.
            self._wake.clear()
            busy = False
            try:
                now = self.clock.now()
                if next_sweep is None or now >= next_sweep:
                    released = self.stock.sweep_expired()
                    take_due_snapshots(self.db, now)
                    generate_due_purchase_lists(self.db, self.clock)
                    next_sweep = _next_deadline(next_sweep, now, self.interval)
                    if released:
                        log.info("released %d expired holds", released)
                self.rebalance_if_due()
                fired = timers.fire_due(self.db, self.clock)
                fired += sandbox_clock.catch_up(self.db, self.clock)[0]
                outcomes = self.drain()
                busy = bool(fired or outcomes[Outcome.DONE] or outcomes[Outcome.PARKED])
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


def _next_deadline(previous: datetime | None, now: datetime, interval: float) -> datetime:
    """The next deadline after ``now`` on the grid ``previous + k × interval``."""
    step = timedelta(seconds=interval)
    deadline = (previous or now) + step
    if deadline <= now:  # we were late: skip the missed slots, keep the grid
        missed = (now - deadline) // step + 1
        deadline += step * missed
    return deadline
