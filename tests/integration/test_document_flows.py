"""Document flows end to end through the services, on SQLite and PostgreSQL.

PO → receipt (inspection fails → frozen → released) → put-away; a deposit order whose
hold lapses; confirm → ship → return part; a frozen customer; cancellations; keys.
Every flow ends by checking that each ledger row it wrote names its document and that
the balances equal the ledger.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from inventory import DocumentRef, InsufficientStock, ReservationNotActive
from inventory.documents import (
    CustomerFrozen,
    DocumentServices,
    Inspection,
    InvalidTransition,
    NewOrderLine,
    NewPurchaseLine,
    NewPurchaseOrder,
    NewReceipt,
    NewReceiptLine,
    NewReturnLine,
    NewSalesOrder,
    NewSalesReturn,
    NewShipment,
    NewShipmentLine,
    QualityRoleRequired,
    QuantityExceeded,
    ReturnReason,
    ShipmentNotConfirmed,
    parties,
)
from inventory.errors import IdempotencyKeyReused
from inventory.models import Item, LedgerEntry, Reservation, StockBalance, Warehouse
from inventory.queries import ledger_sums, lots
from kernel.models import OutboxEvent
from tests.integration.document_tour import warehouse_documents

CODE = "4711"  # the warehouse's shipment confirmation code in these tests


@pytest.fixture
def docs(world: Any) -> DocumentServices:
    """The document services on the world's database and clock, with a customer and code."""
    with world.db.write(world.tenant_id) as session:
        parties.create_customer(session, world.tenant_id, "C-1", "华东商贸", world.clock.now())
        parties.set_confirmation_code(session, world.tenant_id, "WH-A", CODE, world.clock.now())
    return DocumentServices(world.db, world.clock)


def stocked(world: Any, sku: str, qty: int) -> None:
    """An item with opening stock in WH-A, received under an opening-balance document."""
    world.item(sku)
    world.receive(sku, "WH-A", qty, document=DocumentRef(type="opening_balance", ref="OB-1"))


def balance(world: Any, sku: str, warehouse: str = "WH-A") -> tuple[Decimal, Decimal]:
    """(on_hand, reserved) of a SKU in a warehouse."""
    with world.db.read(world.tenant_id) as session:
        row = session.execute(
            select(StockBalance.on_hand, StockBalance.reserved)
            .join(Item, Item.id == StockBalance.item_id)
            .join(Warehouse, Warehouse.id == StockBalance.warehouse_id)
            .where(Item.sku == sku, Warehouse.code == warehouse)).one()
    return row[0], row[1]


def events(world: Any, prefix: str) -> list[str]:
    """Outbox event types of the tenant starting with ``prefix``, in order."""
    with world.db.read(world.tenant_id) as session:
        return list(session.scalars(select(OutboxEvent.type)
                                    .where(OutboxEvent.type.startswith(prefix))
                                    .order_by(OutboxEvent.id)))


def assert_ledger_sound(world: Any) -> None:
    """No ledger row lacks its document, and balances equal the ledger."""
    with world.db.read(world.tenant_id) as session:
        orphans = session.scalar(select(func.count()).select_from(LedgerEntry).where(
            (LedgerEntry.document_ref.is_(None)) | (LedgerEntry.document_type.is_(None))))
        assert orphans == 0
        sums = ledger_sums(session)
        for row in session.scalars(select(StockBalance)):
            assert sums.get((row.item_id, row.warehouse_id, "on_hand"), 0) == row.on_hand
            assert sums.get((row.item_id, row.warehouse_id, "reserved"), 0) == row.reserved


