"""What a rule sees of an outbox event: its entities by name, as the schema registry names them.

Document events carry flat payloads (``no``, ``customer``, …); rules read ``order.id``,
``order.customer_id``, ``shipment.no``. The registry declares, for every field of an event
the product emits, where it sits in the payload (:attr:`dsl.schema.FieldDef.source`), so
this module only follows those declarations — there is no second, hand-written map.
Events from connectors and from ``emit event`` are already entity-shaped and pass through.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

from dsl import default_registry
from dsl.schema import EventType
from engine.decision import Event
from engine.dispatch import OutboxRecord
from engine.evaluate import TIMER_FIRED

Entities = dict[str, Any]
_MISSING = object()


def _dig(payload: dict[str, Any], path: str) -> Any:
    value: Any = payload
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def entities_of(event_type: EventType, payload: dict[str, Any]) -> Entities:
    """The entities of a flat payload, by the registry's declared sources."""
    entities: Entities = {}
    for field in event_type.fields:
        if field.source is None:
            continue
        value = _dig(payload, field.source)
        if value is _MISSING:
            continue
        entity, _, name = field.path.partition(".")
        entities.setdefault(entity, {})[name] = value
    return entities


def _lines_know_their_warehouse(entities: Entities, payload: dict[str, Any]) -> None:
    # Document lines are stored without the warehouse (it is the document's); an action
    # that reserves ``order.lines`` needs each line to say where.
    warehouse = payload.get("warehouse")
    if warehouse is None:
        return
    for entity in entities.values():
        lines = entity.get("lines") if isinstance(entity, dict) else None
        if isinstance(lines, list):
            entity["lines"] = [{"warehouse": warehouse, **line} if isinstance(line, dict)
                               else line for line in lines]


def _decimal(value: Any) -> Any:
    """A quantity the document event carries as text, as the number rules compute with."""
    return Decimal(value) if isinstance(value, str) else value


def _subcontract(p: dict[str, Any]) -> Entities:
    """``subcontract.returned``: what came back on a receipt against a subcontract order."""
    return {"subcontract": {"id": p.get("purchase_order_no"), "no": p.get("purchase_order_no"),
                            "process": p.get("process")},
            "receipt": {"id": p.get("no"), "no": p.get("no"), "is_scanned": p.get("is_scanned"),
                        "photo_count": p.get("photo_count"),
                        "weight_kg": _decimal(p.get("measured_weight_kg"))},
            "expected": {"weight_kg": _decimal(p.get("expected_weight_kg"))},
            "supplier": {"id": p.get("supplier"), "name": p.get("supplier")},
            "item": {"sku": p.get("sku")}}


_NUMERIC = frozenset({"money", "quantity", "number", "percent"})


def _typed(event_type: EventType, entities: Entities) -> None:
    """Numbers the JSON payload carries as text (``"1.000"``) become Decimals where the
    schema declares the field numeric, so ``item.available < item.safety_stock`` compares
    quantities, not strings."""
    for field in event_type.fields:
        if field.type.kind not in _NUMERIC:
            continue
        entity, _, name = field.path.partition(".")
        values = entities.get(entity)
        if isinstance(values, dict) and isinstance(values.get(name), str):
            with contextlib.suppress(ArithmeticError):  # not a number: left as it came
                values[name] = Decimal(values[name])


def to_event(record: OutboxRecord) -> Event:
    """The evaluation event of an outbox record."""
    payload = record.payload
    declared = default_registry().event(record.type)
    if record.type == TIMER_FIRED:
        entities: Entities = {"timer": payload.get("payload", {})}
    elif record.type == "subcontract.returned":  # a receipt's return report, its own shape
        entities = _subcontract(payload)
    elif declared is not None and payload.get("type") == record.type:
        # Emitted by the product (its payload names its own type): map by declaration.
        entities = entities_of(declared, payload)
        _lines_know_their_warehouse(entities, payload)
    else:
        entities = {k: dict(v) if isinstance(v, dict) else v for k, v in payload.items()}
    if declared is not None and record.type != TIMER_FIRED:
        _typed(declared, entities)
    return Event(id=record.event_id, type=record.type, tenant_id=record.tenant_id,
                 occurred_at=record.occurred_at, payload=entities, key=record.key)
