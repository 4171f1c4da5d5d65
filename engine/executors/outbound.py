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
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from engine.decision import PlannedAction

#: The action kinds that go through the port (see :mod:`engine.actions.connectors`).
OUTBOUND_KINDS = frozenset({"call_webhook", "publish_mqtt"})


class OutboundPort(Protocol):
    """Accepts connector actions inside the worker's transaction (tenant-scoped session)."""

    def submit(self, session: Session, tenant_id: int, action: PlannedAction,
               now: datetime) -> None:
        """Record ``action`` durably for sending; raise to fail (and retry) the event."""
        ...


class ConnectorCatalogue(Protocol):
    """Tells the checker which outbound connectors a tenant has (tenant-scoped session)."""

    def names(self, session: Session, kind: str) -> Sequence[str]:
        """The enabled connectors' names of ``kind`` (``webhook`` | ``mqtt``)."""
        ...


_lock = threading.Lock()
_port: OutboundPort | None = None
_catalogue: ConnectorCatalogue | None = None


def register_catalogue(catalogue: ConnectorCatalogue | None) -> None:
    """Install the connectors' catalogue for this process (``None`` removes it). The
    composition root does it, whether or not this process also sends deliveries."""
    global _catalogue
    with _lock:
        _catalogue = catalogue


def catalogue() -> ConnectorCatalogue | None:
    """The connectors' catalogue of this process, if one was registered."""
    return _catalogue


def register(port: OutboundPort | None) -> None:
    """Install ``port`` for this process (``None`` removes it)."""
    global _port
    with _lock:
        _port = port


def registered() -> OutboundPort | None:
    """The port of this process, if one was registered."""
    return _port


__all__ = ["OUTBOUND_KINDS", "ConnectorCatalogue", "OutboundPort", "catalogue",
           "register", "register_catalogue", "registered"]