def test_purchase_order_receipt_frozen_released_put_away(world: Any, docs: DocumentServices):
    world.item("BOLT-M8")
    world.item("NUT-M8")
    ctx = world.ctx
    order = docs.purchase_orders.create(ctx, NewPurchaseOrder(
        supplier="苏州电镀厂", warehouse="WH-A", no="PO-1",
        lines=[NewPurchaseLine(sku="BOLT-M8", qty=Decimal(10), unit_price=Decimal("1.25")),
               NewPurchaseLine(sku="NUT-M8", qty=Decimal(5))]))
    assert order["status"] == "draft" and order["lines"][0]["unit_price"] == "1.25"
    with pytest.raises(InvalidTransition):  # a draft order cannot receive yet
        docs.receipts.create(ctx, NewReceipt(purchase_order_no="PO-1", lines=[
            NewReceiptLine(order_line_no=1, qty=Decimal(10))]))
    assert docs.purchase_orders.approve(ctx, "PO-1")["status"] == "approved"

    receipt = docs.receipts.create(ctx, NewReceipt(
        purchase_order_no="PO-1", no="RC-1", expected_weight_kg=Decimal(50),
        lines=[NewReceiptLine(order_line_no=1, qty=Decimal(10), lot_no="L-2611",
                              expiry_date=world.clock.now().date() + timedelta(days=365))]))
    assert receipt["status"] == "draft"
    inspected = docs.receipts.inspect(ctx, "RC-1", Inspection(
        is_scanned=True, photo_count=2, measured_weight_kg=Decimal("45.5")))
    assert inspected["status"] == "frozen" and inspected["failures"]
    assert "weight" in inspected["frozen_reason"]

    with pytest.raises(InvalidTransition) as info:  # frozen blocks put-away
        docs.receipts.put_away(ctx, "RC-1")
    assert set(info.value.allowed_actions) == {"release", "cancel"}
    with pytest.raises(QualityRoleRequired):
        docs.receipts.release(ctx, "RC-1", role="viewer")
    with pytest.raises(QualityRoleRequired):  # an API token has no role
        docs.receipts.release(ctx, "RC-1", role=None)
    assert docs.receipts.get(world.tenant_id, "RC-1")["status"] == "frozen"
    with pytest.raises(QualityRoleRequired):  # moving stock is not releasing quality holds
        docs.receipts.release(ctx, "RC-1", role="warehouse")
    released = docs.receipts.release(ctx, "RC-1", role="quality")
    assert released["status"] == "inspected" and released["released_by"] == "test"

    put = docs.receipts.put_away(ctx, "RC-1")
    assert put["status"] == "put_away"
    assert balance(world, "BOLT-M8") == (Decimal(10), Decimal(0))
    with world.db.read(world.tenant_id) as session:
        assert [(r["lot_no"], r["on_hand"]) for r in lots(session, "BOLT-M8", "WH-A")] == [
            ("L-2611", Decimal(10))]
        refs = set(session.execute(select(LedgerEntry.document_type, LedgerEntry.document_ref)))
    assert refs == {("receipt", "RC-1")}
    assert docs.purchase_orders.get(world.tenant_id, "PO-1")["status"] == "partially_received"

    with pytest.raises(QuantityExceeded):  # line 1 is fully received
        docs.receipts.create(ctx, NewReceipt(purchase_order_no="PO-1", lines=[
            NewReceiptLine(order_line_no=1, qty=Decimal(1))]))
    second = docs.receipts.create(ctx, NewReceipt(purchase_order_no="PO-1", lines=[
        NewReceiptLine(order_line_no=2, qty=Decimal(5))]))
    assert second["no"].startswith("RC-")
    docs.receipts.inspect(ctx, second["no"], Inspection(is_scanned=True, photo_count=1))
    docs.receipts.put_away(ctx, second["no"])
    assert docs.purchase_orders.get(world.tenant_id, "PO-1")["status"] == "received"
    assert docs.purchase_orders.close(ctx, "PO-1")["status"] == "closed"
    assert events(world, "receipt.") == [
        "receipt.inspected", "receipt.frozen", "receipt.released", "receipt.put_away",
        "receipt.inspected", "receipt.put_away"]
    assert events(world, "purchase_order.") == [
        "purchase_order.approved", "purchase_order.partially_received",
        "purchase_order.received", "purchase_order.closed"]
    assert_ledger_sound(world)


