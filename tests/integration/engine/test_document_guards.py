"""Guard rules on documents: confirming a sales order and writing a sales return.

The document services ask the engine's guard (the same :class:`inventory.StockGuard` seam as
stock reservations) inside the command's transaction: a refusal names the rule, carries its
message, and leaves everything as it was — status, holds, outbox, the Idempotency-Key.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from dsl import default_registry
from engine.errors import GuardRefused
from engine.guards import GuardRunner
from engine.rulesets import put_in_production, save_version
from inventory import CommandContext, DocumentRef, queries
from inventory.documents import (
    DocumentServices,
    NewOrderLine,
    NewReturnLine,
    NewSalesOrder,
    NewSalesReturn,
    NewShipment,
    ReturnReason,
    parties,
)
from kernel.models import IdempotencyRecord, OutboxEvent

EXAMPLES = Path(__file__).parents[3] / "examples" / "rules"
LATE_RETURNS = """
guard late_returns_need_a_manager "超时退货须经理处理"
  when sales_return.requested
  if sales_return.reason = "late"
  then
    block "订单 {sales_return.original_order_id} 的超时退货须由经理处理 / late: ask a manager"
end
"""
CODE = "4711"


def install(world: Any, name: str, source: str) -> None:
    with world.db.write(world.tenant_id) as s:
        put_in_production(s, save_version(s, world.tenant_id, name, source, default_registry(),
                                          "author", world.clock.now()))


@pytest.fixture
def docs(world: Any) -> DocumentServices:
    world.item("TEA-1")
    world.receive("TEA-1", "WH-A", 50, document=DocumentRef(type="opening_balance", ref="OB"))
    with world.db.write(world.tenant_id) as s:
        parties.create_customer(s, world.tenant_id, "C-1", "华东商贸", world.clock.now())
        parties.set_confirmation_code(s, world.tenant_id, "WH-A", CODE, world.clock.now())
    return DocumentServices(world.db, world.clock, guard=GuardRunner())


def counts(world: Any) -> tuple[int, int, Any]:
    with world.db.read(world.tenant_id) as s:
        events = s.scalar(select(func.count()).select_from(OutboxEvent)) or 0
        keys = s.scalar(select(func.count()).select_from(IdempotencyRecord)) or 0
        rows, _ = queries.balances(s, sku="TEA-1", warehouse="WH-A", offset=0, limit=1)
    return events, keys, rows[0]["reserved"]


def test_a_big_order_without_deposit_is_refused_at_confirm(world, docs):
    install(world, "guards", (EXAMPLES / "big_order_needs_deposit.rule").read_text("utf-8"))
    for no, deposit in (("SO-BIG", "0"), ("SO-DEP", "500")):
        docs.sales_orders.create(world.ctx, NewSalesOrder(
            customer="C-1", warehouse="WH-A", no=no, deposit_amount=Decimal(deposit),
            lines=[NewOrderLine(sku="TEA-1", qty=Decimal(20), unit_price=Decimal("600"))]))
    before = counts(world)
    keyed = CommandContext(tenant_id=world.tenant_id, actor="test", idempotency_key="k-1")
    with pytest.raises(GuardRefused) as refused:
        docs.sales_orders.confirm(keyed, "SO-BIG")
    assert refused.value.context["rule"] == "big_order_needs_deposit"
    assert "SO-BIG" in refused.value.render("zh-CN") and "须先收定金" in refused.value.render()
    assert docs.sales_orders.get(world.tenant_id, "SO-BIG")["status"] == "draft"
    assert counts(world) == before  # no hold, no event, the key not burnt
    assert docs.sales_orders.confirm(world.ctx, "SO-DEP")["status"] == "confirmed"
    # A small order passes without a deposit.
    docs.sales_orders.create(world.ctx, NewSalesOrder(
        customer="C-1", warehouse="WH-A", no="SO-SMALL",
        lines=[NewOrderLine(sku="TEA-1", qty=Decimal(1), unit_price=Decimal("600"))]))
    assert docs.sales_orders.confirm(world.ctx, "SO-SMALL")["status"] == "confirmed"


def test_a_late_return_is_refused_by_the_guard_and_others_go_through(world, docs):
    install(world, "guards", LATE_RETURNS)
    docs.sales_orders.create(world.ctx, NewSalesOrder(
        customer="C-1", warehouse="WH-A", no="SO-1", lines=[NewOrderLine(sku="TEA-1",
                                                                         qty=Decimal(3))]))
    docs.sales_orders.confirm(world.ctx, "SO-1")
    shipment = docs.shipments.create(world.ctx, NewShipment(sales_order_no="SO-1"))
    docs.shipments.pick(world.ctx, shipment["no"])
    docs.shipments.pack(world.ctx, shipment["no"])
    docs.shipments.ship(world.ctx, shipment["no"], confirmation_code=CODE, carrier="SF",
                        tracking_no="SF1")
    before = counts(world)
    late = NewSalesReturn(sales_order_no="SO-1", reason=ReturnReason.LATE, no="RT-LATE",
                          lines=[NewReturnLine(order_line_no=1, qty=Decimal(1))])
    with pytest.raises(GuardRefused) as refused:
        docs.sales_returns.create(world.ctx, late)
    assert refused.value.context["rule"] == "late_returns_need_a_manager"
    assert "SO-1" in refused.value.render("zh-CN")
    assert counts(world) == before
    damaged = NewSalesReturn(sales_order_no="SO-1", reason=ReturnReason.DAMAGED, no="RT-OK",
                             lines=[NewReturnLine(order_line_no=1, qty=Decimal(1))])
    assert docs.sales_returns.create(world.ctx, damaged)["status"] == "draft"
