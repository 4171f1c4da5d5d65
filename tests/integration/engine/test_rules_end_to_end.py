"""Seed rules from examples/rules running in production through the worker, both databases.

Text → checked → IR → version in production → a document command commits its event →
the worker evaluates (pure) and the production executor applies, once.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dsl import default_registry
from engine import Worker
from engine.models import InboxMessage
from engine.rule_handler import RuleHandler
from engine.rulesets import put_in_production, save_version
from inventory import DocumentRef, guarantees
from inventory.documents import (
    DocumentServices,
    NewOrderLine,
    NewSalesOrder,
    NewShipment,
    parties,
)
from inventory.documents.models import Customer
from kernel.models import DurableTimer

EXAMPLES = Path(__file__).parents[3] / "examples" / "rules"
CODE = "4711"


def install(world: Any, example: str) -> str:
    """Put an example rule file in production for the world's tenant; return its hash."""
    source = (EXAMPLES / example).read_text(encoding="utf-8")
    with world.db.write(world.tenant_id) as s:
        version = save_version(s, world.tenant_id, example, source, default_registry(),
                               "author", world.clock.now())
        put_in_production(s, version)
        return version.version_hash


@pytest.fixture
def shop(world: Any) -> tuple[Any, DocumentServices, Worker]:
    with world.db.write(world.tenant_id) as s:
        parties.create_customer(s, world.tenant_id, "C-1", "华东商贸", world.clock.now())
        parties.set_confirmation_code(s, world.tenant_id, "WH-A", CODE, world.clock.now())
    world.item("TEA-1")
    world.receive("TEA-1", "WH-A", 50, document=DocumentRef(type="opening_balance", ref="OB"))
    return world, DocumentServices(world.db, world.clock), Worker(world.db, world.clock,
                                                                 handler=RuleHandler())


def inbox(world: Any) -> list[tuple[str, str, str]]:
    with world.db.read(world.tenant_id) as s:
        return [(m.recipient, m.message, m.rule_node) for m in
                s.scalars(select(InboxMessage).order_by(InboxMessage.id))]


def frozen(world: Any, code: str = "C-1") -> bool:
    with world.db.read(world.tenant_id) as s:
        return bool(s.scalar(select(Customer.is_frozen).where(Customer.code == code)))


def order(docs: DocumentServices, world: Any, no: str) -> None:
    docs.sales_orders.create(world.ctx, NewSalesOrder(
        customer="C-1", warehouse="WH-A", no=no, lines=[NewOrderLine(sku="TEA-1", qty=2)]))
    docs.sales_orders.confirm(world.ctx, no)


def test_unshipped_48h_alerts_and_freezes_exactly_once(shop):
    world, docs, worker = shop
    version = install(world, "unshipped_48h.rule")
    order(docs, world, "SO-1")
    worker.run_once()
    with world.db.read(world.tenant_id) as s:
        timer = s.scalar(select(DurableTimer))
    assert timer is not None and timer.status == "armed"
    assert timer.fire_at == world.clock.now() + timedelta(hours=48)
    world.clock.advance(timedelta(hours=47, minutes=59))
    worker.run_once()
    assert inbox(world) == [] and not frozen(world)
    world.clock.advance(timedelta(minutes=1))
    assert worker.run_once()["fired"] == 1
    worker.run_once()  # the timer.fired event is handled (in the same round or the next)
    messages = inbox(world)
    assert [m[0] for m in messages] == ["role:sales_manager", "role:warehouse_manager"]
    assert "SO-1" in messages[0][1] and messages[0][2] == "未发货预警/then/0"
    assert frozen(world)
    # A restarted worker (new object, same database) fires and applies nothing again.
    again = Worker(world.db, world.clock, handler=RuleHandler())
    world.clock.advance(timedelta(hours=1))
    assert again.run_once()["fired"] == 0
    assert len(inbox(world)) == 2
    with world.db.read(world.tenant_id) as s:
        assert s.scalar(select(InboxMessage.rule_version)) == version


def test_shipped_in_time_cancels_the_timer(shop):
    world, docs, worker = shop
    install(world, "unshipped_48h.rule")
    order(docs, world, "SO-2")
    worker.run_once()
    world.clock.advance(timedelta(hours=30))
    shipment = docs.shipments.create(world.ctx, NewShipment(sales_order_no="SO-2"))
    docs.shipments.pick(world.ctx, shipment["no"])
    docs.shipments.pack(world.ctx, shipment["no"])
    docs.shipments.ship(world.ctx, shipment["no"], confirmation_code=CODE, carrier="SF",
                        tracking_no="SF1001")
    worker.run_once()
    with world.db.read(world.tenant_id) as s:
        assert s.scalar(select(DurableTimer.status)) == "cancelled"
    world.clock.advance(timedelta(hours=30))
    assert worker.run_once()["fired"] == 0
    assert inbox(world) == [] and not frozen(world)