def test_a_deposit_orders_hold_expires_and_frees_the_stock(world: Any, docs: DocumentServices):
    stocked(world, "CAKE-6", 10)
    ctx = world.ctx
    docs.sales_orders.create(ctx, NewSalesOrder(
        customer="C-1", warehouse="WH-A", no="SO-DEP", deposit_amount=Decimal("50.00"),
        lines=[NewOrderLine(sku="CAKE-6", qty=Decimal(6), unit_price=Decimal("88.80"))]))
    confirmed = docs.sales_orders.confirm(ctx, "SO-DEP")
    assert confirmed["hold_seconds"] == 7200 and confirmed["deposit_amount"] == "50.00"
    assert balance(world, "CAKE-6") == (Decimal(10), Decimal(6))
    with world.db.read(world.tenant_id) as session:
        res = session.scalars(select(Reservation)).one()
    assert res.expires_at == world.clock.now() + timedelta(hours=2)
    assert (res.document_type, res.document_ref) == ("sales_order", "SO-DEP")

    world.clock.advance(timedelta(hours=1, minutes=59))
    docs.sales_orders.create(ctx, NewSalesOrder(customer="C-1", warehouse="WH-A", no="SO-2",
                                                lines=[NewOrderLine(sku="CAKE-6", qty=10)]))
    with pytest.raises(InsufficientStock):  # still held one minute before the end
        docs.sales_orders.confirm(ctx, "SO-2")
    world.clock.advance(timedelta(minutes=1))
    assert world.stock.sweep_expired(world.tenant_id) == 1
    assert balance(world, "CAKE-6") == (Decimal(10), Decimal(0))
    docs.sales_orders.confirm(ctx, "SO-2")  # the whole stock is available again
    assert balance(world, "CAKE-6") == (Decimal(10), Decimal(10))

    # The lapsed deposit order can no longer ship, and cancelling it releases nothing twice.
    shipment = docs.shipments.create(ctx, NewShipment(sales_order_no="SO-DEP"))
    docs.shipments.pick(ctx, shipment["no"])
    docs.shipments.pack(ctx, shipment["no"])
    with pytest.raises(ReservationNotActive):
        docs.shipments.ship(ctx, shipment["no"], confirmation_code=CODE, carrier="SF",
                            tracking_no="SF100")
    cancelled = docs.sales_orders.cancel(ctx, "SO-DEP")
    assert cancelled["status"] == "cancelled"
    assert balance(world, "CAKE-6") == (Decimal(10), Decimal(10))
    assert_ledger_sound(world)


