"""The production executor's document, field and event actions, through the worker, both DBs.

Rules in production → a committed event → the worker evaluates and applies once: ``set``,
``create document``, ``emit event`` (and its cascade bound), ``freeze receipt``; and the
example rules agree with the documents' own holds instead of alerting against them.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from dsl import default_registry
from engine import Worker
from engine.dispatch import OutboxRecord
from engine.models import InboxMessage, RuleWrite
from engine.rule_handler import RuleHandler
from engine.rulesets import put_in_production, save_version
from inventory import DocumentRef, guarantees, queries
from inventory.documents import (
    DocumentServices,
    Inspection,
    NewOrderLine,
    NewPurchaseLine,
    NewPurchaseOrder,
    NewReceipt,
    NewReceiptLine,
    NewSalesOrder,
    parties,
)
from inventory.documents.models import PurchaseOrder
from inventory.models import Item, LedgerEntry
from kernel.models import OutboxEvent

EXAMPLES = Path(__file__).parents[3] / "examples" / "rules"

REORDER = """
rule low_stock_reorder "低于再订货点自动请购"
  when stock.level_changed
  if item.available < 10 件
  then
    set item.reorder_point to 20 件
    create document purchase_order (sku = item.sku, qty = 100 件, warehouse = "WH-A",
                                    reason = "低于再订货点")
end
"""

PING_PONG = """
rule ping "扫码后标记重复"
  when scanner.scanned
  then
    emit event scan.duplicate_flagged (item.sku = item.sku, scanner.id = scanner.id)
end

rule pong "标记重复后再扫码"
  when scan.duplicate_flagged
  then
    emit event scanner.scanned (item.sku = item.sku, scanner.id = scanner.id)
end
"""


def install(world: Any, name: str, source: str) -> str:
    """Put rule text in production for the world's tenant; return the version hash."""
    with world.db.write(world.tenant_id) as s:
        version = save_version(s, world.tenant_id, name, source, default_registry(), "author",
                               world.clock.now())
        put_in_production(s, version)
        return version.version_hash


def append(world: Any, event_type: str, key: str, payload: dict[str, Any]) -> str:
    """Append an entity-shaped event, as a connector delivers it."""
    event_id = guarantees.new_event_id()
    with world.db.write(world.tenant_id) as s:
        guarantees.append_event(s, world.tenant_id, event_id, event_type, key, payload,
                                world.clock.now())
    return event_id


def record(world: Any, event_id: str) -> OutboxRecord:
    """The outbox event as a handler gets it (to deliver it by hand)."""
    with world.db.read(world.tenant_id) as s:
        row = s.scalar(select(OutboxEvent).where(OutboxEvent.event_id == event_id))
        return OutboxRecord(id=row.id, event_id=row.event_id, tenant_id=row.tenant_id,
                            type=row.type, key=row.key, payload=row.payload,
                            occurred_at=row.occurred_at, attempts=0)


def inbox(world: Any) -> list[tuple[str, str]]:
    with world.db.read(world.tenant_id) as s:
        return [(m.recipient, m.message)
                for m in s.scalars(select(InboxMessage).order_by(InboxMessage.id))]


def writes(world: Any) -> list[tuple[str, str, str, str]]:
    with world.db.read(world.tenant_id) as s:
        return [(w.action, w.target, w.outcome, w.rule_node)
                for w in s.scalars(select(RuleWrite).order_by(RuleWrite.id))]


@pytest.fixture
def worker(world: Any) -> Worker:
    return Worker(world.db, world.clock, handler=RuleHandler())


# --- set and create document ---------------------------------------------------------------

