"""Time comes from a clock you can hold: the wall clock in production, a virtual one in tests."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current aware-UTC time."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware in UTC."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        """Return the wall-clock time in UTC."""
        return datetime.now(UTC)


class VirtualClock:
    """A clock that only moves when told to (tests, sandbox, replays)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)
        self._lock = threading.Lock()
        if self._now.tzinfo is None:
            raise ValueError("VirtualClock needs an aware datetime")

    def now(self) -> datetime:
        """Return the held time."""
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by ``delta`` and return the new time."""
        if delta < timedelta(0):
            raise ValueError("a clock never goes backwards")
        with self._lock:
            self._now += delta
            return self._now


class OffsetClock:
    """Another clock, running ``offset`` ahead: a sandbox tenant's time."""

    def __init__(self, base: Clock, offset: timedelta) -> None:
        self.base = base
        self.offset = offset

    def now(self) -> datetime:
        """The base clock's time plus the offset."""
        return self.base.now() + self.offset


def tenant_now(clock: Clock, tenant_id: int | None) -> datetime:
    """The time of ``tenant_id`` on ``clock``: a clock that knows tenants (``now_for``, see
    :class:`kernel.tenant_clock.TenantClocks`) answers per tenant; any other clock is one
    time for all."""
    now_for = getattr(clock, "now_for", None)
    if tenant_id is None or now_for is None:
        return clock.now()
    moment: datetime = now_for(tenant_id)
    return moment