def test_confirm_ship_in_two_shipments_then_return_part(world: Any, docs: DocumentServices):
    stocked(world, "TEA-1", 20)
    stocked(world, "CUP-1", 10)
    ctx = world.ctx
    docs.sales_orders.create(ctx, NewSalesOrder(
        customer="C-1", warehouse="WH-A", no="SO-1",
        lines=[NewOrderLine(sku="TEA-1", qty=Decimal(8)), NewOrderLine(sku="CUP-1", qty=4)]))
    docs.sales_orders.confirm(ctx, "SO-1")
    assert balance(world, "TEA-1") == (Decimal(20), Decimal(8))

    first = docs.shipments.create(ctx, NewShipment(
        sales_order_no="SO-1", no="SH-1", lines=[NewShipmentLine(order_line_no=1, qty=5)]))
    with pytest.raises(InvalidTransition) as info:  # must be picked and packed first
        docs.shipments.ship(ctx, "SH-1", confirmation_code=CODE, carrier="SF",
                            tracking_no="SF1")
    assert info.value.allowed_actions == ("pick", "cancel")
    docs.shipments.pick(ctx, "SH-1")
    docs.shipments.pack(ctx, "SH-1")
    with pytest.raises(ShipmentNotConfirmed):
        docs.shipments.ship(ctx, "SH-1", confirmation_code="0000", carrier="SF",
                            tracking_no="SF1")
    with pytest.raises(ShipmentNotConfirmed):
        docs.shipments.ship(ctx, "SH-1", confirmation_code=CODE, carrier="SF", tracking_no=" ")
    shipped = docs.shipments.ship(ctx, "SH-1", confirmation_code=CODE, carrier="SF",
                                  tracking_no="SF1")
    assert shipped["status"] == "shipped" and first["lines"][0]["qty"] == "5.000"
    assert balance(world, "TEA-1") == (Decimal(15), Decimal(3))
    order = docs.sales_orders.get(world.tenant_id, "SO-1")
    assert order["status"] == "partially_shipped"
    assert [line["shipped_qty"] for line in order["lines"]] == ["5.000", "0.000"]

    rest = docs.shipments.create(ctx, NewShipment(sales_order_no="SO-1"))  # all still open
    assert [(x["sku"], x["qty"]) for x in rest["lines"]] == [("TEA-1", "3.000"),
                                                             ("CUP-1", "4.000")]
    for action in (docs.shipments.pick, docs.shipments.pack):
        action(ctx, rest["no"])
    docs.shipments.ship(ctx, rest["no"], confirmation_code=CODE, carrier="SF",
                        tracking_no="SF2")
    assert docs.sales_orders.get(world.tenant_id, "SO-1")["status"] == "shipped"
    assert balance(world, "TEA-1") == (Decimal(12), Decimal(0))
    assert balance(world, "CUP-1") == (Decimal(6), Decimal(0))

    with pytest.raises(QuantityExceeded):  # more than was shipped on line 1
        docs.sales_returns.create(ctx, NewSalesReturn(
            sales_order_no="SO-1", reason=ReturnReason.DAMAGED,
            lines=[NewReturnLine(order_line_no=1, qty=Decimal(9))]))
    docs.sales_returns.create(ctx, NewSalesReturn(
        sales_order_no="SO-1", reason=ReturnReason.DAMAGED, no="RT-1",
        lines=[NewReturnLine(order_line_no=1, qty=Decimal(2))]))
    posted = docs.sales_returns.post(ctx, "RT-1")
    assert posted["status"] == "posted" and posted["reason"] == "damaged"
    assert balance(world, "TEA-1") == (Decimal(14), Decimal(0))
    order = docs.sales_orders.get(world.tenant_id, "SO-1")
    assert order["lines"][0]["returned_qty"] == "2.000"
    # shipped 8 − returned 2 = 6 returnable: a draft of 7 is refused at once
    with pytest.raises(QuantityExceeded):
        docs.sales_returns.create(ctx, NewSalesReturn(
            sales_order_no="SO-1", reason=ReturnReason.LATE,
            lines=[NewReturnLine(order_line_no=1, qty=Decimal(7))]))
    # two drafts of 4 each pass alone; posting the second finds only 2 left
    for no in ("RT-2", "RT-3"):
        docs.sales_returns.create(ctx, NewSalesReturn(
            sales_order_no="SO-1", reason=ReturnReason.MISMATCH, no=no,
            lines=[NewReturnLine(order_line_no=1, qty=Decimal(4))]))
    docs.sales_returns.post(ctx, "RT-2")
    with pytest.raises(QuantityExceeded):
        docs.sales_returns.post(ctx, "RT-3")
    assert docs.sales_returns.get(world.tenant_id, "RT-3")["status"] == "draft"
    assert balance(world, "TEA-1") == (Decimal(18), Decimal(0))
    assert docs.sales_orders.close(ctx, "SO-1")["status"] == "closed"

    with world.db.read(world.tenant_id) as session:
        kinds = set(session.execute(select(LedgerEntry.reason, LedgerEntry.document_type)))
    assert {("reserve", "sales_order"), ("consume", "shipment"), ("shipment", "shipment"),
            ("receipt", "sales_return")} <= kinds
    assert events(world, "sales_order.") == [
        "sales_order.confirmed", "sales_order.partially_shipped", "sales_order.shipped",
        "sales_order.closed"]
    assert_ledger_sound(world)


def test_a_frozen_customer_cannot_get_an_order_confirmed(world: Any, docs: DocumentServices):
    stocked(world, "RICE-5", 10)
    ctx = world.ctx
    with world.db.write(world.tenant_id) as session:
        parties.freeze_customer(session, "C-1", "overdue 48 h", world.clock.now())
    docs.sales_orders.create(ctx, NewSalesOrder(customer="C-1", warehouse="WH-A", no="SO-F",
                                                lines=[NewOrderLine(sku="RICE-5", qty=2)]))
    with pytest.raises(CustomerFrozen) as info:
        docs.sales_orders.confirm(ctx, "SO-F")
    assert "overdue 48 h" in info.value.render("zh-CN")
    assert docs.sales_orders.get(world.tenant_id, "SO-F")["status"] == "draft"
    assert balance(world, "RICE-5") == (Decimal(10), Decimal(0))
    assert events(world, "sales_order.") == []
    with world.db.write(world.tenant_id) as session:
        parties.unfreeze_customer(session, "C-1")
    assert docs.sales_orders.confirm(ctx, "SO-F")["status"] == "confirmed"
    assert_ledger_sound(world)


