"""The base every other package stands on: settings, database, tenants, users, clock, errors."""

from __future__ import annotations

from kernel.clock import Clock, SystemClock, VirtualClock
from kernel.errors import DomainError, Forbidden, NotAuthenticated, NotFound
from kernel.settings import Settings, get_settings

__all__ = [
    "Clock",
    "DomainError",
    "Forbidden",
    "NotAuthenticated",
    "NotFound",
    "Settings",
    "SystemClock",
    "VirtualClock",
    "get_settings",
]
