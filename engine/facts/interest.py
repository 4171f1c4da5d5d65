"""Which event types a tenant's rules hear: the engine's answer to the inventory's question.

``stock.level_changed`` and ``channel_pool.changed`` are written only for tenants with a
production or shadow version that triggers on them (or counts or awaits them). The answer
is cached per tenant for :data:`TTL` of tenant time, so the hot path pays one dictionary
lookup; a version entering production or shadow in this process forgets the tenant's
entry at once, and another process sees it within the TTL.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any, Final
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.canonical import from_data
from engine.compiler import compile_rule_set
from engine.ir import RuleSet
from engine.models import RuleSetVersion
from inventory import levels

TTL: Final = timedelta(seconds=1)


class EventInterest:
    """Per tenant, the event types its production and shadow versions listen to."""

    def __init__(self, ttl: timedelta = TTL) -> None:
        self.ttl = ttl
        self._tenants: WeakKeyDictionary[Any, dict[int, tuple[datetime, frozenset[str]]]] = \
            WeakKeyDictionary()
        self._heard: dict[str, frozenset[str]] = {}  # version hash → event types
        self._lock = threading.Lock()

    def wants(self, session: Session, tenant_id: int, event_type: str, now: datetime) -> bool:
        """True when some production or shadow version of the tenant hears ``event_type``."""
        bind = session.get_bind()
        tenants = self._tenants.get(bind)  # per database: tests and tools open several
        hit = tenants.get(tenant_id) if tenants is not None else None
        # Expired, or the tenant's clock is behind when it was cached (a sandbox reset).
        if hit is None or not now < hit[0] <= now + self.ttl:
            hit = (now + self.ttl, self._load(session))
            with self._lock:
                self._tenants.setdefault(bind, {})[tenant_id] = hit
        return event_type in hit[1]

    def forget(self, tenant_id: int | None = None) -> None:
        """Drop the cached answer of ``tenant_id`` (every tenant's when None)."""
        with self._lock:
            for tenants in self._tenants.values():
                if tenant_id is None:
                    tenants.clear()
                else:
                    tenants.pop(tenant_id, None)

    def _load(self, session: Session) -> frozenset[str]:
        hashes = session.scalars(select(RuleSetVersion.version_hash).where(
            RuleSetVersion.state.in_(("production", "shadow")))).all()
        heard: set[str] = set()
        for digest in set(hashes):
            types = self._heard.get(digest)
            if types is None:
                data = session.scalar(select(RuleSetVersion.ir).where(
                    RuleSetVersion.version_hash == digest).limit(1))
                rule_set = from_data(data)
                assert isinstance(rule_set, RuleSet)
                plan = compile_rule_set(rule_set)
                types = frozenset((*plan.by_event, *plan.awaited, *plan.counted))
                self._heard[digest] = types
            heard |= types
        return frozenset(heard)


_INTEREST = EventInterest()


def install_interest() -> EventInterest:
    """Fill the inventory's seam with the engine's interest (idempotent); returns it."""
    levels.install(_INTEREST)
    return _INTEREST


def forget_interest(tenant_id: int | None = None) -> None:
    """A version of ``tenant_id`` entered or left production or shadow: ask again."""
    _INTEREST.forget(tenant_id)