def test_cancel_after_a_partial_shipment_releases_the_rest(world: Any, docs: DocumentServices):
    stocked(world, "OIL-1", 10)
    ctx = world.ctx
    docs.sales_orders.create(ctx, NewSalesOrder(customer="C-1", warehouse="WH-A", no="SO-C",
                                                lines=[NewOrderLine(sku="OIL-1", qty=6)]))
    docs.sales_orders.confirm(ctx, "SO-C")
    sh = docs.shipments.create(ctx, NewShipment(sales_order_no="SO-C", lines=[
        NewShipmentLine(order_line_no=1, qty=Decimal(2))]))
    docs.shipments.pick(ctx, sh["no"])
    docs.shipments.pack(ctx, sh["no"])
    docs.shipments.ship(ctx, sh["no"], confirmation_code=CODE, carrier="ZTO", tracking_no="Z1")
    assert balance(world, "OIL-1") == (Decimal(8), Decimal(4))
    assert docs.sales_orders.cancel(ctx, "SO-C")["status"] == "cancelled"
    assert balance(world, "OIL-1") == (Decimal(8), Decimal(0))
    with pytest.raises(InvalidTransition) as info:
        docs.sales_orders.cancel(ctx, "SO-C")
    assert info.value.allowed_actions == ()
    assert_ledger_sound(world)


def test_an_idempotency_key_confirms_once(world: Any, docs: DocumentServices):
    stocked(world, "PEN-1", 10)
    ctx = world.ctx
    docs.sales_orders.create(ctx, NewSalesOrder(customer="C-1", warehouse="WH-A", no="SO-K",
                                                lines=[NewOrderLine(sku="PEN-1", qty=3)]))
    keyed = type(ctx)(tenant_id=ctx.tenant_id, actor="test", idempotency_key="confirm-SO-K")
    first = docs.sales_orders.confirm(keyed, "SO-K")
    again = docs.sales_orders.confirm(keyed, "SO-K")
    assert (first["replayed"], again["replayed"]) == (False, True)
    assert again["event_id"] == first["event_id"]
    assert balance(world, "PEN-1") == (Decimal(10), Decimal(3))
    with pytest.raises(IdempotencyKeyReused):
        docs.sales_orders.cancel(keyed, "SO-K")
    assert_ledger_sound(world)


def test_transfers_adjustments_and_stocktakes_leave_no_row_without_its_document(
        world: Any, docs: DocumentServices):
    """The tour's warehouse documents: every row they write names a transfer or adjustment."""
    warehouse_documents(world, docs)
    with world.db.read(world.tenant_id) as session:
        rows = session.execute(select(LedgerEntry.document_type, LedgerEntry.document_ref,
                                      func.count()).where(LedgerEntry.document_type.in_(
                                          ["transfer", "adjustment"]))
                               .group_by(LedgerEntry.document_type, LedgerEntry.document_ref))
        written = {(kind, ref): n for kind, ref, n in rows}
    stocktake_adjustment = docs.stocktakes.get(world.tenant_id, "ST-1")["adjustment_no"]
    # Each transfer leg writes out + in; adjustments one row per line; ADJ-3/4 never posted.
    assert written == {("transfer", "TR-1"): 4, ("transfer", "TR-2"): 4,
                       ("adjustment", "ADJ-1"): 1, ("adjustment", "ADJ-2"): 1,
                       ("adjustment", stocktake_adjustment): 1}
    assert balance(world, "T-2") == (Decimal(62), Decimal(0))
    assert balance(world, "T-2", "WH-B") == (Decimal(5), Decimal(0))
    assert_ledger_sound(world)
