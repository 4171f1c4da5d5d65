"""Every tenant's clock: the product's clock, and sandbox tenants' clocks that run ahead.

A sandbox tenant (``Tenant.is_sandbox``) may move its own clock forward, so a rule about
48 hours can be tried in a minute: its offset is stored on the tenant row, and
:class:`TenantClocks` adds it to the product clock for that tenant only. Production
tenants always have offset 0. Offsets are re-read from the database at most every
``refresh_seconds`` (and at once after an advance in this process), so other processes
(workers, other API servers) follow within that time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from kernel.clock import Clock, OffsetClock
from kernel.db import Database
from kernel.models import Tenant


class TenantClocks:
    """A :class:`~kernel.clock.Clock` whose ``now_for(tenant_id)`` knows sandbox offsets."""

    def __init__(self, base: Clock, db: Database, refresh_seconds: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        """``monotonic`` only paces re-reading offsets; the time itself is ``base``'s."""
        self.base = base
        self.db = db
        self.refresh_seconds = refresh_seconds
        self._monotonic = monotonic
        self._offsets: dict[int, int] = {}
        self._read_at: float | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The product's time (every production tenant's)."""
        return self.base.now()

    def now_for(self, tenant_id: int) -> datetime:
        """The time of ``tenant_id``: the product's, plus its sandbox offset."""
        seconds = self._current().get(tenant_id, 0)
        now = self.base.now()
        return now + timedelta(seconds=seconds) if seconds else now

    def for_tenant(self, tenant_id: int) -> Clock:
        """``tenant_id``'s clock on its own."""
        return OffsetClock(self.base, timedelta(seconds=self.offsets().get(tenant_id, 0)))

    def offsets(self) -> dict[int, int]:
        """Seconds ahead, by sandbox tenant whose clock was moved (others are 0)."""
        return dict(self._current())

    def _current(self) -> dict[int, int]:
        """The offsets, re-read when stale; the dict is replaced on refresh, never changed."""
        read_at = self._read_at
        if read_at is None or self._monotonic() - read_at >= self.refresh_seconds:
            self.refresh()
        return self._offsets

    def refresh(self) -> None:
        """Read the offsets from the database now."""
        with self.db.read(None) as session:
            rows = session.execute(select(Tenant.id, Tenant.clock_offset_seconds).where(
                Tenant.is_sandbox.is_(True), Tenant.clock_offset_seconds != 0)).all()
        offsets = {int(r.id): int(r.clock_offset_seconds) for r in rows}
        with self._lock:
            self._offsets = offsets
            self._read_at = self._monotonic()


__all__ = ["TenantClocks"]
