"""What evaluation returns: a decision of ordered actions, each with its provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """A business event as evaluation sees it (from the outbox or a connector)."""

    id: str
    type: str
    tenant_id: int
    occurred_at: datetime
    #: Entities in scope by name, e.g. ``{"order": {...}, "customer": {...}}``.
    payload: dict[str, Any]
    key: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """Which event, rule, version and node produced an action."""

    event_id: str
    rule_id: str
    version: str
    node_id: str

    @property
    def effect_key(self) -> str:
        """The idempotency key of applying this action: event + version + node."""
        return f"{self.event_id}:{self.version[:16]}:{self.node_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedAction:
    """An action with its arguments evaluated to values."""

    kind: str
    args: tuple[tuple[str, Any], ...]
    provenance: Provenance

    def arg(self, name: str, default: Any = None) -> Any:
        """The evaluated argument ``name``."""
        return next((v for n, v in self.args if n == name), default)


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceStep:
    """One node's input and result, recorded when ``trace=True``."""

    rule_id: str
    node_id: str
    result: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """The ordered actions for one event; ``blocked`` is set when a guard refuses."""

    event_id: str
    version: str
    actions: tuple[PlannedAction, ...] = ()
    blocked: PlannedAction | None = None
    #: New short-window state per (rule id, correlation key), saved with the event.
    windows: tuple[tuple[str, str, Any], ...] = ()
    trace: tuple[TraceStep, ...] | None = field(default=None)
