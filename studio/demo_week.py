"""The demo's first week, every movement through a document (no bare stock command).

Opening stock is each warehouse's first delivery: one purchase order per warehouse,
received in full (shelf-life items into dated lots). Then, for seven days: sales orders
from Hangzhou and Shenzhen confirmed and shipped the same day (some refused: not enough
stock), a daily transfer restocking the Shanghai store from Hangzhou, and now and then
damaged goods written off in Shenzhen by an adjustment.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from inventory import CommandContext
from inventory.catalog import NewItem
from inventory.documents import (
    AdjustmentReason,
    DocumentServices,
    Inspection,
    NewAdjustment,
    NewAdjustmentLine,
    NewOrderLine,
    NewPurchaseLine,
    NewPurchaseOrder,
    NewReceipt,
    NewReceiptLine,
    NewSalesOrder,
    NewShipment,
    NewTransfer,
    NewTransferLine,
)
from kernel.clock import VirtualClock
from kernel.db import Database
from kernel.errors import DomainError
from studio.demo_documents import CONFIRMATION_CODE, CUSTOMERS

D = Decimal
PRICES = ["6.50", "12.00", "19.90", "38.00", "128.00"]


@dataclass
class WeekSummary:
    """What the week wrote: stock-moving document actions, and the ones refused."""

    movements: int = 0
    refused: int = 0


class _Week:
    def __init__(self, db: Database, clock: VirtualClock, tenant_id: int,
                 items: list[NewItem], rng: random.Random) -> None:
        self.clock, self.items, self.rng = clock, items, rng
        self.ctx = CommandContext(tenant_id=tenant_id, actor="user:warehouse")
        self.docs = DocumentServices(db, clock)
        self.summary = WeekSummary()

    def attempt(self, action: Any, *args: Any) -> dict[str, Any] | None:
        try:
            result: dict[str, Any] = action(self.ctx, *args)
            return result
        except DomainError:
            self.summary.refused += 1
            return None

    def opening(self, warehouse: str) -> None:
        """The warehouse's first delivery: every item, received in one go."""
        tag = warehouse.removeprefix("WH-")
        lines = [NewPurchaseLine(sku=n.sku, qty=D(self.rng.randint(20, 400)),
                                 unit_price=D(self.rng.choice(PRICES))) for n in self.items]
        self.docs.purchase_orders.create(self.ctx, NewPurchaseOrder(
            supplier="开业首批供货", warehouse=warehouse, no=f"PO-OPEN-{tag}", lines=lines,
            note="期初备货"))
        self.docs.purchase_orders.approve(self.ctx, f"PO-OPEN-{tag}")
        self.docs.receipts.create(self.ctx, NewReceipt(
            purchase_order_no=f"PO-OPEN-{tag}", no=f"RC-OPEN-{tag}",
            lines=[NewReceiptLine(order_line_no=i + 1, qty=line.qty,
                                  lot_no=(f"L{self.clock.now():%y%m%d}-{i:03d}"
                                          if n.shelf_life_days else None),
                                  # Opening lots arrive part-way through their shelf life, so
                                  # a few are near their date by today (the near-expiry list).
                                  expiry_date=((self.clock.now() + timedelta(
                                      days=25 + (i * 7) % 90)).date()
                                      if n.shelf_life_days else None))
                   for i, (line, n) in enumerate(zip(lines, self.items, strict=True))]))
        self.docs.receipts.inspect(self.ctx, f"RC-OPEN-{tag}",
                                   Inspection(is_scanned=True, photo_count=3))
        self.docs.receipts.put_away(self.ctx, f"RC-OPEN-{tag}")
        self.summary.movements += 1

    def sale(self, no: str) -> None:
        """An order confirmed and shipped whole the same day (refused if stock is short)."""
        lines = [NewOrderLine(sku=n.sku, qty=D(self.rng.randint(1, 30)),
                              unit_price=D(self.rng.choice(PRICES)))
                 for n in self.rng.sample(self.items, self.rng.randint(1, 4))]
        self.docs.sales_orders.create(self.ctx, NewSalesOrder(
            customer=self.rng.choice(CUSTOMERS)[0], no=no, lines=lines,
            warehouse=self.rng.choice(["WH-HZ", "WH-SZ"])))
        if self.attempt(self.docs.sales_orders.confirm, no) is None:
            self.attempt(self.docs.sales_orders.cancel, no)
            return
        shipment = f"SH-{no[3:]}"
        self.docs.shipments.create(self.ctx, NewShipment(sales_order_no=no, no=shipment))
        self.docs.shipments.pick(self.ctx, shipment)
        self.docs.shipments.pack(self.ctx, shipment)
        self.docs.shipments.ship(self.ctx, shipment, confirmation_code=CONFIRMATION_CODE,
                                 carrier="中通", tracking_no=f"ZT{self.rng.randint(10**9, 10**10)}")
        self.docs.sales_orders.close(self.ctx, no)
        self.summary.movements += 1

    def restock_store(self, day: int) -> None:
        """Hangzhou → Shanghai store, dispatched in the morning, received by noon."""
        no = f"TR-W{day}"
        lines = [NewTransferLine(sku=n.sku, qty=D(self.rng.randint(2, 12)))
                 for n in self.rng.sample(self.items, 6)]
        self.docs.transfers.create(self.ctx, NewTransfer(
            from_warehouse="WH-HZ", to_warehouse="ST-SH01", no=no, lines=lines,
            note="门店补货"))
        if self.attempt(self.docs.transfers.dispatch, no) is None:
            self.attempt(self.docs.transfers.cancel, no)
            return
        self.clock.advance(timedelta(hours=3))
        self.docs.transfers.receive(self.ctx, no)
        self.summary.movements += 1

    def write_off(self, day: int) -> None:
        """A couple of damaged units in Shenzhen (photos taken, posted at once)."""
        no = f"ADJ-W{day}"
        lines = [NewAdjustmentLine(sku=n.sku, qty=D(-self.rng.randint(1, 2)),
                                   unit_cost=D("12.00")) for n in self.rng.sample(self.items, 2)]
        self.docs.adjustments.create(self.ctx, NewAdjustment(
            warehouse="WH-SZ", reason=AdjustmentReason.DAMAGED, no=no, lines=lines,
            photo_refs=[f"oss://demo/adjustments/{no}.jpg"], note="拆箱发现破损"))
        if self.attempt(self.docs.adjustments.submit, no) is not None:
            self.summary.movements += 1


def load_first_week(db: Database, clock: VirtualClock, tenant_id: int, items: list[NewItem],
                    rng: random.Random) -> WeekSummary:
    """Opening stock and a week of sales, store transfers and write-offs, moving ``clock``
    seven days on (customers and confirmation codes must exist already)."""
    week = _Week(db, clock, tenant_id, items, rng)
    for warehouse in ("WH-HZ", "WH-SZ"):
        week.opening(warehouse)
    for day in range(7):
        start = clock.now()
        week.restock_store(day)
        for n in range(rng.randint(6, 9)):
            clock.advance(timedelta(minutes=rng.randint(20, 60)))
            week.sale(f"SO-W{day}{n:02d}")
        if day % 2 == 1:
            week.write_off(day)
        clock.advance(start + timedelta(days=1) - clock.now())
    return week.summary