def test_set_and_create_document_apply_once_with_provenance(world, worker):
    world.item("TEA-1")
    version = install(world, "reorder", REORDER)
    event_id = append(world, "stock.level_changed", "stock:TEA-1",
                      {"item": {"sku": "TEA-1", "available": "4"}})
    worker.run_once()
    with world.db.read(world.tenant_id) as s:
        item = s.scalar(select(Item).where(Item.sku == "TEA-1"))
        orders = s.scalars(select(PurchaseOrder)).all()
    assert item.attributes["reorder_point"] == "20"
    assert len(orders) == 1 and orders[0].status == "draft"
    assert "low_stock_reorder" in orders[0].note and event_id in orders[0].note
    docs = DocumentServices(world.db, world.clock)
    po = docs.purchase_orders.get(world.tenant_id, orders[0].no)
    assert po["lines"][0]["sku"] == "TEA-1" and po["lines"][0]["qty"] == "100.000"
    assert po["warehouse"] == "WH-A"
    assert writes(world) == [
        ("set", "item:TEA-1", "applied", "low_stock_reorder/then/0"),
        ("create_document", f"purchase_order:{orders[0].no}", "applied",
         "low_stock_reorder/then/1")]
    with world.db.read(world.tenant_id) as s:
        assert {w.rule_version for w in s.scalars(select(RuleWrite))} == {version}
    # Delivered again: nothing is applied twice.
    with world.db.write(world.tenant_id) as s:
        outcomes = [a.outcome for a in RuleHandler().handle(s, record(world, event_id),
                                                            world.clock.now())]
    assert outcomes == ["already applied", "already applied"]
    with world.db.read(world.tenant_id) as s:
        assert s.scalar(select(func.count()).select_from(PurchaseOrder)) == 1
    # Above the reorder point nothing happens.
    append(world, "stock.level_changed", "stock:TEA-1",
           {"item": {"sku": "TEA-1", "available": "40"}})
    worker.run_once()
    assert len(writes(world)) == 2


def test_a_document_for_an_unknown_item_is_refused_with_an_alert_not_a_parked_event(world,
                                                                                   worker):
    install(world, "reorder", REORDER)
    event_id = append(world, "stock.level_changed", "stock:NOPE",
                      {"item": {"sku": "NOPE", "available": "1"}})
    with world.db.write(world.tenant_id) as s:
        outcomes = [a.outcome for a in RuleHandler().handle(s, record(world, event_id),
                                                            world.clock.now())]
    # One firing: the set is refused (unknown item), the draft PO rolls back with it.
    assert outcomes == ["refused", "rolled back"]
    assert worker.run_once()["parked"] == 0  # the worker's delivery: already applied
    alerts = inbox(world)
    assert [a[0] for a in alerts] == ["role:admin"]  # recorded once
    assert all("NOPE" in a[1] and "未执行" in a[1] for a in alerts)
    with world.db.read(world.tenant_id) as s:
        refused = list(s.scalars(select(RuleWrite).where(RuleWrite.outcome == "refused")))
        assert [(w.rule_id, w.detail["rolled_back"]) for w in refused] == [
            ("low_stock_reorder", ["create_document"])]
    with world.db.read(world.tenant_id) as s:
        assert s.scalar(select(func.count()).select_from(PurchaseOrder)) == 0


# --- emit event and the cascade bound ------------------------------------------------------

def test_rules_that_emit_each_others_event_stop_at_the_cascade_bound(world):
    install(world, "ping_pong", PING_PONG)
    worker = Worker(world.db, world.clock, handler=RuleHandler(max_cascade_depth=3))
    root = append(world, "scanner.scanned", "scan:TEA-1",
                  {"item": {"sku": "TEA-1"}, "scanner": {"id": "SC-1"}})
    outcome = worker.run_once()
    assert outcome["parked"] == 0 and outcome["retried"] == 0
    with world.db.read(world.tenant_id) as s:
        rows = s.execute(select(OutboxEvent.type, OutboxEvent.payload, OutboxEvent.status)
                         .where(OutboxEvent.tenant_id == world.tenant_id)
                         .order_by(OutboxEvent.id)).all()
    # The business event and three follow-ups (depth 1..3); the fourth is stopped.
    assert [r.type for r in rows] == ["scanner.scanned", "scan.duplicate_flagged",
                                      "scanner.scanned", "scan.duplicate_flagged"]
    assert [r.payload.get("_cause", {}).get("depth", 0) for r in rows] == [0, 1, 2, 3]
    assert all(r.payload["_cause"]["root_event_id"] == root for r in rows[1:])
    assert rows[1].payload["_cause"]["event_id"] == root
    assert rows[1].payload["item"] == {"sku": "TEA-1"}
    assert {r.status for r in rows} == {"done"}
    alerts = inbox(world)
    assert len(alerts) == 1 and alerts[0][0] == "role:admin"
    assert "engine.cascade_too_deep" in alerts[0][1] and "超过上限 3" in alerts[0][1]
    assert "past the limit of 3" in alerts[0][1] and root in alerts[0][1]
    assert writes(world)[-1][2] == "stopped"
    assert worker.run_once()["drained"] == 0  # nothing left: no loop


