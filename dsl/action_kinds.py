"""The action kinds the language can say, and the (kind, variant) of each written action.

The engine names actions by these kinds (``freeze``, ``create_document``, ``call_webhook``
…). A variant is what changes the applier: the target kind of a freeze, the document type
of a create document, the entity of a ``set``. The checker asks the registry's
:meth:`~dsl.schema.SchemaRegistry.action_refusal` about each pair, and the engine's test
walks :func:`expressible` against its action registry.
"""

from __future__ import annotations

from typing import get_args

from dsl.ast import (
    Action,
    Alert,
    Block,
    CallWebhook,
    CreateDocument,
    EmitEvent,
    Freeze,
    FreezeKind,
    Notify,
    PublishMqtt,
    Release,
    Reserve,
    SetField,
    Unfreeze,
)
from dsl.schema import SchemaRegistry

_PLAIN: dict[type, str] = {Reserve: "reserve", Release: "release", Alert: "alert",
                           Notify: "notify", EmitEvent: "emit_event",
                           CallWebhook: "call_webhook", PublishMqtt: "publish_mqtt",
                           Block: "block"}


def action_key(action: Action, registry: SchemaRegistry, event: str | None
               ) -> tuple[str, str | None]:
    """The engine's kind of ``action`` and its variant (None for kinds without one)."""
    if isinstance(action, Freeze | Unfreeze):
        return ("freeze" if isinstance(action, Freeze) else "unfreeze"), action.kind
    if isinstance(action, CreateDocument):
        doc = registry.document(action.document)
        return "create_document", doc.name if doc else action.document
    if isinstance(action, SetField):
        f = registry.field(event, action.target.dotted) if event else None
        return "set", (f.path if f else action.target.dotted).split(".", 1)[0]
    return _PLAIN[type(action)], None


def expressible(registry: SchemaRegistry, events: list[str]) -> set[tuple[str, str | None]]:
    """Every (kind, variant) a rule could write against ``registry`` on ``events``."""
    found: set[tuple[str, str | None]] = {(k, None) for k in _PLAIN.values()}
    for kind in get_args(FreezeKind):
        found |= {("freeze", kind), ("unfreeze", kind)}
    for name in registry.document_names():
        doc = registry.document(name)
        if doc is not None:
            found.add(("create_document", doc.name))
    for event in events:
        for path in registry.field_names(event):
            f = registry.field(event, path)
            if f is not None and f.is_settable:
                found.add(("set", f.path.split(".", 1)[0]))
    return found


__all__ = ["action_key", "expressible"]
