"""Durable timers: "not shipped within 48 h", a hold's expiry — rows, not sleeping threads.

A timer is armed inside the transaction of the event that starts the wait and cancelled
inside the transaction of the event that ends it, so a crash between the two can neither
lose it nor leave it armed by mistake. A worker fires due timers (``fire_at <=
clock.now()``, any clock, so tests move a :class:`~kernel.clock.VirtualClock` and never
sleep) by moving each from ``armed`` to ``fired`` with a conditional UPDATE in the same
transaction that appends its ``timer.fired`` event to the outbox; the reaction to that
event then runs like any other event's, exactly once in effect.

Why a restart neither loses nor repeats a timer: the timer is a committed row until the
transaction that fires it commits, and that transaction's conditional UPDATE matches only
``status = 'armed'`` — a second firer (another worker, the same worker after a restart)
updates zero rows and appends nothing. On PostgreSQL the due rows are also taken with
``FOR UPDATE SKIP LOCKED`` so concurrent workers split the batch instead of queueing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from inventory import guarantees
from kernel.clock import Clock
from kernel.db import Database
from kernel.models import DurableTimer

_timer = cast(Table, DurableTimer.__table__)
_t = _timer.c
TIMER_FIRED = "timer.fired"


def arm(session: Session, tenant_id: int, key: str, fire_at: datetime,
        payload: dict[str, Any], now: datetime) -> int:
    """Arm a timer in the caller's transaction and return its id.

    An armed timer with the same ``key`` is replaced (cancelled): re-arming moves the
    deadline instead of adding a second alarm.

    Raises:
        ValueError: ``fire_at`` is naive.
    """
    if fire_at.tzinfo is None:
        raise ValueError("a timer needs an aware fire_at")
    cancel(session, tenant_id, key, now)
    result = session.execute(_timer.insert().values(
        tenant_id=tenant_id, key=key, fire_at=fire_at, payload=payload, status="armed",
        armed_at=now).returning(_t.id))
    return int(result.scalar_one())


def cancel(session: Session, tenant_id: int, key: str, now: datetime) -> int:
    """Cancel the armed timer(s) of ``key`` (the awaited event came); returns how many."""
    result = session.execute(
        update(_timer)
        .where(_t.tenant_id == tenant_id, _t.key == key, _t.status == "armed")
        .values(status="cancelled", ended_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def fire_due(db: Database, clock: Clock, limit: int = 500, *,
             tenant_id: int | None = None) -> int:
    """Fire every timer whose time has come (up to ``limit``); returns how many fired.

    With ``tenant_id``, only that tenant's timers, on ``clock`` (a sandbox tenant's own).
    """
    now = clock.now()
    fired = 0
    # Without a tenant: a system session, due timers of every tenant.
    with db.write(tenant_id) as session:
        where = [_t.status == "armed", _t.fire_at <= now]
        if tenant_id is not None:
            where.append(_t.tenant_id == tenant_id)
        due = session.execute(
            select(_t.id, _t.tenant_id, _t.key, _t.fire_at, _t.payload)
            .where(*where)
            .order_by(_t.fire_at, _t.id).limit(limit)
            .with_for_update(skip_locked=True)).all()
        for timer in due:
            result = session.execute(
                update(_timer)
                .where(_t.id == timer.id, _t.status == "armed")
                .values(status="fired", ended_at=now))
            if result.rowcount != 1:  # type: ignore[attr-defined]
                continue  # cancelled or fired by someone else meanwhile
            guarantees.append_event(
                session, timer.tenant_id, guarantees.new_event_id(), TIMER_FIRED, timer.key,
                {"timer_id": timer.id, "key": timer.key,
                 "fire_at": timer.fire_at.isoformat(), "payload": timer.payload}, now)
            fired += 1
    return fired


__all__ = ["TIMER_FIRED", "arm", "cancel", "fire_due"]
