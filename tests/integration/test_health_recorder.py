"""The health recorder on SQLite and PostgreSQL: batches, bounds, pruning, threads.

Requests are not needed here (tests/api/test_health_api.py drives it through HTTP); this
exercises what a busy server would: many threads noting and flushing at once, a full
buffer, old rows, and a write that fails.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from inventory.health import SAMPLES_PER_MINUTE, InputOutcome, StockQuerySample
from kernel.tenant_clock import TenantClocks
from studio.health_recorder import HealthRecorder

ROUTE = "/api/v1/stock"


def _count(world: Any, model: Any) -> int:
    with world.db.read(None) as session:  # explicit filter: not relying on the scoping
        return session.scalar(select(func.count()).select_from(model)
                              .where(model.tenant_id == world.tenant_id)) or 0


def _recorder(world: Any, **options: Any) -> HealthRecorder:
    return HealthRecorder(world.db, TenantClocks(world.clock, world.db), **options)


def test_threads_noting_and_flushing_at_once_lose_nothing_and_write_once(world):
    recorder = _recorder(world)
    per_thread, threads = 5, 8  # 40 samples: under the per-minute quota of 60
    start = threading.Barrier(threads)

    def work(n: int) -> None:
        start.wait()
        for i in range(per_thread):
            recorder.sample(world.tenant_id, ROUTE, 200, 1_000 * (n + i))
            recorder.outcome(world.tenant_id, None, "refused", "request.invalid", 422, ROUTE)
            recorder.flush()

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    recorder.flush()
    assert _count(world, StockQuerySample) == per_thread * threads
    assert _count(world, InputOutcome) == per_thread * threads


def test_the_quota_per_minute_and_the_buffer_are_bounded(world):
    recorder = _recorder(world, max_buffer=10)
    for _ in range(25):
        recorder.outcome(world.tenant_id, None, "refused", "request.invalid", 422, ROUTE)
    assert recorder.dropped == 15  # the oldest went; the newest ten are kept
    recorder.flush()
    assert _count(world, InputOutcome) == 10

    recorder = _recorder(world)
    for _ in range(SAMPLES_PER_MINUTE + 15):
        recorder.sample(world.tenant_id, ROUTE, 200, 500)
    world.clock.advance(timedelta(minutes=1))
    recorder.sample(world.tenant_id, ROUTE, 200, 500)  # a new minute, a new quota
    recorder.flush()
    assert _count(world, StockQuerySample) == SAMPLES_PER_MINUTE + 1


def test_old_rows_are_pruned_and_a_failed_write_is_dropped_not_raised(world, world_factory):
    other = world_factory()
    recorder = _recorder(world, retention=timedelta(days=35))
    for w in (world, other):
        recorder.sample(w.tenant_id, ROUTE, 200, 500)
    recorder.flush()
    world.clock.advance(timedelta(days=36))
    recorder = _recorder(world, retention=timedelta(days=35))  # first flush prunes
    recorder.sample(world.tenant_id, ROUTE, 200, 700)
    recorder.flush()
    with world.db.read(None) as session:
        kept = session.scalars(select(StockQuerySample.duration_us)
                               .where(StockQuerySample.tenant_id == world.tenant_id)).all()
    assert kept == [700]  # the 36-day-old sample is gone
    assert _count(other, StockQuerySample) == 1  # another tenant's rows are not touched

    recorder.sample(10**12, ROUTE, 200, 500)  # no such tenant: the insert fails
    recorder.sample(world.tenant_id, ROUTE, 200, 800)
    recorder.flush()  # logs the failed tenant, writes the other
    assert _count(world, StockQuerySample) == 2
