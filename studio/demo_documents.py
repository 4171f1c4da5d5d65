"""Three weeks of documents for the demo tenant, made through the services (no raw inserts).

Customers and sales channels with pools over the Hangzhou warehouse; every day a few
sales orders (some with a deposit, some through a channel) that are shipped, now and then
returned in part or cancelled; purchase orders every few days with receipts (one fails its
inspection, is frozen and released) and supplier invoices that match or do not; the pools
rebalanced twice a day; transfers, adjustments and stocktakes
(:mod:`studio.demo_warehouse_documents`); replenishment policies and their suggestions at
the end. One seeded random generator and a virtual clock make every load the same.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from argon2 import PasswordHasher
from sqlalchemy import select

from inventory import CommandContext
from inventory.documents import (
    DocumentServices,
    Inspection,
    NewOrderLine,
    NewPurchaseLine,
    NewPurchaseOrder,
    NewReceipt,
    NewReceiptLine,
    NewReturnLine,
    NewSalesOrder,
    NewSalesReturn,
    NewShipment,
    ReturnReason,
    parties,
)
from inventory.documents.models import WarehouseConfirmation
from inventory.documents.runner import DocumentRunner
from inventory.planning import (
    InvoiceService,
    NewInvoiceLine,
    NewSupplierInvoice,
    PolicySetting,
    PoolService,
    PoolSetting,
    ReplenishmentService,
)
from kernel.clock import VirtualClock
from kernel.db import Database
from kernel.errors import DomainError
from studio.demo_warehouse_documents import WarehouseHistory
from studio.demo_health import blind_check

CONFIRMATION_CODE = "8888"
CUSTOMERS = [("C-HZ01", "杭州乐童玩具店"), ("C-SH02", "上海米麦烘焙"), ("C-SZ03", "深圳明眸眼镜"),
             ("C-NJ04", "南京小熊母婴"), ("C-BJ05", "北京晨光西点"), ("C-GZ06", "广州视界光学")]
CHANNELS = [("TMALL", "天猫旗舰店", "60", None, "15"), ("MEITUAN", "美团外卖", None, "20", "4"),
            ("STORES", "门店", None, "15", "3")]
SUPPLIERS = ["宁波星辰玩具厂", "江苏麦香面粉厂", "丹阳精工眼镜配件"]
D = Decimal


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """What the document history made."""

    sales_orders: int
    purchase_orders: int
    invoices: int
    rebalance_runs: int
    refused: int
    transfers: int = 0
    adjustments: int = 0
    stocktakes: int = 0


class _History:
    def __init__(self, db: Database, clock: VirtualClock, tenant_id: int, skus: list[str],
                 rng: random.Random) -> None:
        self.clock, self.rng, self.skus = clock, rng, skus
        self.ctx = CommandContext(tenant_id=tenant_id, actor="user:warehouse")
        self.docs = DocumentServices(db, clock)
        self.pools = PoolService(db, clock)
        self.invoices = InvoiceService(DocumentRunner(db, clock), D("1.00"))
        self.replenishment = ReplenishmentService(DocumentRunner(db, clock))
        self.pool_skus = skus[:6]
        self.counts = {"so": 0, "po": 0, "inv": 0, "runs": 0, "refused": 0}
        self.open_orders: list[str] = []

    def attempt(self, action: object, *args: object) -> dict[str, object] | None:
        try:
            return action(self.ctx, *args)  # type: ignore[operator,no-any-return]
        except DomainError:
            self.counts["refused"] += 1
            return None

    def sell(self, day: int, n: int) -> None:
        no = f"SO-{day:02d}{n}"
        channel = self.rng.choice([None, None, "TMALL", "MEITUAN", "STORES"])
        skus = self.pool_skus if channel else self.skus
        lines = [NewOrderLine(sku=sku, qty=D(self.rng.randint(1, 6)),
                              unit_price=D(self.rng.choice(["19.90", "38.00", "128.00"])))
                 for sku in self.rng.sample(skus, self.rng.randint(1, 3))]
        deposit = D(self.rng.choice(["0", "0", "50.00", "100.00"]))
        self.docs.sales_orders.create(self.ctx, NewSalesOrder(
            customer=self.rng.choice(CUSTOMERS)[0], warehouse="WH-HZ", no=no, lines=lines,
            channel=channel, deposit_amount=deposit, hold_seconds=86400 if deposit else None))
        self.counts["so"] += 1
        if self.attempt(self.docs.sales_orders.confirm, no):
            self.open_orders.append(no)

    def ship_and_return(self, day: int) -> None:
        for no in list(self.open_orders):
            self.open_orders.remove(no)
            roll = self.rng.random()
            if roll < 0.08:
                self.attempt(self.docs.sales_orders.cancel, no)
                continue
            shipment = self.attempt(self.docs.shipments.create,
                                    NewShipment(sales_order_no=no, no=f"SH-{no[3:]}"))
            if shipment is None:
                continue
            self.attempt(self.docs.shipments.pick, shipment["no"])
            self.attempt(self.docs.shipments.pack, shipment["no"])
            shipped = self.attempt(lambda c, s: self.docs.shipments.ship(
                c, s, confirmation_code=CONFIRMATION_CODE, carrier="顺丰",
                tracking_no=f"SF{day:02d}{self.rng.randint(10**8, 10**9 - 1)}"),
                shipment["no"])
            if shipped and roll > 0.9:
                self.attempt(self.docs.sales_returns.create, NewSalesReturn(
                    sales_order_no=no, no=f"RT-{no[3:]}",
                    reason=self.rng.choice(list(ReturnReason)),
                    lines=[NewReturnLine(order_line_no=1, qty=D(1))]))
                self.attempt(self.docs.sales_returns.post, f"RT-{no[3:]}")
            elif shipped and roll > 0.6:
                self.attempt(self.docs.sales_orders.close, no)

    def buy(self, day: int, *, failing: bool = False) -> tuple[str, list[NewPurchaseLine]]:
        """A purchase order approved, received (inspected, maybe frozen and released) and
        put away within the day; its invoice comes separately."""
        no = f"PO-{day:02d}"
        lines = [NewPurchaseLine(sku=sku, qty=D(self.rng.randint(20, 60)),
                                 unit_price=D(self.rng.choice(["6.50", "12.00", "25.80"])))
                 for sku in self.rng.sample(self.skus, 2)]
        self.docs.purchase_orders.create(self.ctx, NewPurchaseOrder(
            supplier=self.rng.choice(SUPPLIERS), warehouse="WH-HZ", no=no, lines=lines))
        self.docs.purchase_orders.approve(self.ctx, no)
        self.counts["po"] += 1
        self.clock.advance(timedelta(hours=8))
        receipt = f"RC-{no[3:]}"
        self.docs.receipts.create(self.ctx, NewReceipt(
            purchase_order_no=no, no=receipt,
            lines=[NewReceiptLine(order_line_no=i + 1, qty=line.qty)
                   for i, line in enumerate(lines)]))
        self.docs.receipts.inspect(self.ctx, receipt, Inspection(
            is_scanned=True, photo_count=0 if failing else 2))
        if failing:  # 没拍照 → frozen; the quality manager looks and releases it
            self.clock.advance(timedelta(hours=2))
            self.docs.receipts.release(self.ctx, receipt, role="quality")
        self.docs.receipts.put_away(self.ctx, receipt)
        return no, lines

    def invoice(self, no: str, lines: list[NewPurchaseLine], *, overbilled: bool = False
                ) -> None:
        """The supplier's invoice for the order (¥30 too much on the first line if told)."""
        self.invoices.record(self.ctx, NewSupplierInvoice(
            purchase_order_no=no, no=f"INV-{no[3:]}", invoiced_at=self.clock.now(),
            lines=[NewInvoiceLine(order_line_no=i + 1, qty=line.qty, amount=(
                line.qty * line.unit_price + (D(30) if overbilled and i == 0 else D(0))
            ).quantize(D("0.01"))) for i, line in enumerate(lines)]))
        self.counts["inv"] += 1


