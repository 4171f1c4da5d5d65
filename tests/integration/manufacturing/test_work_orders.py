"""Bills of materials and work orders in the database, on SQLite and PostgreSQL: cycles
refused with nothing written, components issued and finished goods received through the
core's commands (ledger rows name the work order), idempotency, refusals that roll back,
and two concurrent issues of one order of which exactly one moves stock."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from inventory import DocumentRef, InsufficientStock
from inventory.documents.errors import InvalidTransition
from inventory.documents.runner import DocumentRunner
from inventory.manufacturing import (
    BomCycle,
    BomService,
    NewBom,
    NewBomLine,
    NewWorkOrder,
    UnknownBom,
    WorkOrderAction,
    WorkOrderService,
)
from inventory.models import LedgerEntry, StockBalance
from tests.conftest import TenantWorld

D = Decimal
A = WorkOrderAction


def services(world: TenantWorld) -> tuple[BomService, WorkOrderService]:
    runner = DocumentRunner(world.db, world.clock)
    return BomService(runner), WorkOrderService(runner)


def shop(world: TenantWorld) -> tuple[BomService, WorkOrderService]:
    """A valve assembly of a body (own bill), two bolts; stock of body and bolts in WH-A."""
    for sku in ("ASSY", "BODY", "BOLT", "BAR"):
        world.item(sku)
    boms, orders = services(world)
    boms.create(world.ctx, NewBom(sku="BODY", lines=[NewBomLine(sku="BAR", qty=D("1.35"))]))
    boms.create(world.ctx, NewBom(sku="ASSY", lines=[NewBomLine(sku="BODY", qty=D(1)),
                                                     NewBomLine(sku="BOLT", qty=D(2))]))
    opening = DocumentRef(type="opening_balance", ref="OB-1")
    world.receive("BODY", "WH-A", 30, document=opening)
    world.receive("BOLT", "WH-A", "50.5", document=opening)
    return boms, orders


def on_hand(world: TenantWorld) -> dict[str, Decimal]:
    with world.db.read(world.tenant_id) as session:
        from inventory.models import Item, Warehouse
        rows = session.execute(select(Item.sku, StockBalance.on_hand)
                               .join(Item, Item.id == StockBalance.item_id)
                               .join(Warehouse, Warehouse.id == StockBalance.warehouse_id)
                               .where(Warehouse.code == "WH-A")).all()
    return {sku: qty for sku, qty in rows}


def ledger_of(world: TenantWorld, ref: str) -> list[tuple[str, str, Decimal, str]]:
    from inventory.models import Item
    with world.db.read(world.tenant_id) as session:
        rows = session.execute(select(Item.sku, LedgerEntry.document_type, LedgerEntry.qty,
                                      LedgerEntry.reason)
                               .join(Item, Item.id == LedgerEntry.item_id)
                               .where(LedgerEntry.document_ref == ref)
                               .order_by(LedgerEntry.id)).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_a_bill_closing_a_cycle_is_refused_and_nothing_changes(world: TenantWorld) -> None:
    boms, _ = shop(world)
    before = boms.get(world.tenant_id, "BODY")
    with pytest.raises(BomCycle) as info:
        boms.replace(world.ctx, NewBom(sku="BODY", lines=[NewBomLine(sku="ASSY", qty=D(1))]))
    assert info.value.context["path"] == "BODY → ASSY → BODY"
    assert boms.get(world.tenant_id, "BODY") == before
    with pytest.raises(UnknownBom):
        boms.get(world.tenant_id, "BOLT")


def test_a_work_order_issues_its_components_and_receives_the_finished_goods(
        world: TenantWorld) -> None:
    _, orders = shop(world)
    key_ctx = world.ctx.__class__(tenant_id=world.tenant_id, actor="test",
                                  idempotency_key="wo-create-1")
    created = orders.create(key_ctx, NewWorkOrder(sku="ASSY", qty=D("12.5"), warehouse="WH-A",
                                                  no="WO-1"))
    assert [(x["sku"], x["qty"]) for x in created["lines"]] == [("BODY", "12.500"),
                                                                 ("BOLT", "25.000")]
    again = orders.create(key_ctx, NewWorkOrder(sku="ASSY", qty=D("12.5"), warehouse="WH-A",
                                                no="WO-1"))
    assert again["replayed"] is True and again["no"] == "WO-1"
    orders.act(world.ctx, "WO-1", A.RELEASE)
    before = on_hand(world)
    issued = orders.act(world.ctx, "WO-1", A.ISSUE)
    assert issued["status"] == "issued" and issued["allowed_actions"] == ["receive"]
    after = on_hand(world)
    assert before["BODY"] - after["BODY"] == D("12.5")
    assert before["BOLT"] - after["BOLT"] == D("25")
    assert ledger_of(world, "WO-1") == [("BODY", "work_order", D("-12.5"), "shipment"),
                                        ("BOLT", "work_order", D("-25"), "shipment")]
    received = orders.act(world.ctx, "WO-1", A.RECEIVE)
    assert received["lot_no"] == "WO-1"
    assert on_hand(world)["ASSY"] == D("12.5")
    assert ledger_of(world, "WO-1")[-1] == ("ASSY", "work_order", D("12.5"), "receipt")
    assert orders.act(world.ctx, "WO-1", A.CLOSE)["status"] == "closed"


def test_refused_steps_answer_with_the_allowed_ones_and_change_nothing(
        world: TenantWorld) -> None:
    _, orders = shop(world)
    orders.create(world.ctx, NewWorkOrder(sku="ASSY", qty=D(30), warehouse="WH-A", no="WO-2"))
    with pytest.raises(InvalidTransition) as info:
        orders.act(world.ctx, "WO-2", A.ISSUE)
    assert info.value.allowed_actions == ("release", "cancel")
    orders.act(world.ctx, "WO-2", A.RELEASE)
    before = on_hand(world)
    with pytest.raises(InsufficientStock):  # 60 bolts needed, 50.5 on hand
        orders.act(world.ctx, "WO-2", A.ISSUE)
    assert on_hand(world) == before and ledger_of(world, "WO-2") == []
    assert orders.get(world.tenant_id, "WO-2")["status"] == "released"
    assert orders.act(world.ctx, "WO-2", A.CANCEL)["status"] == "cancelled"
    with pytest.raises(InvalidTransition) as final:
        orders.act(world.ctx, "WO-2", A.RELEASE)
    assert final.value.allowed_actions == ()


def test_two_concurrent_issues_of_one_order_move_stock_once(world: TenantWorld) -> None:
    _, orders = shop(world)
    orders.create(world.ctx, NewWorkOrder(sku="ASSY", qty=D(5), warehouse="WH-A", no="WO-3"))
    orders.act(world.ctx, "WO-3", A.RELEASE)
    start = threading.Barrier(4)
    outcomes: list[Any] = []

    def client() -> None:
        start.wait()
        try:
            outcomes.append(WorkOrderService(DocumentRunner(world.db, world.clock))
                            .act(world.ctx, "WO-3", A.ISSUE)["status"])
        except InvalidTransition as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["document.invalid_transition"] * 3 + ["issued"]
    assert ledger_of(world, "WO-3") == [("BODY", "work_order", D("-5"), "shipment"),
                                        ("BOLT", "work_order", D("-10"), "shipment")]
