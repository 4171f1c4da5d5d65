"""One tour through every document action, for tests that need every event type emitted.

Drives the services (not the API): PO approve → receipt inspected, frozen, released, put
away (and one cancelled) → PO received, closed; a PO cancelled; sales orders confirmed,
shipped in part and in full, closed, cancelled; shipments picked, packed, shipped and one
cancelled; a return posted and one cancelled; a channel pool rebalanced until its channel
pauses and resumes; supplier invoices matched and mismatched; a work order released,
issued, received and closed, and one cancelled; transfers received, returned and
cancelled; adjustments posted, approved by a second user, rejected and cancelled; a
stocktake counted, closed, reopened and posted, and one cancelled.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from inventory import DocumentRef
from inventory.commands import CommandContext, ShipStock
from inventory.documents import (
    AdjustmentReason,
    Count,
    DocumentServices,
    Inspection,
    NewAdjustment,
    NewAdjustmentLine,
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
    NewStocktake,
    NewTransfer,
    NewTransferLine,
    ReturnReason,
    StocktakeScope,
    parties,
)
from inventory.documents.runner import DocumentRunner
from inventory.manufacturing import (
    BomService,
    NewBom,
    NewBomLine,
    NewWorkOrder,
    WorkOrderAction,
    WorkOrderService,
)
from inventory.planning import (
    InvoiceService,
    NewInvoiceLine,
    NewSupplierInvoice,
    PoolService,
    PoolSetting,
)
from inventory.recipes import (
    Ingredient,
    NewDishSale,
    RecipeService,
    SaleChannel,
    SaleLine,
    StoreSetting,
    WasteLine,
)

CODE = "4711"
D = Decimal


def tour(world: Any) -> None:
    """Run every document action once (world: tests.conftest.TenantWorld, WH-A)."""
    ctx, now = world.ctx, world.clock.now
    with world.db.write(world.tenant_id) as session:
        parties.create_customer(session, world.tenant_id, "C-1", "华东商贸", now())
        parties.set_confirmation_code(session, world.tenant_id, "WH-A", CODE, now())
    docs = DocumentServices(world.db, world.clock)
    world.item("T-1")
    world.receive("T-1", "WH-A", 50, document=DocumentRef(type="opening_balance", ref="OB"))

    # Purchasing: approve, a receipt frozen and released, one cancelled, received, closed.
    docs.purchase_orders.create(ctx, NewPurchaseOrder(
        supplier="华南五金", warehouse="WH-A", no="PO-1",
        lines=[NewPurchaseLine(sku="T-1", qty=D(10), unit_price=D("2.50"))]))
    docs.purchase_orders.approve(ctx, "PO-1")
    docs.receipts.create(ctx, NewReceipt(purchase_order_no="PO-1", no="RC-X",
                                         lines=[NewReceiptLine(order_line_no=1, qty=D(1))]))
    docs.receipts.cancel(ctx, "RC-X")
    docs.receipts.create(ctx, NewReceipt(purchase_order_no="PO-1", no="RC-1",
                                         lines=[NewReceiptLine(order_line_no=1, qty=D(10))]))
    docs.receipts.inspect(ctx, "RC-1", Inspection(is_scanned=False, photo_count=0))
    docs.receipts.release(ctx, "RC-1", role="quality")
    docs.receipts.put_away(ctx, "RC-1")
    docs.purchase_orders.close(ctx, "PO-1")
    docs.purchase_orders.create(ctx, NewPurchaseOrder(
        supplier="华南五金", warehouse="WH-A", no="PO-2",
        lines=[NewPurchaseLine(sku="T-1", qty=D(4), unit_price=D("2.50"))]))
    docs.purchase_orders.approve(ctx, "PO-2")
    docs.receipts.create(ctx, NewReceipt(purchase_order_no="PO-2", no="RC-2",
                                         lines=[NewReceiptLine(order_line_no=1, qty=D(2))]))
    docs.receipts.inspect(ctx, "RC-2", Inspection(is_scanned=True, photo_count=1))
    docs.receipts.put_away(ctx, "RC-2")  # partially received
    docs.purchase_orders.create(ctx, NewPurchaseOrder(
        supplier="华南五金", warehouse="WH-A", no="PO-3",
        lines=[NewPurchaseLine(sku="T-1", qty=D(1))]))
    docs.purchase_orders.cancel(ctx, "PO-3")

    # Invoices: one matched, one mismatched.
    invoices = InvoiceService(DocumentRunner(world.db, world.clock), D("1.00"))
    invoices.record(ctx, NewSupplierInvoice(purchase_order_no="PO-1", no="INV-1",
                                            invoiced_at=now(), lines=[NewInvoiceLine(
                                                order_line_no=1, qty=D(10), amount=D(25))]))
    invoices.record(ctx, NewSupplierInvoice(purchase_order_no="PO-2", no="INV-2",
                                            invoiced_at=now(), lines=[NewInvoiceLine(
                                                order_line_no=1, qty=D(4), amount=D(10))]))

    # Channel pool: rebalanced, drained below threshold (pause), refilled (resume).
    pools = PoolService(world.db, world.clock)
    pools.create_channel(ctx, "WEB", "网店")
    pools.set_pool(ctx, "WEB", PoolSetting(sku="T-1", warehouse="WH-A", target_qty=D(20),
                                           threshold_qty=D(5)))
    pools.rebalance(ctx)

    # Selling: a channel order shipped in two parts, returned in part, closed.
    docs.sales_orders.create(ctx, NewSalesOrder(
        customer="C-1", warehouse="WH-A", no="SO-1", channel="WEB", deposit_amount=D(5),
        lines=[NewOrderLine(sku="T-1", qty=D(6), unit_price=D(9))]))
    docs.sales_orders.confirm(ctx, "SO-1")
    docs.shipments.create(ctx, NewShipment(sales_order_no="SO-1", no="SH-X"))
    docs.shipments.cancel(ctx, "SH-X")
    docs.shipments.create(ctx, NewShipment(sales_order_no="SO-1", no="SH-1", lines=[
        NewShipmentLine(order_line_no=1, qty=D(2))]))
    for shipment in ("SH-1", "SH-2"):
        if shipment == "SH-2":
            docs.shipments.create(ctx, NewShipment(sales_order_no="SO-1", no="SH-2"))
        docs.shipments.pick(ctx, shipment)
        docs.shipments.pack(ctx, shipment)
        docs.shipments.ship(ctx, shipment, confirmation_code=CODE, carrier="SF",
                            tracking_no=f"SF-{shipment}")
    docs.sales_returns.create(ctx, NewSalesReturn(
        sales_order_no="SO-1", no="RT-1", reason=ReturnReason.DAMAGED,
        lines=[NewReturnLine(order_line_no=1, qty=D(1))]))
    docs.sales_returns.post(ctx, "RT-1")
    docs.sales_returns.create(ctx, NewSalesReturn(
        sales_order_no="SO-1", no="RT-2", reason=ReturnReason.LATE,
        lines=[NewReturnLine(order_line_no=1, qty=D(1))]))
    docs.sales_returns.cancel(ctx, "RT-2")
    docs.sales_orders.close(ctx, "SO-1")
    docs.sales_orders.create(ctx, NewSalesOrder(
        customer="C-1", warehouse="WH-A", no="SO-2",
        lines=[NewOrderLine(sku="T-1", qty=D(40))]))
    docs.sales_orders.confirm(ctx, "SO-2")
    pools.rebalance(ctx)  # 17 available for a target of 20: the pool gets 17
    docs.sales_orders.cancel(ctx, "SO-2")
    world.stock.execute(ctx, ShipStock(sku="T-1", warehouse="WH-A", qty=D(55),
                                       document=DocumentRef(type="sales_order", ref="POS")))
    pools.rebalance(ctx)  # nothing left: WEB pauses
    world.receive("T-1", "WH-A", 30, document=DocumentRef(type="opening_balance", ref="OB2"))
    world.clock.advance(timedelta(minutes=15))
    pools.rebalance(ctx)  # refilled: WEB resumes

    # Manufacturing: a work order released, issued, received, closed; another cancelled.
    runner = DocumentRunner(world.db, world.clock)
    world.item("T-KIT")
    BomService(runner).create(ctx, NewBom(sku="T-KIT", lines=[NewBomLine(sku="T-1", qty=D(2))]))
    orders = WorkOrderService(runner)
    orders.create(ctx, NewWorkOrder(sku="T-KIT", qty=D(3), warehouse="WH-A", no="WO-1"))
    for action in (WorkOrderAction.RELEASE, WorkOrderAction.ISSUE, WorkOrderAction.RECEIVE,
                   WorkOrderAction.CLOSE):
        orders.act(ctx, "WO-1", action)
    orders.create(ctx, NewWorkOrder(sku="T-KIT", qty=D(1), warehouse="WH-A", no="WO-2"))
    orders.act(ctx, "WO-2", WorkOrderAction.CANCEL)

    # Catering stores (the recipes module, issue #11): a dish sale consumes by recipe, waste
    # against it, and the next morning's 04:00 purchase list.
    recipes = RecipeService(world.db, world.clock)
    recipes.put_store(ctx, StoreSetting(warehouse="WH-A", timezone="UTC"))
    recipes.put_dish(ctx, "T-DISH", "测试菜", "Test dish",
                     [Ingredient(sku="T-1", qty_per_portion=D("0.5"))], is_new=True)
    recipes.record_sale(ctx, NewDishSale(store="WH-A", channel=SaleChannel.DINE_IN, covers=2,
                                         no="DS-1", lines=[SaleLine(dish="T-DISH", portions=2)]))
    recipes.record_waste(ctx, "WH-A", "spoiled", [WasteLine(sku="T-1", qty=D("0.1"))], "WS-1")
    world.clock.advance(timedelta(days=1))
    assert recipes.generate_due(world.tenant_id) == 1

    warehouse_documents(world, docs)


def warehouse_documents(world: Any, docs: DocumentServices) -> None:
    """Transfers, adjustments and stocktakes, every action once (T-2 in WH-A and WH-B)."""
    ctx = world.ctx
    second = CommandContext(tenant_id=world.tenant_id, actor="reviewer")
    world.item("T-2")
    world.receive("T-2", "WH-A", 200, document=DocumentRef(type="opening_balance", ref="OB3"))
    for no, last in (("TR-1", docs.transfers.receive), ("TR-2", docs.transfers.return_),
                     ("TR-3", None)):
        docs.transfers.create(ctx, NewTransfer(from_warehouse="WH-A", to_warehouse="WH-B",
                                               no=no, lines=[NewTransferLine(sku="T-2",
                                                                             qty=D(5))]))
        if last is None:
            docs.transfers.cancel(ctx, no)
            continue
        docs.transfers.dispatch(ctx, no)
        last(ctx, no)

    def adjustment(no: str, qty: int) -> None:
        docs.adjustments.create(ctx, NewAdjustment(
            warehouse="WH-A", reason=AdjustmentReason.DAMAGED, photo_refs=["p.jpg"], no=no,
            lines=[NewAdjustmentLine(sku="T-2", qty=D(qty), unit_cost=D("3.00"))]))
    adjustment("ADJ-1", -2)
    docs.adjustments.submit(ctx, "ADJ-1")  # within the threshold: posted at once
    for no, decide in (("ADJ-2", docs.adjustments.approve), ("ADJ-3", None),
                       ("ADJ-4", docs.adjustments.cancel)):
        adjustment(no, -120)
        docs.adjustments.submit(ctx, no)  # above the threshold: a second user decides
        if decide is None:
            docs.adjustments.reject(second, no, "数量不对")
        else:
            decide(second, no)

    docs.stocktakes.create(ctx, NewStocktake(warehouse="WH-A", scope=StocktakeScope.SELECTED,
                                             skus=["T-2"], no="ST-1"))
    docs.stocktakes.count(ctx, "ST-1", [Count(sku="T-2", counted_qty=D(60))])
    docs.stocktakes.close(ctx, "ST-1")
    docs.stocktakes.reopen(second, "ST-1")
    docs.stocktakes.count(ctx, "ST-1", [Count(sku="T-2", counted_qty=D(62))])
    docs.stocktakes.close(ctx, "ST-1")
    docs.stocktakes.post(second, "ST-1", ["sheet.jpg"])
    docs.stocktakes.create(ctx, NewStocktake(warehouse="WH-B", no="ST-2"))
    docs.stocktakes.cancel(ctx, "ST-2")
