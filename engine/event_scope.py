"""What a rule sees of an outbox event: its entities by name, as the schema registry names them.

Document events carry flat payloads (``no``, ``customer``, …); rules read ``order.id``,
``order.customer_id``, ``shipment.no``. This is the one place that maps the two. Events
from connectors and from ``emit event`` are already entity-shaped and pass through.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from engine.decision import Event
from engine.dispatch import OutboxRecord
from engine.evaluate import TIMER_FIRED

Entities = dict[str, Any]


def _sales_order(p: dict[str, Any]) -> Entities:
    order = {"id": p.get("no"), "no": p.get("no"), "customer_id": p.get("customer"),
             "warehouse": p.get("warehouse"), "lines": p.get("lines", []),
             "deposit_amount": p.get("deposit_amount"), "total_amount": p.get("total_amount")}
    return {"order": order, "customer": {"id": p.get("customer")}}


def _shipment(p: dict[str, Any]) -> Entities:
    return {"shipment": {"id": p.get("no"), "no": p.get("no"), "carrier": p.get("carrier"),
                         "tracking_no": p.get("tracking_no")},
            "order": {"id": p.get("sales_order_no"), "no": p.get("sales_order_no")}}


def _receipt(p: dict[str, Any]) -> Entities:
    return {"receipt": {"id": p.get("no"), "no": p.get("no"), **{
        k: p[k] for k in ("is_scanned", "photo_count", "weight_kg") if k in p}}}


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


def _timer(p: dict[str, Any]) -> Entities:
    return {"timer": p.get("payload", {})}


_BY_DOCUMENT: dict[str, Callable[[dict[str, Any]], Entities]] = {
    "sales_order": _sales_order, "shipment": _shipment, "receipt": _receipt,
    "subcontract": _subcontract,
}


def to_event(record: OutboxRecord) -> Event:
    """The evaluation event of an outbox record."""
    if record.type == TIMER_FIRED:
        entities = _timer(record.payload)
    else:
        shape = _BY_DOCUMENT.get(record.type.split(".", 1)[0])
        entities = shape(record.payload) if shape and "no" in record.payload \
            else dict(record.payload)
    return Event(id=record.event_id, type=record.type, tenant_id=record.tenant_id,
                 occurred_at=record.occurred_at, payload=entities, key=record.key)
