"""The worker: periodic jobs (reservation sweep) and draining the outbox.

Embedded mode (SQLite) runs it as a thread of ``jxcflow serve``; ``jxcflow worker`` runs
it as its own process. Periodic work is scheduled by deadline, not by sleeping a fixed
time after each run, so a slow run does not push the schedule.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from sqlalchemy import update

from inventory import StockService
from kernel.clock import Clock
from kernel.db import Database
from kernel.models import OutboxEvent

log = logging.getLogger("jxcflow.worker")


class Worker:
    """Runs the sweep every ``interval`` seconds and marks drained outbox events done."""

    def __init__(self, db: Database, clock: Clock, interval: float = 30.0) -> None:
        self.db = db
        self.clock = clock
        self.interval = interval
        self.stock = StockService(db, clock)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> dict[str, int]:
        """One round: release expired holds, then acknowledge pending outbox events.

        Reaction rules (the engine issue) will consume the events here; until then an
        event is marked done so the outbox does not grow without bound.
        """
        released = self.stock.sweep_expired()
        drained = self._drain(self.clock.now())
        return {"released": released, "drained": drained}

    def _drain(self, now: datetime, batch: int = 1000) -> int:
        table = OutboxEvent.__table__
        with self.db.write(None) as session:
            result = session.execute(
                update(table).where(table.c.status == "pending")
                .values(status="done", processed_at=now, attempts=table.c.attempts + 1))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def serve_forever(self) -> None:
        """Run rounds until :meth:`stop`; an error in one round is logged, never fatal."""
        while not self._stop.is_set():
            try:
                summary = self.run_once()
                if any(summary.values()):
                    log.info("worker round: %s", summary)
            except Exception:
                log.exception("worker round failed; retrying at the next tick")
            self._stop.wait(self.interval)

    def start(self) -> None:
        """Run in a daemon thread (embedded mode)."""
        self._thread = threading.Thread(target=self.serve_forever, name="jxcflow-worker",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the loop to end and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