# --- the plated-part seed case --------------------------------------------------------------

@pytest.fixture
def plating(world: Any) -> tuple[Any, DocumentServices]:
    world.item("PART-9")
    docs = DocumentServices(world.db, world.clock)
    install(world, "plated", (EXAMPLES / "plated_return_check.rule").read_text("utf-8"))
    docs.purchase_orders.create(world.ctx, NewPurchaseOrder(
        supplier="永华电镀厂", warehouse="WH-A", no="SC-1",
        lines=[NewPurchaseLine(sku="PART-9", qty=Decimal(500))]))
    docs.purchase_orders.approve(world.ctx, "SC-1")
    return world, docs


def returned(docs: DocumentServices, world: Any, no: str, **check: Any) -> None:
    docs.receipts.create(world.ctx, NewReceipt(
        purchase_order_no="SC-1", no=no, expected_weight_kg=Decimal("10.000"),
        lines=[NewReceiptLine(order_line_no=1, qty=Decimal(100))]))
    docs.receipts.report_return(world.ctx, no, "plating", Inspection(**check))


@pytest.mark.parametrize(("no", "check"), [
    ("RC-HEAVY", {"is_scanned": True, "photo_count": 2, "measured_weight_kg": Decimal("10.3")}),
    ("RC-LIGHT", {"is_scanned": True, "photo_count": 1, "measured_weight_kg": Decimal("9.79")}),
    ("RC-NOPIC", {"is_scanned": True, "photo_count": 0, "measured_weight_kg": Decimal("10")}),
])
def test_plated_return_outside_tolerance_is_frozen_by_the_rule(plating, worker, no, check):
    world, docs = plating
    returned(docs, world, no, **check)
    assert docs.receipts.get(world.tenant_id, no)["status"] == "draft"  # not built-in
    worker.run_once()
    receipt = docs.receipts.get(world.tenant_id, no)
    assert receipt["status"] == "frozen"
    assert "plated_return_check" in receipt["frozen_reason"]
    assert inbox(world) == [("role:quality_manager", f"回厂校验未通过: {no}")]
    assert writes(world)[0][:3] == ("freeze", f"receipt:{no}", "applied")
    # A frozen receipt cannot be put away.
    with pytest.raises(Exception, match="frozen"):
        docs.receipts.put_away(world.ctx, no)


def test_plated_return_within_tolerance_passes_through_the_rule(plating, worker):
    world, docs = plating
    returned(docs, world, "RC-OK", is_scanned=True, photo_count=1,
             measured_weight_kg=Decimal("10.19"))
    worker.run_once()
    receipt = docs.receipts.get(world.tenant_id, "RC-OK")
    assert receipt["status"] == "inspected" and receipt["measured_weight_kg"] == "10.190"
    assert inbox(world) == []
    assert writes(world) == [("set", "receipt:RC-OK", "applied", "plated_return_check/else/0")]
    docs.receipts.put_away(world.ctx, "RC-OK")
    with world.db.read(world.tenant_id) as s:
        rows, _ = queries.balances(s, sku="PART-9", warehouse="WH-A", offset=0, limit=1)
    assert rows[0]["on_hand"] == 100


# --- rules and the documents' own holds: one owner ----------------------------------------

