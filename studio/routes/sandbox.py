"""A sandbox tenant's own clock: read it, and move it forward to try time-based rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from engine import sandbox_clock
from kernel.clock import tenant_now
from kernel.models import Tenant
from kernel.tenant_clock import TenantClocks
from studio.deps import Admin, ClockDep, DbDep, StockReader

router = APIRouter(tags=["sandbox"])


class ClockAdvance(BaseModel):
    """How far to move the clock: ``{"hours": 48}`` (minutes may be added)."""

    model_config = ConfigDict(extra="forbid")
    hours: Annotated[int, Field(ge=0, le=8784, examples=[48])] = 0
    minutes: Annotated[int, Field(ge=0, le=527040)] = 0


class ClockOut(BaseModel):
    """A tenant's time: the product's, plus how far a sandbox tenant moved its clock."""

    is_sandbox: bool
    now: datetime
    offset_seconds: int
    #: After an advance: timers that came due and holds that lapsed on the new time.
    timers_fired: int = 0
    holds_expired: int = 0
    #: After an advance: what each periodic job did on the way (e.g. ``rebalance_pools``
    #: runs, ``take_shift_snapshots`` snapshots), for this tenant only.
    periodic: dict[str, int] = {}


def _clocks(request: Request) -> TenantClocks:
    clocks: TenantClocks = request.app.state.clock
    return clocks


@router.get("/sandbox/clock", response_model=ClockOut)
def read_clock(principal: StockReader, db: DbDep, clock: ClockDep) -> ClockOut:
    """The caller's tenant time (a production tenant's is the real time)."""
    with db.read(None) as session:
        tenant = session.execute(select(Tenant.is_sandbox, Tenant.clock_offset_seconds)
                                 .where(Tenant.id == principal.tenant_id)).one()
    return ClockOut(is_sandbox=tenant.is_sandbox, now=tenant_now(clock, principal.tenant_id),
                    offset_seconds=tenant.clock_offset_seconds)


@router.post("/sandbox/clock/advance", response_model=ClockOut,
             responses={409: {"description": "A production tenant's clock cannot move."}})
def advance_clock(body: ClockAdvance, principal: Admin, db: DbDep,
                  request: Request) -> ClockOut:
    """Move a sandbox tenant's clock forward (admins only); everything periodic the move
    passes over happens at once, in order, for this tenant only: due timers fire, expired
    holds are released, shift snapshots are taken, each 15-minute pool rebalance passed
    runs once. A production tenant gets 409."""
    moved = sandbox_clock.advance(db, _clocks(request), principal.tenant_id,
                                  timedelta(hours=body.hours, minutes=body.minutes),
                                  jobs=request.app.state.periodic_jobs)
    return ClockOut(is_sandbox=True, now=moved.now, offset_seconds=moved.offset_seconds,
                    timers_fired=moved.timers_fired, holds_expired=moved.holds_expired,
                    periodic=moved.periodic)
