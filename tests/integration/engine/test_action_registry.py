"""The actions of the registry through the worker, both DBs: freeze channel / item / supplier /
lot, draft transfers, and one firing committed together or not at all (deliveries included).

Rules are put in production with the engine's tenant registry (what the studio checks with),
events are real (a confirmed sales order) or appended as a connector delivers them.
``stock.level_changed`` is appended by hand: it is declared on main, and the facts helper of
issue 16 makes the ledger raise it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from connectors.models import Delivery
from connectors.port import ConnectorNames, ConnectorPort
from engine import Worker
from engine.executors import outbound
from engine.models import InboxMessage, RuleWrite
from engine.rule_handler import RuleHandler
from engine.rulesets import put_in_production, save_version
from engine.schema_store import tenant_registry
from inventory import DocumentRef, guarantees
from inventory.documents import DocumentServices, NewOrderLine, NewSalesOrder, parties
from inventory.documents.warehouse_models import Transfer
from inventory.errors import ItemFrozen
from inventory.planning import pools
from inventory.planning.errors import ChannelPaused
from kernel.errors import DomainError
from tests.integration.connectors.conftest import add_connector

FLASH_SALE = """
rule flash_sale_freezes_tiktok "亚马逊闪购时暂停抖音渠道"
  when sales_order.confirmed
  if order.channel_id = "AMAZON"
  then freeze channel "TIKTOK"
end
"""

TOP_UP = """
rule store_top_up "门店补货"
  when stock.level_changed
  if item.available < 20 件
  then create document transfer (sku = item.sku, qty = 50 件, from_warehouse = "WH-B",
                                 to_warehouse = "WH-A", reason = "门店低于 20")
end
"""

RESERVE_THEN_WEBHOOK = """
rule hold_and_tell_erp "预占并通知 ERP"
  when sales_order.confirmed
  then
    call webhook "erp_sync" (order.id = order.id)
    reserve order.lines
    freeze item "TEA-1"
end
"""


@pytest.fixture
def connectors_port() -> Any:
    """The connectors' catalogue and port, as the app and the worker register them."""
    before = outbound.registered(), outbound.catalogue()
    outbound.register_catalogue(ConnectorNames())
    outbound.register(ConnectorPort())
    yield
    outbound.register(before[0])
    outbound.register_catalogue(before[1])


def install(world: Any, name: str, source: str) -> None:
    with world.db.write(world.tenant_id) as s:
        version = save_version(s, world.tenant_id, name, source, tenant_registry(s), "author",
                               world.clock.now())
        put_in_production(s, version)


def worker(world: Any) -> Worker:
    return Worker(world.db, world.clock, handler=RuleHandler())


def outcomes(world: Any) -> list[tuple[str, str, str]]:
    with world.db.read(world.tenant_id) as s:
        return [(w.action, w.target, w.outcome)
                for w in s.scalars(select(RuleWrite).order_by(RuleWrite.id))]


def test_freeze_channel_pauses_it_and_a_later_order_on_it_is_refused_naming_the_rule(
        world, connectors_port):
    world.item("TEA-1")
    world.receive("TEA-1", "WH-A", 50, document=DocumentRef(type="opening_balance", ref="OB"))
    with world.db.write(world.tenant_id) as s:
        parties.create_customer(s, world.tenant_id, "C-1", "华东商贸", world.clock.now())
        for code in ("AMAZON", "TIKTOK"):
            pools.create_channel(s, world.tenant_id, code, code.title(), world.clock.now())
    install(world, "flash_sale", FLASH_SALE)
    docs = DocumentServices(world.db, world.clock)
    for no, channel in (("SO-A", "AMAZON"), ("SO-T", "TIKTOK")):
        docs.sales_orders.create(world.ctx, NewSalesOrder(
            customer="C-1", warehouse="WH-A", no=no, channel=channel,
            lines=[NewOrderLine(sku="TEA-1", qty=Decimal(1))]))
    docs.sales_orders.confirm(world.ctx, "SO-A")
    worker(world).run_once()
    with world.db.read(world.tenant_id) as s:
        tiktok = pools.channel_by_code(s, "TIKTOK")
        assert tiktok.is_paused and "flash_sale_freezes_tiktok" in tiktok.paused_reason
        assert not pools.channel_by_code(s, "AMAZON").is_paused
    assert outcomes(world) == [("freeze", "channel:TIKTOK", "applied")]
    with pytest.raises(ChannelPaused) as refused:
        docs.sales_orders.confirm(world.ctx, "SO-T")
    assert "flash_sale_freezes_tiktok" in refused.value.render("en")
    assert "flash_sale_freezes_tiktok" in refused.value.render("zh-CN")


