"""What the connectors add to the data-health score, from real deliveries and rejections.

A subscribed outbound webhook sends a document event to a real receiver in another process
(delivered), then one to a host off the allow-list (refused: dead); a forged inbound
webhook is rejected. The assessment's "document sync" and "abnormal input" criteria move
with them; the delivery of a non-document event (``stock.received``) is not a document sync.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from connectors import SubscribingHandler, definitions
from connectors.errors import SignatureRejected
from connectors.inbound import receive_webhook
from connectors.models import Connector
from engine import Worker
from engine.rule_handler import RuleHandler
from inventory.documents import Count, DocumentServices, NewStocktake, StocktakeScope
from kernel.tenant_clock import TenantClocks
from studio.health import HealthService
from tests.integration.connectors.conftest import BOX, add_connector, allow


def _count_and_close(world: Any, docs: DocumentServices, counted: str) -> None:
    new = NewStocktake(warehouse="WH-A", scope=StocktakeScope.SELECTED, skus=("TEA-1",))
    no = docs.stocktakes.create(world.ctx, new)["no"]
    docs.stocktakes.count(world.ctx, no, (Count(sku="TEA-1", counted_qty=Decimal(counted)),))
    docs.stocktakes.close(world.ctx, no)


def _criteria(world: Any) -> dict[str, dict[str, Any]]:
    service = HealthService(world.db, TenantClocks(world.clock, world.db), None)
    return {c["criterion"]: c for c in service.assessment(world.tenant_id, days=7)["criteria"]}


def _send(world: Any, runtime: Any) -> dict[str, int]:
    Worker(world.db, world.clock, handler=SubscribingHandler(RuleHandler())).drain()
    result: dict[str, int] = runtime.deliver_due()
    return result


def test_document_deliveries_and_rejected_messages_move_the_score(world, runtime, receiver):
    allow(world, ("127.0.0.1", True))
    peer = receiver("", plain=True)
    add_connector(world, name="erp", kind="webhook_out", endpoint=peer.url)
    with world.db.write(world.tenant_id) as s:
        for event_type in ("stocktake.closed", "stock.received"):
            definitions.subscribe(s, world.tenant_id, "erp", event_type, world.clock.now())
    world.item("TEA-1")
    world.receive("TEA-1", "WH-A", 10)  # stock.received: delivered, but not a document
    docs = DocumentServices(world.db, world.clock)
    _count_and_close(world, docs, "10")
    assert _send(world, runtime) == {"delivered": 2}
    sync = _criteria(world)["document_sync"]
    assert (sync["evidence"]["deliveries_delivered"], sync["evidence"]["deliveries_dead"]) == (1, 0)

    # The ERP moves to a host nobody allowed: the next document event's delivery dies.
    with world.db.write(world.tenant_id) as s:
        s.scalars(select(Connector)).one().endpoint = "http://erp.example.invalid/hooks"
    _count_and_close(world, docs, "9")
    assert _send(world, runtime) == {"dead": 1}
    sync = _criteria(world)["document_sync"]
    assert (sync["evidence"]["deliveries_delivered"], sync["evidence"]["deliveries_dead"]) == (1, 1)
    done = sync["evidence"]["events_done"]
    assert Decimal(sync["value"]) == (Decimal(done + 1) * 100 / (done + 2)).quantize(
        Decimal("0.0001"))
    assert sync["status"] == "below"

    # A forged inbound webhook is refused: an abnormal input intercepted.
    public, _secret = add_connector(world, name="shop", kind="webhook_in", config={
        "mapping": {"event_type": "supplier.asn_received", "fields": {"asn.no": "body.no"}}})
    assert _criteria(world)["input_intercepted"]["status"] == "no_data"
    headers = {"webhook-id": "msg-1", "webhook-timestamp": str(int(datetime.now(UTC).timestamp())),
               "webhook-signature": "v1,Zm9yZ2Vk"}
    with pytest.raises(SignatureRejected):
        receive_webhook(world.db, BOX, public["inbound_path"].rsplit("/", 1)[1], headers,
                        b"{}", world.clock, datetime.now(UTC))
    intercepted = _criteria(world)["input_intercepted"]
    assert intercepted["evidence"]["rejected_messages"] == 1
    assert (Decimal(intercepted["value"]), intercepted["status"]) == (100, "met")
