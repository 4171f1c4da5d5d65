"""A sandbox tenant moves its own clock: due timers fire and holds lapse, for it alone.

"Not shipped within 48 h" can then be tried end to end in a minute: confirm an order,
advance 49 h, and the timer fires, the rule alerts, the customer is frozen — in that
tenant only. Everything periodic the move passes over happens too, in order: pool
rebalances, shift snapshots, purchase lists (:mod:`engine.periodic`). Production tenants
are refused (:class:`~engine.errors.NotSandboxTenant`): their time is the real time. The
engine never reads the wall clock: a tenant's time is the clock it is given plus the offset
stored on the tenant (:mod:`kernel.tenant_clock`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update

from engine import periodic
from engine.errors import NotSandboxTenant
from engine.periodic import PeriodicJob, periodic_jobs
from kernel.clock import tenant_now
from kernel.db import Database
from kernel.errors import InvalidInput
from kernel.models import Tenant
from kernel.tenant_clock import TenantClocks

#: The furthest one call may move a clock (a year).
MAX_ADVANCE = timedelta(days=366)


@dataclass(frozen=True, slots=True, kw_only=True)
class Advanced:
    """Where a sandbox tenant's clock stands after a move, and what came due."""

    now: datetime
    offset_seconds: int
    timers_fired: int
    holds_expired: int
    #: What each periodic job did for the tenant during the move (runs, snapshots, …).
    periodic: dict[str, int] = field(default_factory=dict)


def advance(db: Database, clocks: TenantClocks, tenant_id: int, by: timedelta,
            jobs: Sequence[PeriodicJob] | None = None) -> Advanced:
    """Move the sandbox tenant's clock forward by ``by``, then run, on its new time, the
    periodic work the move passed over (:func:`engine.periodic.periodic_jobs`, or ``jobs``):
    due timers fire, expired holds are released, shift snapshots are taken for every shift
    end passed, purchase lists made, and each scheduled occurrence passed (a pool rebalance
    every 15 minutes) runs once, oldest first. The worker handles the fired events.

    Raises:
        NotSandboxTenant: the tenant is a production tenant.
        InvalidInput: ``by`` is not positive whole seconds up to :data:`MAX_ADVANCE`.
    """
    seconds = int(by.total_seconds())
    if seconds <= 0 or by > MAX_ADVANCE:
        raise InvalidInput(field="hours", reason="advance by more than 0 and at most 366 days",
                           reason_zh="须大于 0 且不超过 366 天")
    jobs = tuple(jobs) if jobs is not None else periodic_jobs()
    clocks.refresh()
    with db.write(None) as session:  # the tenant table is the tenants' own list
        tenant = session.execute(select(Tenant.code, Tenant.is_sandbox, Tenant.clock_offset_seconds)
                                 .where(Tenant.id == tenant_id).with_for_update()).one()
        if not tenant.is_sandbox:
            raise NotSandboxTenant(tenant=tenant.code)
        before = clocks.now() + timedelta(seconds=int(tenant.clock_offset_seconds))
        # Where counting starts, committed with the move: a worker that sees the new time
        # also sees the anchor, and walks the same occurrences upwards.
        periodic.anchor(session, jobs, tenant_id, before)
        offset = session.execute(
            update(Tenant).where(Tenant.id == tenant_id, Tenant.is_sandbox.is_(True))
            .values(clock_offset_seconds=Tenant.clock_offset_seconds + seconds)
            .returning(Tenant.clock_offset_seconds)).scalar_one()
    clocks.refresh()
    done = periodic.catch_up_tenant(db, clocks, jobs, tenant_id, before)
    return Advanced(now=tenant_now(clocks, tenant_id), offset_seconds=int(offset),
                    timers_fired=done.get("fire_timers", 0),
                    holds_expired=done.get("sweep_reservations", 0), periodic=done)


__all__ = ["MAX_ADVANCE", "Advanced", "advance"]
