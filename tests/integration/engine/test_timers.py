"""Durable timers: fire exactly once after a restart, never when cancelled."""

from __future__ import annotations

from datetime import timedelta

from engine import Worker, timers
from tests.integration.engine.conftest import outbox


def _fired_events(world) -> list:
    return [r for r in outbox(world.db, world.tenant_id) if r.type == timers.TIMER_FIRED]


def test_a_48h_timer_armed_before_a_restart_fires_exactly_once_after_it(world):
    now = world.clock.now()
    with world.db.write(world.tenant_id) as s:
        timer_id = timers.arm(s, world.tenant_id, "sales_order:SO-7:not_shipped",
                              now + timedelta(hours=48), {"order_no": "SO-7"}, now)
    before = Worker(world.db, world.clock)
    world.clock.advance(timedelta(hours=47, minutes=59))
    assert before.run_once()["fired"] == 0
    del before  # the process restarts: a new worker knows only what the database knows

    after = Worker(world.db, world.clock)
    world.clock.advance(timedelta(minutes=1))
    assert after.run_once()["fired"] == 1
    assert after.run_once()["fired"] == 0
    assert Worker(world.db, world.clock).run_once()["fired"] == 0  # nor a third worker
    [event] = _fired_events(world)
    assert event.key == "sales_order:SO-7:not_shipped"
    assert event.payload["timer_id"] == timer_id
    assert event.payload["payload"] == {"order_no": "SO-7"}
    assert event.status == "done"  # and its reaction ran through the outbox


def test_a_cancelled_timer_never_fires_and_rearming_moves_the_deadline(world):
    now = world.clock.now()
    with world.db.write(world.tenant_id) as s:
        timers.arm(s, world.tenant_id, "sales_order:SO-8:not_shipped",
                   now + timedelta(hours=48), {}, now)
        timers.arm(s, world.tenant_id, "reservation:R-1:expiry", now + timedelta(hours=2),
                   {}, now)
        timers.arm(s, world.tenant_id, "reservation:R-1:expiry", now + timedelta(hours=3),
                   {}, now)
    world.clock.advance(timedelta(hours=1))
    with world.db.write(world.tenant_id) as s:  # shipment.shipped came in time
        assert timers.cancel(s, world.tenant_id, "sales_order:SO-8:not_shipped",
                             world.clock.now()) == 1
    worker = Worker(world.db, world.clock)
    world.clock.advance(timedelta(hours=1, minutes=30))
    assert worker.run_once()["fired"] == 0  # the hold was re-armed for 3 h
    world.clock.advance(timedelta(days=3))
    assert worker.run_once()["fired"] == 1
    assert [e.key for e in _fired_events(world)] == ["reservation:R-1:expiry"]
