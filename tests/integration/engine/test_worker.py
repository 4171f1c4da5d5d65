"""The embedded worker: per-key order, retry with backoff, parking, redelivery."""

from __future__ import annotations

import random
import time
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select, update

from engine import Worker
from engine.dispatch import Outcome, RetryPolicy, process_event
from inventory import guarantees, queries
from inventory.models import LedgerEntry
from kernel.models import OutboxEvent
from tests.integration.engine.conftest import effect_keys, outbox
from tests.integration.engine.handlers import RecordingHandler, StockMovementHandler

NO_WAIT = RetryPolicy(max_attempts=5, base_seconds=0)


def _wait_until_handled(world, timeout: float = 60.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = outbox(world.db, world.tenant_id)
        if all(r.status != "pending" for r in rows):
            return rows
        time.sleep(0.05)
    raise AssertionError("events still pending after the timeout")


def test_events_of_one_key_apply_in_order_under_two_concurrent_workers(world, ticks):
    rng = random.Random(7)
    keys = [f"sku-{rng.randrange(4)}@WH-A" for _ in range(120)]
    event_ids = ticks(keys)
    # Some events fail once or twice first: their key's later events must wait for them.
    handler = RecordingHandler(world.tenant_id,
                               fail_first={n: rng.choice([1, 2]) for n in range(0, 120, 9)})
    workers = [Worker(world.db, world.clock, handler=handler, policy=NO_WAIT,
                      poll_seconds=0.01) for _ in range(2)]
    for w in workers:
        w.start()
    try:
        rows = _wait_until_handled(world)
    finally:
        for w in workers:
            w.stop()
    assert {r.status for r in rows} == {"done"}
    applied = effect_keys(world.db, world.tenant_id)
    assert len(applied) == len(set(applied)) == 120
    position = {key.split(":")[0]: i for i, key in enumerate(applied)}
    for key in set(keys):
        order = [position[e] for e, k in zip(event_ids, keys, strict=True) if k == key]
        assert order == sorted(order), f"events of {key} applied out of order"


def test_a_failing_event_backs_off_then_parks_with_its_error_and_its_key_goes_on(world, ticks):
    ticks(["order:SO-1", "order:SO-1", "order:SO-2"])
    policy = RetryPolicy(max_attempts=3, base_seconds=10, factor=2)
    worker = Worker(world.db, world.clock, handler=RecordingHandler(
        world.tenant_id, always_fail=frozenset({0})), policy=policy)

    summary = worker.run_once()
    first, second, other = outbox(world.db, world.tenant_id)
    assert summary["retried"] == 1 and summary["parked"] == 0
    assert (first.status, first.attempts) == ("pending", 1)
    assert "boom on tick 0, attempt 1" in first.last_error
    assert second.status == "pending"  # waits behind the failing event of its key
    assert other.status == "done"  # another key is not held up

    assert worker.run_once()["retried"] == 0  # backoff: not due before 10 s
    world.clock.advance(timedelta(seconds=10))
    assert worker.run_once()["retried"] == 1  # attempt 2; the next waits 20 s
    world.clock.advance(timedelta(seconds=19))
    assert worker.run_once()["parked"] == 0
    world.clock.advance(timedelta(seconds=1))
    summary = worker.run_once()
    assert summary["parked"] == 1 and summary["drained"] == 1  # then its key goes on

    first, second, _ = outbox(world.db, world.tenant_id)
    assert (first.status, first.attempts) == ("parked", 3)
    assert "RuntimeError: boom on tick 0, attempt 3" in first.last_error
    assert second.status == "done"


def test_delivering_the_same_event_twice_changes_nothing(world):
    world.item("FLOUR")
    event_id = guarantees.new_event_id()
    with world.db.write(world.tenant_id) as s:
        guarantees.append_event(s, world.tenant_id, event_id, "test.tick", "FLOUR@WH-A",
                                {"n": 0, "sku": "FLOUR", "warehouse": "WH-A", "qty": "5"},
                                world.clock.now())
    [row] = outbox(world.db, world.tenant_id)
    args = (world.db, StockMovementHandler(), world.tenant_id, row.id)
    assert process_event(*args, world.clock.now(), NO_WAIT) is Outcome.DONE
    assert process_event(*args, world.clock.now(), NO_WAIT) is Outcome.SKIPPED

    # Even a delivery that gets past the status check (a row restored from a backup, a
    # replay) finds the effect claimed and applies nothing.
    with world.db.write(world.tenant_id) as s:
        s.execute(update(OutboxEvent.__table__).where(OutboxEvent.id == row.id)
                  .values(status="pending"))
    assert process_event(*args, world.clock.now(), NO_WAIT) is Outcome.DONE

    with world.db.read(world.tenant_id) as s:
        balances, _ = queries.balances(s, sku="FLOUR", warehouse="WH-A", offset=0, limit=1)
        ledger = s.scalars(select(LedgerEntry.qty)).all()
    assert balances[0]["on_hand"] == Decimal(5)
    assert ledger == [Decimal(5)]
    assert effect_keys(world.db, world.tenant_id) == [f"{event_id}:test-v1:receive"]


def test_a_commit_in_this_process_wakes_the_idle_embedded_worker(world, ticks):
    # The poll is 60 s: only the wake-up on commit can make the event done before the bound.
    worker = Worker(world.db, world.clock, handler=RecordingHandler(world.tenant_id),
                    poll_seconds=60)
    worker.start()
    try:
        _wait_until_handled(world, timeout=5)  # nothing pending yet: the worker goes idle
        time.sleep(0.2)  # let it reach its wait (the test is about waking, not a race)
        started = time.monotonic()
        ticks(["sku-0@WH-A"])
        rows = _wait_until_handled(world, timeout=30)
        woke_after = time.monotonic() - started
    finally:
        worker.stop()
    assert [r.status for r in rows] == ["done"]
    assert woke_after < 30  # far below the 60 s poll: it was woken, not polled