def test_the_store_top_up_rule_drafts_a_transfer_of_50_naming_the_rule(world):
    world.item("TEA-1")
    install(world, "top_up", TOP_UP)
    event_id = guarantees.new_event_id()
    with world.db.write(world.tenant_id) as s:
        guarantees.append_event(s, world.tenant_id, event_id, "stock.level_changed",
                                "stock:TEA-1", {"item": {"sku": "TEA-1", "available": "12"}},
                                world.clock.now())
    worker(world).run_once()
    docs = DocumentServices(world.db, world.clock)
    with world.db.read(world.tenant_id) as s:
        rows = s.scalars(select(Transfer)).all()
    assert len(rows) == 1
    draft = docs.transfers.get(world.tenant_id, rows[0].no)
    assert draft["status"] == "draft"
    assert draft["from_warehouse"] == "WH-B" and draft["to_warehouse"] == "WH-A"
    assert [(line["sku"], line["qty"]) for line in draft["lines"]] == [("TEA-1", "50.000")]
    assert "store_top_up" in draft["note"] and event_id in draft["note"]
    assert outcomes(world) == [("create_document", f"transfer:{rows[0].no}", "applied")]


def test_a_firing_whose_reserve_is_refused_sends_no_webhook_and_is_recorded_once(
        world, connectors_port):
    add_connector(world, name="erp_sync", kind="webhook_out", endpoint="http://erp.example")
    world.item("TEA-1")
    world.receive("TEA-1", "WH-A", 2, document=DocumentRef(type="opening_balance", ref="OB"))
    install(world, "erp", RESERVE_THEN_WEBHOOK)
    line = {"sku": "TEA-1", "warehouse": "WH-A", "qty": 5, "order_no": "TB-1"}
    with world.db.write(world.tenant_id) as s:  # a shop order for 5 of the 2 on hand
        guarantees.append_event(s, world.tenant_id, guarantees.new_event_id(),
                                "sales_order.confirmed", "shop:TB-1",
                                {"order": {"id": "TB-1", "lines": [line]}}, world.clock.now())
    assert worker(world).run_once()["parked"] == 0  # the event completes
    with world.db.read(world.tenant_id) as s:
        assert s.scalar(select(func.count()).select_from(Delivery)) == 0
        alerts = s.scalars(select(InboxMessage.message)).all()
        refused = s.scalars(select(RuleWrite).where(RuleWrite.outcome == "refused")).all()
    assert len(alerts) == 1 and "hold_and_tell_erp" in alerts[0] and "TEA-1" in alerts[0]
    assert [(w.action, w.detail["rolled_back"]) for w in refused] == [
        ("reserve", ["call_webhook", "freeze"])]
    assert outcomes(world) == [("reserve", "firing:hold_and_tell_erp", "refused")]
    # The freeze of that firing rolled back too: the item can still be reserved.
    with world.db.read(world.tenant_id) as s:
        from inventory.models import Item
        assert s.scalar(select(Item.frozen_reason).where(Item.sku == "TEA-1")) is None


def test_a_whole_firing_commits_together_delivery_included(world, connectors_port):
    add_connector(world, name="erp_sync", kind="webhook_out", endpoint="http://erp.example")
    world.item("TEA-1")
    world.receive("TEA-1", "WH-A", 50, document=DocumentRef(type="opening_balance", ref="OB"))
    install(world, "erp", RESERVE_THEN_WEBHOOK)
    line = {"sku": "TEA-1", "warehouse": "WH-A", "qty": 5, "order_no": "TB-2"}
    with world.db.write(world.tenant_id) as s:
        guarantees.append_event(s, world.tenant_id, guarantees.new_event_id(),
                                "sales_order.confirmed", "shop:TB-2",
                                {"order": {"id": "TB-2", "lines": [line]}}, world.clock.now())
    worker(world).run_once()
    with world.db.read(world.tenant_id) as s:
        assert s.scalar(select(func.count()).select_from(Delivery)) == 1
    assert [o[2] for o in outcomes(world)] == ["applied", "applied"]  # reserve, freeze item
    # The frozen item cannot be reserved again, and says which rule froze it.
    with pytest.raises(ItemFrozen) as refused:
        from inventory import ReserveStock
        world.stock.execute(world.ctx, ReserveStock(sku="TEA-1", warehouse="WH-A",
                                                    qty=Decimal(1)))
    assert "hold_and_tell_erp" in refused.value.render("en")


