"""Outbound mappings per connector, against a real receiver in another process: the
integrators' functions work, a broken mapping fails only its own delivery, a send that
breaks the connector's outbound JSON Schema is dead-lettered, never marked delivered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from connectors import SubscribingHandler, definitions
from connectors.models import Connector, Delivery
from engine import Worker
from engine.rule_handler import RuleHandler
from inventory import guarantees
from kernel.models import OutboxEvent
from tests.integration.connectors.conftest import add_connector, allow

PO_NO = 'replace(data.po.no, `"-"`, `""`)'


def outbound(world: Any, name: str, url: str, **config: Any) -> str | None:
    _, secret = add_connector(world, name=name, kind="webhook_out", endpoint=url,
                              config=config)
    with world.db.write(world.tenant_id) as s:
        definitions.subscribe(s, world.tenant_id, name, "purchase_order.approved",
                              world.clock.now())
    return secret


def test_each_connector_gets_its_own_outcome_and_only_the_good_one_is_delivered(
        world, runtime, receiver):
    allow(world, ("127.0.0.1", True))
    url = "http://127.0.0.1:9/placeholder"  # set to the receiver's once it runs
    secret = outbound(world, "erp", url, mapping={"fields": {
        "po_no": PO_NO, "amount": "data.po.amount", "parts": 'split(data.po.no, `"-"`)'}})
    outbound(world, "broken", url,  # upper() of a number: fails on this event
             mapping={"fields": {"po_no": "upper(data.po.amount)"}})
    outbound(world, "half", url, mapping={"fields": {
        "po_no": PO_NO, "supplier": "data.po.supplier_code"}},
        outbound_schema={"type": "object", "required": ["po_no", "supplier"],
                         "properties": {"supplier": {"type": "string", "minLength": 1}}})
    assert secret is not None
    peer = receiver(secret)
    with world.db.write(world.tenant_id) as s:
        for row in s.scalars(select(Connector)):
            row.endpoint = peer.url
        guarantees.append_event(s, world.tenant_id, guarantees.new_event_id(),
                                "purchase_order.approved", "po:PO-2026-0126-001",
                                {"po": {"no": "PO-2026-0126-001", "amount": 1130.5}},
                                world.clock.now())
    Worker(world.db, world.clock, handler=SubscribingHandler(RuleHandler())).drain()
    with world.db.read(None) as s:  # the event itself did not fail
        assert s.scalar(select(OutboxEvent.status).where(
            OutboxEvent.tenant_id == world.tenant_id)) == "done"
    assert runtime.deliver_due() == {"delivered": 1, "dead": 1}
    (got,) = peer.requests()
    assert got["verified"] is True
    assert got["body"] == {"po_no": "PO20260126001", "amount": 1130.5,
                           "parts": ["PO", "2026", "0126", "001"]}
    with world.db.read(world.tenant_id) as s:
        outcome = {name: (status, error) for name, status, error in s.execute(
            select(Connector.name, Delivery.status, Delivery.last_error)
            .join(Connector, Connector.id == Delivery.connector_id))}
    assert outcome["erp"] == ("delivered", None)
    assert outcome["broken"][0] == "dead"
    assert outcome["broken"][1].startswith("mapping failed: Mapping of po_no is invalid")
    assert "upper()" in outcome["broken"][1]
    assert outcome["half"][0] == "dead"
    assert outcome["half"][1] == "outbound schema: supplier: null is not of type \"string\""