def test_deposit_rules_on_a_document_order_agree_with_its_own_holds(world, worker):
    """A document order holds its lines on confirm and gives them back on cancel; the example
    rules record that as already done: no second hold, no second release, no alert."""
    world.item("TEA-1")
    world.receive("TEA-1", "WH-A", 50, document=DocumentRef(type="opening_balance", ref="OB"))
    with world.db.write(world.tenant_id) as s:
        parties.create_customer(s, world.tenant_id, "C-1", "华东商贸", world.clock.now())
    install(world, "deposit", (EXAMPLES / "deposit_locks_stock.rule").read_text("utf-8"))
    docs = DocumentServices(world.db, world.clock)
    docs.sales_orders.create(world.ctx, NewSalesOrder(
        customer="C-1", warehouse="WH-A", no="SO-D", deposit_amount=Decimal("30.00"),
        lines=[NewOrderLine(sku="TEA-1", qty=Decimal(5))]))
    docs.sales_orders.confirm(world.ctx, "SO-D")
    worker.run_once()

    def reserved() -> Any:
        with world.db.read(world.tenant_id) as s:
            rows, _ = queries.balances(s, sku="TEA-1", warehouse="WH-A", offset=0, limit=1)
        return rows[0]["reserved"]

    assert reserved() == 5
    docs.sales_orders.cancel(world.ctx, "SO-D")
    worker.run_once()
    assert reserved() == 0
    assert inbox(world) == []
    assert [(w[0], w[2]) for w in writes(world)] == [("reserve", "already done"),
                                                     ("release", "already done")]
    with world.db.read(world.tenant_id) as s:
        reasons = s.scalars(select(LedgerEntry.reason).where(
            LedgerEntry.bucket == "reserved").order_by(LedgerEntry.id)).all()
        rule_rows = s.scalar(select(func.count()).select_from(LedgerEntry)
                             .where(LedgerEntry.rule_version.is_not(None)))
    assert reasons == ["reserve", "release"] and rule_rows == 0


def test_release_on_cancel_gives_back_a_shop_orders_hold_with_rule_provenance(world, worker):
    world.item("TEA-1")
    world.receive("TEA-1", "WH-A", 50, document=DocumentRef(type="opening_balance", ref="OB"))
    version = install(world, "deposit",
                      (EXAMPLES / "deposit_locks_stock.rule").read_text("utf-8"))
    line = {"sku": "TEA-1", "warehouse": "WH-A", "qty": 7, "order_no": "TB-9"}
    append(world, "sales_order.confirmed", "shop:TB-9",
           {"order": {"id": "TB-9", "deposit_amount": "10", "lines": [line]}})
    worker.run_once()
    with world.db.read(world.tenant_id) as s:
        held = s.scalar(select(RuleWrite).where(RuleWrite.action == "reserve"))
    reservation_id = held.target.split(":", 1)[1]
    cancel_id = append(world, "sales_order.cancelled", "shop:TB-9", {"order": {
        "id": "TB-9", "lines": [{**line, "reservation_id": reservation_id}]}})
    world.clock.advance(timedelta(minutes=5))
    worker.run_once()
    with world.db.read(world.tenant_id) as s:
        release = s.scalar(select(LedgerEntry).where(LedgerEntry.reason == "release"))
        rows, _ = queries.balances(s, sku="TEA-1", warehouse="WH-A", offset=0, limit=1)
    assert rows[0]["reserved"] == 0
    assert (release.cause_event_id, release.rule_version, release.rule_node) == (
        cancel_id, version, "release_on_cancel/then/0")
    assert inbox(world) == []


def test_a_rule_holding_a_receipts_entries_ties_its_hold_to_that_receipt(world, worker):
    """Every ledger row names a document: a rule reserving ``stock.entries`` of a receipt
    writes reservation rows that name the receipt (and carry the rule's provenance)."""
    world.item("TEA-1")
    version = install(world, "hold_new_stock", (
        'rule hold_new_stock\n  when stock.received\n  if stock.document_type == "receipt"\n'
        '  then\n    reserve stock.entries for 2h\nend\n'))
    received = world.receive("TEA-1", "WH-A", 5,
                             document=DocumentRef(type="receipt", ref="RC-7"))
    worker.run_once()
    with world.db.read(world.tenant_id) as s:
        held = s.scalars(select(LedgerEntry).where(LedgerEntry.reason == "reserve")).all()
        untied = s.scalar(select(func.count()).select_from(LedgerEntry)
                          .where(LedgerEntry.document_ref.is_(None)))
    assert [(h.document_type, h.document_ref, h.cause_event_id, h.rule_version)
            for h in held] == [("receipt", "RC-7", received["event_id"], version)]
    assert untied == 0
