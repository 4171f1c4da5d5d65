"""A sandbox tenant moves its own clock: due timers fire and holds lapse, for it alone.

"Not shipped within 48 h" can then be tried end to end in a minute: confirm an order,
advance 49 h, and the timer fires, the rule alerts, the customer is frozen — in that
tenant only. Production tenants are refused (:class:`~engine.errors.NotSandboxTenant`):
their time is the real time. The engine never reads the wall clock: a tenant's time is
the clock it is given plus the offset stored on the tenant (:mod:`kernel.tenant_clock`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from engine import timers
from engine.errors import NotSandboxTenant
from inventory import StockService
from inventory.recipes import generate_due_purchase_lists
from kernel.clock import Clock
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


def advance(db: Database, clocks: TenantClocks, tenant_id: int, by: timedelta) -> Advanced:
    """Move the sandbox tenant's clock forward by ``by``, then fire its due timers and
    release its expired holds on its new time (the worker handles the fired events).

    Raises:
        NotSandboxTenant: the tenant is a production tenant.
        InvalidInput: ``by`` is not positive whole seconds up to :data:`MAX_ADVANCE`.
    """
    seconds = int(by.total_seconds())
    if seconds <= 0 or by > MAX_ADVANCE:
        raise InvalidInput(field="hours", reason="advance by more than 0 and at most 366 days",
                           reason_zh="须大于 0 且不超过 366 天")
    with db.write(None) as session:  # the tenant table is the tenants' own list
        tenant = session.execute(select(Tenant.code, Tenant.is_sandbox)
                                 .where(Tenant.id == tenant_id)).one()
        if not tenant.is_sandbox:
            raise NotSandboxTenant(tenant=tenant.code)
        offset = session.execute(
            update(Tenant).where(Tenant.id == tenant_id, Tenant.is_sandbox.is_(True))
            .values(clock_offset_seconds=Tenant.clock_offset_seconds + seconds)
            .returning(Tenant.clock_offset_seconds)).scalar_one()
    clocks.refresh()
    tenant_clock = clocks.for_tenant(tenant_id)
    fired, expired = catch_up_tenant(db, clocks, tenant_id)
    return Advanced(now=tenant_clock.now(), offset_seconds=int(offset), timers_fired=fired,
                    holds_expired=expired)


def catch_up_tenant(db: Database, clocks: TenantClocks, tenant_id: int) -> tuple[int, int]:
    """Fire the tenant's due timers, release its expired holds and make its due purchase
    lists (catering stores' 04:00 job), all on its own time."""
    fired = timers.fire_due(db, clocks.for_tenant(tenant_id), tenant_id=tenant_id)
    expired = StockService(db, clocks).sweep_expired(tenant_id)
    generate_due_purchase_lists(db, clocks, tenant_id)
    return fired, expired


def catch_up(db: Database, clock: Clock) -> tuple[int, int]:
    """For every sandbox tenant whose clock runs ahead: its due timers and expired holds.

    A worker calls it after its own pass on the product's time; with a clock that knows
    no tenants it does nothing. Returns (timers fired, holds released).
    """
    if not isinstance(clock, TenantClocks):
        return 0, 0
    fired = expired = 0
    for tenant_id in clock.offsets():
        more_fired, more_expired = catch_up_tenant(db, clock, tenant_id)
        fired, expired = fired + more_fired, expired + more_expired
    return fired, expired


__all__ = ["MAX_ADVANCE", "Advanced", "advance", "catch_up", "catch_up_tenant"]
