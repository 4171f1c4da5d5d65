"""Random order / confirm / ship / return / cancel sequences on the real databases.

Whatever Hypothesis tries, on SQLite and PostgreSQL: no line ever returns more than it
shipped nor ships more than was ordered, every line's shipped and returned quantities equal
a small model's, and the ledger summed per SKU × warehouse equals the balances (on hand
and reserved).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from inventory import DocumentRef, InsufficientStock, queries
from inventory.documents import (
    DocumentServices,
    InvalidTransition,
    NewOrderLine,
    NewReturnLine,
    NewSalesOrder,
    NewSalesReturn,
    NewShipment,
    NewShipmentLine,
    QuantityExceeded,
    ReturnReason,
    parties,
)
from inventory.documents.models import SalesOrder, SalesOrderLine
from inventory.models import Item, StockBalance, Warehouse

SKUS = ("P1", "P2")
CODE = "4711"
qtys = st.integers(min_value=1, max_value=6).map(Decimal)


class OrderMachine(RuleBasedStateMachine):
    """Sales orders driven at random; the model knows shipped and returned per line."""

    orders = Bundle("orders")

    def __init__(self, make_world) -> None:
        super().__init__()
        self.world = make_world()
        ctx, now = self.world.ctx, self.world.clock.now()
        for sku in SKUS:
            self.world.item(sku)
            self.world.receive(sku, "WH-A", 15,
                               document=DocumentRef(type="opening_balance", ref="OB"))
        with self.world.db.write(self.world.tenant_id) as session:
            parties.create_customer(session, self.world.tenant_id, "C", "客户", now)
            parties.set_confirmation_code(session, self.world.tenant_id, "WH-A", CODE, now)
        self.docs = DocumentServices(self.world.db, self.world.clock)
        self.ctx = ctx
        #: order no → status, lines [(sku, ordered, shipped, returned)]
        self.model: dict[str, tuple[str, list[list]]] = {}
        self.seq = 0

    def _no(self, prefix: str) -> str:
        self.seq += 1
        return f"{prefix}-{self.seq}"

    @rule(target=orders, lines=st.lists(st.tuples(st.sampled_from(SKUS), qtys),
                                        min_size=1, max_size=2))
    def order_and_confirm(self, lines):
        no = self._no("SO")
        self.docs.sales_orders.create(self.ctx, NewSalesOrder(
            customer="C", warehouse="WH-A", no=no,
            lines=[NewOrderLine(sku=s, qty=q) for s, q in lines]))
        try:
            self.docs.sales_orders.confirm(self.ctx, no)
            status = "confirmed"
        except InsufficientStock:
            status = "draft"
        self.model[no] = (status, [[s, q, Decimal(0), Decimal(0)] for s, q in lines])
        return no

    @rule(no=orders, line=st.integers(0, 1), qty=qtys)
    def ship(self, no, line, qty):
        status, lines = self.model[no]
        line %= len(lines)
        sku, ordered, shipped, _returned = lines[line]
        shipment = self._no("SH")
        try:
            self.docs.shipments.create(self.ctx, NewShipment(
                sales_order_no=no, no=shipment,
                lines=[NewShipmentLine(order_line_no=line + 1, qty=qty)]))
            for step in (self.docs.shipments.pick, self.docs.shipments.pack):
                step(self.ctx, shipment)
            self.docs.shipments.ship(self.ctx, shipment, confirmation_code=CODE, carrier="SF",
                                     tracking_no="T")
        except (QuantityExceeded, InvalidTransition):
            assert status not in ("confirmed", "partially_shipped") or shipped + qty > ordered
            return
        assert status in ("confirmed", "partially_shipped") and shipped + qty <= ordered
        lines[line][2] += qty
        done = all(entry[2] == entry[1] for entry in lines)
        self.model[no] = ("shipped" if done else "partially_shipped", lines)

    @rule(no=orders, line=st.integers(0, 1), qty=qtys)
    def sales_return(self, no, line, qty):
        _status, lines = self.model[no]
        line %= len(lines)
        _sku, _ordered, shipped, returned = lines[line]
        try:
            created = self.docs.sales_returns.create(self.ctx, NewSalesReturn(
                sales_order_no=no, reason=ReturnReason.DAMAGED,
                lines=[NewReturnLine(order_line_no=line + 1, qty=qty)]))
            self.docs.sales_returns.post(self.ctx, created["no"])
        except (QuantityExceeded, InvalidTransition):
            assert returned + qty > shipped or shipped == 0
            return
        assert returned + qty <= shipped
        lines[line][3] += qty

    @rule(no=consumes(orders))
    def cancel(self, no):
        status, lines = self.model[no]
        try:
            self.docs.sales_orders.cancel(self.ctx, no)
        except InvalidTransition:
            assert status not in ("draft", "confirmed", "partially_shipped")
            return
        self.model[no] = ("cancelled", lines)

    @invariant()
    def lines_agree_with_the_model(self):
        with self.world.db.read(self.world.tenant_id) as s:
            rows = s.execute(select(SalesOrder.no, SalesOrder.status, SalesOrderLine.line_no,
                                    SalesOrderLine.shipped_qty, SalesOrderLine.returned_qty,
                                    SalesOrderLine.qty)
                             .join(SalesOrderLine, SalesOrderLine.order_id == SalesOrder.id)
                             ).all()
        for no, status, line_no, shipped, returned, ordered in rows:
            assert Decimal(0) <= returned <= shipped <= ordered
            model_status, lines = self.model[no]
            assert status == model_status, no
            assert (shipped, returned) == (lines[line_no - 1][2], lines[line_no - 1][3])

    @invariant()
    def ledger_equals_balances(self):
        with self.world.db.read(self.world.tenant_id) as s:
            sums = queries.ledger_sums(s)
            for balance, _sku, _wh in s.execute(
                    select(StockBalance, Item.sku, Warehouse.code)
                    .join(Item, Item.id == StockBalance.item_id)
                    .join(Warehouse, Warehouse.id == StockBalance.warehouse_id)):
                key = (balance.item_id, balance.warehouse_id)
                assert sums.get((*key, "on_hand"), Decimal(0)) == balance.on_hand
                assert sums.get((*key, "reserved"), Decimal(0)) == balance.reserved
                assert balance.on_hand >= balance.reserved >= 0


def test_random_order_sequences_keep_lines_and_ledger_right(world_factory):
    run_state_machine_as_test(
        lambda: OrderMachine(world_factory),
        settings=settings(max_examples=12, stateful_step_count=14, deadline=None,
                          suppress_health_check=list(HealthCheck)),
    )