def prepare_parties(db: Database, clock: VirtualClock, tenant_id: int) -> None:
    """The demo's customers and the warehouses' shipment confirmation code."""
    with db.write(tenant_id) as session:
        for code, name in CUSTOMERS:
            parties.create_customer(session, tenant_id, code, name, clock.now())
        for warehouse in ("WH-HZ", "WH-SZ"):
            parties.set_confirmation_code(session, tenant_id, warehouse, CONFIRMATION_CODE,
                                          clock.now())
        # The demo's code is printed in the README, so nothing is lost by hashing it with
        # light argon2 parameters: each of the history's shipments still runs the product's
        # argon2 verify (which reads the parameters from the hash), in milliseconds instead
        # of half a second.
        light = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        for row in session.scalars(select(WarehouseConfirmation)):
            row.code_hash = light.hash(CONFIRMATION_CODE)


def load_document_history(db: Database, clock: VirtualClock, tenant_id: int, skus: list[str],
                          days: int = 21, seed: int = 11, *, prepared: bool = False
                          ) -> DocumentSummary:
    """Write ``days`` of documents for the tenant, moving ``clock`` to its end
    (``prepared``: :func:`prepare_parties` has run already)."""
    h = _History(db, clock, tenant_id, skus, random.Random(seed))
    if not prepared:
        prepare_parties(db, clock, tenant_id)
    for code, name, target, share, threshold in CHANNELS:
        h.pools.create_channel(h.ctx, code, name)
        for sku in h.pool_skus:
            h.pools.set_pool(h.ctx, code, PoolSetting(
                sku=sku, warehouse="WH-HZ", threshold_qty=D(threshold),
                target_qty=None if target is None else D(target),
                target_share_pct=None if share is None else D(share)))
    begin = clock.now()
    late: dict[int, tuple[str, list[NewPurchaseLine]]] = {}
    stores = WarehouseHistory(db, h.docs, tenant_id, skus, h.rng)
    for day in range(days):
        stores.morning()
        h.pools.rebalance(h.ctx)
        for n in range(h.rng.randint(3, 5)):
            clock.advance(timedelta(minutes=h.rng.randint(10, 60)))
            h.sell(day, n)
        clock.advance(timedelta(hours=4))
        h.ship_and_return(day)
        h.pools.rebalance(h.ctx)
        h.counts["runs"] += 2
        if day % 4 == 1:
            no, lines = h.buy(day, failing=day == 5)
            clock.advance(timedelta(hours=4))
            if day == 13:  # the supplier invoices five days late: 三单不符 (dates)
                late[day + 5] = (no, lines)
            else:
                h.invoice(no, lines, overbilled=day == 9)  # day 9: 三单不符 (amount)
        if day in late:
            h.invoice(*late.pop(day))
        clock.advance(timedelta(hours=1))
        stores.day(day, days)
        if day % 7 == 6:  # a weekly blind check: the data-health page's variance trend
            blind_check(db, h.docs, h.ctx, skus, day)
        end_of_day = begin + timedelta(days=day + 1)
        if clock.now() < end_of_day:
            clock.advance(end_of_day - clock.now())
    for i, sku in enumerate(h.pool_skus[:4] + skus[6:9]):
        h.replenishment.set_policy(h.ctx, PolicySetting(
            sku=sku, warehouse="WH-HZ", mode="computed" if i < 4 else "static",
            supplier=SUPPLIERS[i % 3], lead_time_days=5 + i, lookback_days=21,
            reorder_point=D(400), safety_stock=D(80), unit_price=D("12.00")))
    h.replenishment.suggest(h.ctx)
    w = stores.counts
    return DocumentSummary(sales_orders=h.counts["so"], purchase_orders=h.counts["po"],
                           invoices=h.counts["inv"], rebalance_runs=h.counts["runs"],
                           refused=h.counts["refused"] + w.refused, transfers=w.transfers,
                           adjustments=w.adjustments, stocktakes=w.stocktakes)
