"""Tenant clocks: a sandbox tenant's offset, seen by another process within the refresh."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import sandbox_clock
from engine.errors import NotSandboxTenant
from kernel import accounts
from kernel.clock import VirtualClock, tenant_now
from kernel.errors import InvalidInput
from kernel.tenant_clock import TenantClocks


class Ticks:
    """A monotonic counter the test moves (only paces re-reading offsets)."""

    def __init__(self) -> None:
        self.value = 0.0

    def __call__(self) -> float:
        return self.value


def test_an_advance_is_seen_here_at_once_and_elsewhere_after_the_refresh(database, clock):
    with database.write(None) as s:
        lab = accounts.create_tenant(s, "lab-clock", "沙箱", clock.now(), is_sandbox=True).id
        shop = accounts.create_tenant(s, "shop-clock", "正式", clock.now()).id
    here = TenantClocks(clock, database)
    ticks = Ticks()
    elsewhere = TenantClocks(clock, database, refresh_seconds=1.0, monotonic=ticks)
    assert elsewhere.now_for(lab) == clock.now()  # read once, offset 0

    moved = sandbox_clock.advance(database, here, lab, timedelta(hours=49))
    assert moved.offset_seconds == 49 * 3600
    assert here.now_for(lab) == clock.now() + timedelta(hours=49)
    assert tenant_now(here, shop) == here.now() == clock.now()
    assert elsewhere.now_for(lab) == clock.now()  # not re-read yet
    ticks.value = 1.0
    assert elsewhere.now_for(lab) == clock.now() + timedelta(hours=49)
    assert tenant_now(VirtualClock(clock.now()), lab) == clock.now()  # a plain clock: one time

    with pytest.raises(NotSandboxTenant) as refused:
        sandbox_clock.advance(database, here, shop, timedelta(hours=1))
    assert "shop-clock" in refused.value.render("zh-CN")
    with pytest.raises(InvalidInput):
        sandbox_clock.advance(database, here, lab, timedelta(days=400))
    assert here.offsets() == {lab: 49 * 3600}