def test_freeze_supplier_blocks_purchase_order_approval_and_unfreeze_lifts_it(world):
    from inventory.documents import NewPurchaseLine, NewPurchaseOrder, suppliers
    from inventory.documents.errors import SupplierFrozen
    world.item("TEA-1")
    with world.db.write(world.tenant_id) as s:
        suppliers.create_supplier(s, world.tenant_id, "SUP-1", "茶园", world.clock.now())
    install(world, "suppliers", """
rule late_supplier "供应商延误冻结"
  when stock.level_changed
  if item.available < 1 件
  then freeze supplier "SUP-1"
  else unfreeze supplier "SUP-1"
end
""")
    docs = DocumentServices(world.db, world.clock)
    po = docs.purchase_orders.create(world.ctx, NewPurchaseOrder(
        supplier="SUP-1", warehouse="WH-A", lines=[NewPurchaseLine(sku="TEA-1", qty=Decimal(5))]))

    def level(available: str) -> None:
        with world.db.write(world.tenant_id) as s:
            guarantees.append_event(s, world.tenant_id, guarantees.new_event_id(),
                                    "stock.level_changed", "stock:TEA-1",
                                    {"item": {"sku": "TEA-1", "available": available}},
                                    world.clock.now())
        worker(world).run_once()

    level("0")
    with pytest.raises(SupplierFrozen) as refused:
        docs.purchase_orders.approve(world.ctx, po["no"])
    assert "late_supplier" in refused.value.render("zh-CN")
    level("9")
    assert docs.purchase_orders.approve(world.ctx, po["no"])["status"] == "approved"
    assert [o[2] for o in outcomes(world)] == ["applied", "applied"]


def test_a_refused_freeze_of_an_unknown_channel_is_one_alert_not_a_parked_event(world):
    install(world, "flash_sale", FLASH_SALE)
    with world.db.write(world.tenant_id) as s:
        guarantees.append_event(s, world.tenant_id, guarantees.new_event_id(),
                                "sales_order.confirmed", "shop:X",
                                {"order": {"id": "X", "channel_id": "AMAZON", "lines": []}},
                                world.clock.now())
    assert worker(world).run_once()["parked"] == 0
    assert outcomes(world) == [("freeze", "firing:flash_sale_freezes_tiktok", "refused")]
    with world.db.read(world.tenant_id) as s:
        (message,) = s.scalars(select(InboxMessage.message)).all()
    assert "TIKTOK" in message
    assert issubclass(ChannelPaused, DomainError)


def test_freeze_lot_holds_it_in_every_location_and_an_adjustment_draft_needs_its_photo(world):
    from inventory.documents.warehouse_models import Adjustment
    from inventory.lots.models import LotFreeze
    world.item("MILK-1")
    for warehouse in ("WH-A", "WH-B"):
        world.receive("MILK-1", warehouse, 4, lot_no="L-7",
                      document=DocumentRef(type="opening_balance", ref=f"OB-{warehouse}"))
    install(world, "recall", """
rule recall_lot "批次召回"
  when stock.level_changed
  if item.available < 100 件
  then freeze lot "L-7"
    create document adjustment (sku = item.sku, qty = -1 件, warehouse = "WH-A",
                                reason = "damaged", photo = "photos/l7.jpg")
end

rule write_off_without_photo "无照片报损"
  when stock.level_changed
  if item.available < 100 件
  then create document adjustment (sku = item.sku, qty = -1 件, warehouse = "WH-B",
                                   reason = "damaged")
end
""")
    with world.db.write(world.tenant_id) as s:
        guarantees.append_event(s, world.tenant_id, guarantees.new_event_id(),
                                "stock.level_changed", "stock:MILK-1",
                                {"item": {"sku": "MILK-1", "available": "8"}},
                                world.clock.now())
    assert worker(world).run_once()["parked"] == 0
    with world.db.read(world.tenant_id) as s:
        frozen = s.scalars(select(LotFreeze).where(LotFreeze.status == "frozen")).all()
        drafts = s.scalars(select(Adjustment)).all()
    assert len(frozen) == 2 and all("recall_lot" in f.reason for f in frozen)
    assert [(d.status, d.photo_refs) for d in drafts] == [("draft", ["photos/l7.jpg"])]
    assert "recall_lot" in drafts[0].note
    assert [o[2] for o in outcomes(world)] == ["applied", "applied", "refused"]
