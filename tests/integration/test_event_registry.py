"""Every event the document services emit is in the rule language's schema registry, with
every payload field — checked by running the flows, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from importlib import import_module
from typing import Any

from sqlalchemy import select

from dsl import default_registry, parse_and_check
from engine.dispatch import OutboxRecord
from engine.event_scope import to_event
from kernel.models import OutboxEvent
from tests.integration.document_tour import tour


def _emitted(world: Any) -> dict[str, list[OutboxEvent]]:
    with world.db.read(None) as session:
        rows = session.scalars(select(OutboxEvent).where(
            OutboxEvent.tenant_id == world.tenant_id).order_by(OutboxEvent.id)).all()
        session.expunge_all()
    found: dict[str, list[OutboxEvent]] = defaultdict(list)
    for row in rows:
        found[row.type].append(row)
    return found


def test_every_emitted_event_and_payload_field_is_registered(world):
    tour(world)
    emitted = _emitted(world)
    registry = default_registry()
    # The tour reaches every document action there is (a new one must join the tour).
    assert len(emitted) >= 44, sorted(emitted)
    for name in ("transfer", "adjustment", "stocktake"):  # every action of these machines
        module = import_module(f"inventory.documents.{name}")
        assert set(module.EVENTS.values()) <= set(emitted), name
    for event_type, rows in sorted(emitted.items()):
        declared = registry.event(event_type)
        assert declared is not None, f"{event_type} is emitted but not in the registry"
        assert declared.label_zh and declared.label_en
        sources = {f.source for f in declared.fields if f.source}
        for row in rows:
            for key in row.payload:
                if key == "type":
                    continue
                assert any(s == key or s.startswith(key + ".") for s in sources), (
                    f"{event_type}: payload field {key!r} has no field in the registry")
        # … and the registry declares nothing the payload never carries.
        keys = {k for row in rows for k in row.payload}
        stale = {s for s in sources if s.split(".")[0] not in keys}
        assert not stale, f"{event_type}: declared but never emitted: {stale}"
        for field in declared.fields:
            assert field.label_en and field.label_zh, (event_type, field.path)


def test_a_rule_reads_a_document_event_through_the_declared_fields(world):
    """``when sales_order.confirmed if order.deposit_amount > 0`` checks and sees the deposit."""
    rule = ("rule deposit_orders\n  when sales_order.confirmed\n"
            "  if order.deposit_amount > 0 and order.channel_id = \"WEB\"\n"
            "  then notify role:sales_manager \"订单 {order.no}\"\nend\n")
    parse_and_check(rule, default_registry())
    tour(world)
    [confirmed] = [r for r in _emitted(world)["sales_order.confirmed"]
                   if r.payload["no"] == "SO-1"]
    event = to_event(OutboxRecord(id=confirmed.id, event_id=confirmed.event_id,
                                  tenant_id=world.tenant_id, type=confirmed.type,
                                  key=confirmed.key, payload=confirmed.payload,
                                  occurred_at=confirmed.occurred_at, attempts=0))
    assert event.payload["order"]["deposit_amount"] == Decimal("5.00")  # typed by the schema
    assert event.payload["order"]["id"] == "SO-1"
    assert event.payload["order"]["channel_id"] == "WEB"
    assert event.payload["customer"] == {"id": "C-1"}
    assert event.payload["event"]["actor"] == "test"


def test_every_declared_event_is_documented():
    from pathlib import Path

    from dsl.schema_events import DOCUMENT_EVENTS
    docs = Path(__file__).parents[2] / "docs"
    # Document events: planning.md and documents.md; events of product modules are
    # documented on their pack's page (docs/packs/*.md).
    text = "\n".join(p.read_text(encoding="utf-8") for p in (
        docs / "planning.md", docs / "documents.md", *sorted(docs.glob("packs/*.md"))))
    for event in DOCUMENT_EVENTS:
        assert f"`{event.name}`" in text, f"docs/ does not document {event.name}"
        for field in event.fields:
            assert f"`{field.path}`" in text
