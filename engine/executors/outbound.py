"""The port through which the production executor hands connector actions to the outer layer.

``call webhook``, ``publish mqtt`` and ``http call`` reach outside the database, which the
engine must not do inside the event's transaction. The executor instead gives each such
action to the registered :class:`OutboundPort`, in that same transaction, after claiming its
effect key: the port writes a durable delivery row, and the connectors runtime sends it
later (with retries) from the worker process. The connectors package registers its port at
app or worker start (``connectors.runtime``); the engine never imports it (layers).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from engine.decision import PlannedAction

#: The action kinds that go through the port.
OUTBOUND_KINDS = frozenset({"call_webhook", "publish_mqtt", "http_call"})


class OutboundPort(Protocol):
    """Accepts connector actions inside the worker's transaction (tenant-scoped session)."""

    def submit(self, session: Session, tenant_id: int, action: PlannedAction,
               now: datetime) -> None:
        """Record ``action`` durably for sending; raise to fail (and retry) the event."""
        ...


_lock = threading.Lock()
_port: OutboundPort | None = None


def register(port: OutboundPort | None) -> None:
    """Install ``port`` for this process (``None`` removes it)."""
    global _port
    with _lock:
        _port = port


def registered() -> OutboundPort | None:
    """The port of this process, if one was registered."""
    return _port


def appliers(session: Session, tenant_id: int,
             now: datetime) -> dict[str, Callable[[PlannedAction], None]]:
    """The executor's apply functions for the outbound kinds; empty when no port is set,
    so those actions stay "not supported yet" instead of being claimed and lost."""
    port = _port
    if port is None:
        return {}

    def submit(action: PlannedAction) -> None:
        port.submit(session, tenant_id, action, now)

    return dict.fromkeys(OUTBOUND_KINDS, submit)


__all__ = ["OUTBOUND_KINDS", "OutboundPort", "appliers", "register", "registered"]
