"""Gray release: which production version of a rule set an event runs under.

A version promoted with a rollout (some warehouses, some channels, a percentage of keys)
runs beside the previous production version; an event goes to the new one only when it
matches every criterion given. The percentage is a stable hash of the rule set's name and
the event's key, so a key always gets the same version, and widening 30 % → 50 % keeps
every key that was already on the new version there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.compiler import Plan
from engine.decision import Event
from engine.governance.errors import BadRollout
from engine.governance.models import VersionGovernance
from engine.models import RuleSetVersion
from engine.rulesets import PlanCache

_BUCKETS = 10_000


def validate_rollout(rollout: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A clean rollout spec (None = everyone).

    Raises:
        BadRollout: no criterion given, or a percentage outside 1..100.
    """
    if rollout is None:
        return None
    warehouses = [str(w) for w in rollout.get("warehouses") or []]
    channels = [str(c) for c in rollout.get("channels") or []]
    percent = rollout.get("percent")
    if percent is not None and not (0 < float(percent) <= 100):
        raise BadRollout(reason=f"percent must be in 1..100, got {percent}")
    if not warehouses and not channels and percent is None:
        raise BadRollout(reason="name warehouses, channels or a percent")
    if percent is not None and float(percent) == 100 and not warehouses and not channels:
        return None
    return {"warehouses": warehouses, "channels": channels,
            "percent": None if percent is None else float(percent)}


def bucket(rule_set: str, key: str) -> int:
    """The key's stable bucket in 0..9,999 for this rule set."""
    digest = hashlib.sha256(f"{rule_set}\x1f{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % _BUCKETS


def _first(payload: Mapping[str, Any], *paths: tuple[str, ...]) -> str | None:
    for path in paths:
        value: Any = payload
        for part in path:
            value = value.get(part) if isinstance(value, Mapping) else None
        if value is not None:
            return str(value)
    return None


def event_warehouse(event: Event) -> str | None:
    """The warehouse an event concerns, wherever its payload names it."""
    return _first(event.payload, ("warehouse",), ("order", "warehouse"),
                  ("reservation", "warehouse_code"))


def event_channel(event: Event) -> str | None:
    """The sales channel an event concerns."""
    return _first(event.payload, ("channel",), ("order", "channel_id"),
                  ("channel_pool", "channel_id"))


def matches(rule_set: str, rollout: Mapping[str, Any], event: Event) -> bool:
    """True when ``event`` falls inside the rollout (every given criterion holds)."""
    if rollout.get("warehouses") and event_warehouse(event) not in rollout["warehouses"]:
        return False
    if rollout.get("channels") and event_channel(event) not in rollout["channels"]:
        return False
    percent = rollout.get("percent")
    if percent is not None:
        return bucket(rule_set, event.key or event.id) < round(float(percent) * 100)
    return True


@dataclass(frozen=True, slots=True, kw_only=True)
class Routed:
    """The version an event runs under for one rule set."""

    name: str
    version: RuleSetVersion
    plan: Plan


def route(session: Session, cache: PlanCache, event: Event) -> list[Routed]:
    """For each rule set in production, the version ``event`` runs under (by name).

    Read once at the start of handling: an event already being applied finishes under the
    versions it started with, whatever a concurrent promotion or rollback commits.
    """
    rows = session.execute(select(RuleSetVersion, VersionGovernance.rollout)
                           .outerjoin(VersionGovernance,
                                      VersionGovernance.version_id == RuleSetVersion.id)
                           .where(RuleSetVersion.state == "production")
                           .order_by(RuleSetVersion.name, RuleSetVersion.id)).all()
    chosen: dict[str, RuleSetVersion] = {}
    gray: dict[str, tuple[RuleSetVersion, dict[str, Any]]] = {}
    for row in rows:
        version, rollout = row[0], row[1]
        if rollout:
            gray[version.name] = (version, rollout)
        else:
            chosen[version.name] = version
    for name, (version, rollout) in gray.items():
        if matches(name, rollout, event):
            chosen[name] = version
    return [Routed(name=n, version=v, plan=cache.plan(v)) for n, v in sorted(chosen.items())]