def test_three_scans_within_100ms_flag_once_from_saved_windows(shop):
    world, _docs, _worker = shop
    install(world, "triple_scan_flag.rule")

    def scan(n: int) -> None:
        with world.db.write(world.tenant_id) as s:
            guarantees.append_event(s, world.tenant_id, guarantees.new_event_id(),
                                    "scanner.scanned", "scan:TEA-1",
                                    {"item": {"sku": "TEA-1"}, "scanner": {"id": "SC-7"}},
                                    world.clock.now())
        world.clock.advance(timedelta(milliseconds=40))

    for n in range(2):
        scan(n)
    # A new worker after the first two scans: the window state lives in the database.
    Worker(world.db, world.clock, handler=RuleHandler()).run_once()
    scan(2)
    scan(3)
    world.clock.advance(timedelta(seconds=5))  # handled late: windows use event time
    Worker(world.db, world.clock, handler=RuleHandler()).run_once()
    assert [m[0] for m in inbox(world)] == ["role:warehouse_manager"]
    assert "TEA-1" in inbox(world)[0][1]


def test_redelivering_an_event_changes_nothing(shop):
    world, docs, worker = shop
    install(world, "unshipped_48h.rule")
    order(docs, world, "SO-3")
    worker.run_once()
    world.clock.advance(timedelta(hours=48))
    worker.run_once()
    worker.run_once()
    from engine.dispatch import OutboxRecord
    from kernel.models import OutboxEvent

    with world.db.read(world.tenant_id) as s:
        row = s.scalar(select(OutboxEvent).where(OutboxEvent.type == "timer.fired"))
        record = OutboxRecord(id=row.id, event_id=row.event_id, tenant_id=row.tenant_id,
                              type=row.type, key=row.key, payload=row.payload,
                              occurred_at=row.occurred_at, attempts=0)
    with world.db.write(world.tenant_id) as s:
        outcomes = [a.outcome for a in RuleHandler().handle(s, record, world.clock.now())]
    assert outcomes == ["already applied", "already applied"]
    assert len(inbox(world)) == 2


def test_deposit_order_from_a_shop_holds_stock_2h_with_rule_provenance(shop):
    """An online shop's confirmed deposit order (entity-shaped, as a connector delivers it):
    the rule reserves its lines for 2 h; the ledger rows name the rule, version and node;
    the hold expires on its own; a refusal becomes an alert instead of a lost event."""
    from inventory import queries
    from inventory.models import LedgerEntry

    world, _docs, worker = shop
    version = install(world, "deposit_locks_stock.rule")

    def confirmed(no: str, qty: int) -> str:
        event_id = guarantees.new_event_id()
        with world.db.write(world.tenant_id) as s:
            guarantees.append_event(s, world.tenant_id, event_id, "sales_order.confirmed",
                                    f"shop-order:{no}", {"order": {
                                        "id": no, "deposit_amount": "30.00", "lines": [
                                            {"sku": "TEA-1", "warehouse": "WH-A", "qty": qty,
                                             "order_no": no}]}}, world.clock.now())
        return event_id

    event_id = confirmed("TB-1001", 20)
    worker.run_once()
    with world.db.read(world.tenant_id) as s:
        rows, _ = queries.balances(s, sku="TEA-1", warehouse="WH-A", offset=0, limit=1)
        held = s.scalar(select(LedgerEntry).where(LedgerEntry.reason == "reserve"))
    assert rows[0]["reserved"] == 20
    assert (held.cause_event_id, held.rule_version, held.rule_node, held.document_ref) == (
        event_id, version, "deposit_locks_stock/then/0", "TB-1001")
    confirmed("TB-1002", 40)  # 50 on hand, 20 held: refused, told, not lost
    worker.run_once()
    assert any(m[0] == "role:admin" and "可用 30.000，请求 40.000" in m[1] for m in inbox(world))
    world.clock.advance(timedelta(hours=2))
    worker.run_once()  # the sweep releases the expired hold
    with world.db.read(world.tenant_id) as s:
        rows, _ = queries.balances(s, sku="TEA-1", warehouse="WH-A", offset=0, limit=1)
    assert rows[0]["reserved"] == 0


def test_guard_refuses_a_hold_for_a_fake_address_inside_the_command(shop):
    """The guard runs in the reserve command's transaction: refused with the rule's words,
    naming the rule, and nothing changes; a real address goes through."""
    from engine.errors import GuardRefused
    from engine.guards import GuardRunner
    from inventory import Address, ReserveStock, StockService, queries

    world, _docs, _worker = shop
    install(world, "fake_address_no_reserve.rule")
    stock = StockService(world.db, world.clock, guard=GuardRunner())
    fake = ReserveStock(sku="TEA-1", warehouse="WH-A", qty=3,
                        address=Address(text="火星路 1 号", is_real=False))
    with pytest.raises(GuardRefused) as refused:
        stock.execute(world.ctx, fake)
    assert refused.value.context["rule"] == "地址不实禁止预占"
    assert "火星路 1 号" in refused.value.render("zh-CN")
    with world.db.read(world.tenant_id) as s:
        rows, _ = queries.balances(s, sku="TEA-1", warehouse="WH-A", offset=0, limit=1)
    assert rows[0]["reserved"] == 0
    real = ReserveStock(sku="TEA-1", warehouse="WH-A", qty=3,
                        address=Address(text="杭州市西湖区文三路 1 号", is_real=True))
    assert stock.execute(world.ctx, real)["balances"][0]["reserved"] == "3.000"
