"""The action registry: one module per action kind, the one source of what a rule can do.

The checker refuses what production will not apply (:func:`refusals`, given to the
tenant's schema registry by :func:`engine.schema_store.tenant_registry`); the production
executor applies through :func:`lookup`; the sandbox and shadow describe with it; the
passport draws its edges from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from engine.actions.alerts import ALERT, NOTIFY
from engine.actions.connectors import CALL_WEBHOOK, PUBLISH_MQTT
from engine.actions.documents import CREATE_DOCUMENT
from engine.actions.events import EMIT_EVENT
from engine.actions.fields import SET
from engine.actions.freezes import FREEZE, UNFREEZE
from engine.actions.internal import ARM_TIMER, BLOCK, CANCEL_TIMER, TABLE_RESULT
from engine.actions.spec import ActionKind, Applier, Arg, Refused
from engine.actions.stock import RELEASE, RESERVE

REGISTRY: Final[Mapping[str, ActionKind]] = {a.kind: a for a in (
    RESERVE, RELEASE, ALERT, NOTIFY, FREEZE, UNFREEZE, SET, CREATE_DOCUMENT, EMIT_EVENT,
    CALL_WEBHOOK, PUBLISH_MQTT, BLOCK, TABLE_RESULT, ARM_TIMER, CANCEL_TIMER)}

#: What the checker accepts although production has no applier for it, each with why.
#: A test pins this list: a new entry is a decision, not an accident.
KNOWN_GAPS: Final[Mapping[tuple[str, str], str]] = {}


def lookup(kind: str) -> ActionKind | None:
    """The registry entry of ``kind``, if it has one."""
    return REGISTRY.get(kind)


def refusal(kind: str, variant: str | None) -> Refused | None:
    """Why production will not apply ``kind`` with ``variant`` (None: it applies it)."""
    spec = REGISTRY.get(kind)
    if spec is None:
        return Refused(reason_en=f"no action kind {kind} exists in production",
                       reason_zh=f"生产环境没有 {kind} 动作")
    return spec.refusal(variant)


def refusals(expressible: Iterable[tuple[str, str | None]]
             ) -> dict[tuple[str, str], tuple[str, str]]:
    """The refusal table for the schema registry: every pair the language can say that
    production will not apply (the known gaps excepted)."""
    table: dict[tuple[str, str], tuple[str, str]] = {}
    for kind, variant in expressible:
        if (kind, variant or "") in KNOWN_GAPS:
            continue
        found = refusal(kind, variant)
        if found is not None:
            table[(kind, variant or "")] = (found.reason_en, found.reason_zh)
    return table


__all__ = ["KNOWN_GAPS", "REGISTRY", "ActionKind", "Applier", "Arg", "Refused", "lookup",
           "refusal", "refusals"]
