"""Sales orders in the database: create, confirm (reserve), cancel (release), close.

The shipment service calls :func:`apply_shipment` inside its own transaction to move the
order's lines and status along.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inventory import reservations
from inventory.commands import (
    CommandContext,
    DocumentRef,
    ReleaseReservation,
    ReserveStock,
    checked_qty,
)
from inventory.documents import sales_order as so
from inventory.documents.errors import (
    CustomerFrozen,
    EmptyDocument,
    QuantityExceeded,
    document_context,
)
from inventory.documents.models import Customer, SalesOrder, SalesOrderLine
from inventory.documents.parties import customer_by_code
from inventory.documents.runner import (
    DocumentRunner,
    advance,
    emit,
    find,
    insert_header,
    milli,
    page,
    table_of,
)
from inventory.documents.runner import qty as _s
from inventory.documents.runner import when as _t
from inventory.guards import CONFIRM_REQUESTED
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.models import Item, Warehouse
from inventory.planning import pools

Status, Action = so.SalesOrderStatus, so.SalesOrderAction
_lines = table_of(SalesOrderLine)
_l = _lines.c


@dataclass(frozen=True, slots=True, kw_only=True)
class NewOrderLine:
    """One SKU of a new sales order."""

    sku: str
    qty: Decimal
    unit_price: Decimal = Decimal("0.00")


@dataclass(frozen=True, slots=True, kw_only=True)
class NewSalesOrder:
    """What it takes to write a sales order."""

    customer: str
    warehouse: str
    lines: Sequence[NewOrderLine] = field(default_factory=tuple)
    #: A deposit (定金) above zero makes the holds expire after ``hold_seconds`` (default 2 h).
    deposit_amount: Decimal = Decimal("0.00")
    hold_seconds: int | None = None
    #: The sales channel (渠道); an order of a channel with a pool takes from that pool.
    channel: str | None = None
    no: str | None = None
    note: str = ""


def lines_of(session: Session, order: SalesOrder) -> list[tuple[SalesOrderLine, Item]]:
    """The order's lines with their items, by line number, fresh from the database."""
    return [(line, item) for line, item in session.execute(
        select(SalesOrderLine, Item).join(Item, Item.id == SalesOrderLine.item_id)
        .where(SalesOrderLine.order_id == order.id).order_by(SalesOrderLine.line_no)
        .execution_options(populate_existing=True))]


def _line_payload(line: SalesOrderLine, item: Item) -> so.SalesOrderLinePayload:
    return {"line_no": line.line_no, "sku": item.sku, "qty": str(line.qty),
            "shipped_qty": str(line.shipped_qty), "reservation_id": line.reservation_id}


def view(session: Session, order: SalesOrder) -> dict[str, Any]:
    """A sales order as the API shows it (JSON-ready)."""
    customer = session.get_one(Customer, order.customer_id)
    warehouse = session.get_one(Warehouse, order.warehouse_id)
    return {
        "no": order.no, "status": order.status, "customer": customer.code,
        "warehouse": warehouse.code, "deposit_amount": _s(order.deposit_amount),
        "hold_seconds": order.hold_seconds, "channel": order.channel, "note": order.note,
        "created_at": _t(order.created_at), "updated_at": _t(order.updated_at),
        "lines": [{**_line_payload(line, item), "unit_price": _s(line.unit_price),
                   "returned_qty": _s(line.returned_qty)}
                  for line, item in lines_of(session, order)],
    }


def _event_base(session: Session, ctx: CommandContext, order: SalesOrder, old: str,
                new: str) -> dict[str, Any]:
    return {"no": order.no, "from_status": old, "to_status": new, "actor": ctx.actor,
            "channel": order.channel,
            "customer": session.get_one(Customer, order.customer_id).code,
            "warehouse": session.get_one(Warehouse, order.warehouse_id).code}


def _key(order: SalesOrder) -> str:
    return f"sales_order:{order.no}"


def _create(session: Session, ctx: CommandContext, new: NewSalesOrder, now: datetime
            ) -> dict[str, Any]:
    if not new.lines:
        raise EmptyDocument(**document_context(so.DOCUMENT))
    customer = customer_by_code(session, new.customer)
    warehouse = warehouse_by_code(session, new.warehouse)
    if new.channel is not None:
        pools.channel_by_code(session, new.channel)
    hold = new.hold_seconds
    if new.deposit_amount > 0 and hold is None:
        hold = int(so.DEFAULT_DEPOSIT_HOLD.total_seconds())
    order = SalesOrder(tenant_id=ctx.tenant_id, customer_id=customer.id,
                       warehouse_id=warehouse.id, status=Status.DRAFT.value,
                       deposit_amount=new.deposit_amount, hold_seconds=hold,
                       channel=new.channel, note=new.note,
                       created_at=now, updated_at=now)
    insert_header(session, order, so.DOCUMENT, "SO", new.no, now)
    for number, line in enumerate(new.lines, start=1):
        session.add(SalesOrderLine(
            tenant_id=ctx.tenant_id, order_id=order.id, line_no=number,
            item_id=item_by_sku(session, line.sku).id, qty=checked_qty(line.qty),
            unit_price=line.unit_price))
    session.flush()
    return view(session, order)


def create_draft(session: Session, ctx: CommandContext, new: NewSalesOrder, now: datetime
                 ) -> dict[str, Any]:
    """Write a draft sales order in the caller's transaction (an inbound shop webhook's).

    Raises:
        the same as :meth:`SalesOrderService.create`.
    """
    return _create(session, ctx, new, now)


def _confirm(session: Session, ctx: CommandContext, no: str, now: datetime,
             runner: DocumentRunner) -> dict[str, Any]:
    order = find(session, SalesOrder, so.DOCUMENT, no)
    old, new = advance(session, order, Status, so.transition, Action.CONFIRM, now)
    customer = session.get_one(Customer, order.customer_id)
    if customer.is_frozen:
        raise CustomerFrozen(customer=customer.code, reason=customer.frozen_reason or "—",
                             no=order.no)
    warehouse = session.get_one(Warehouse, order.warehouse_id)
    ttl = order.hold_seconds if order.deposit_amount > 0 else None
    document = DocumentRef(type=so.DOCUMENT, ref=order.no)
    lines = lines_of(session, order)
    runner.check(session, ctx, CONFIRM_REQUESTED, {
        "order": {"id": order.no, "no": order.no, "customer_id": customer.code,
                  "warehouse": warehouse.code, "deposit_amount": order.deposit_amount,
                  "total_amount": sum((line.qty * line.unit_price for line, _ in lines),
                                      Decimal("0.00")),
                  "lines": [{"sku": item.sku, "qty": line.qty, "warehouse": warehouse.code}
                            for line, item in lines]},
        "customer": {"id": customer.code, "name": customer.name,
                     "is_frozen": customer.is_frozen}}, now)
    # Lock order of guarantees: stock balances in ascending item id.
    for line, item in sorted(lines, key=lambda pair: (pair[1].id, pair[0].line_no)):
        held = reservations.reserve(session, ctx, ReserveStock(
            sku=item.sku, warehouse=warehouse.code, qty=line.qty, ttl_seconds=ttl,
            document=document), now)
        line.reservation_id = held["reservation"]["id"]
    session.flush()
    if order.channel is not None:  # after the balances: the lock order pools.py asks for
        pools.take_for_order(session, ctx.tenant_id, order.channel, order.no, warehouse,
                             [(item, line.qty) for line, item in lines], now)
    payload: so.SalesOrderConfirmed = {
        **_event_base(session, ctx, order, old, new),  # type: ignore[typeddict-item]
        "type": "sales_order.confirmed", "deposit_amount": str(order.deposit_amount),
        "hold_expires_at": _t(now + timedelta(seconds=ttl)) if ttl else None,
        "lines": [_line_payload(line, item) for line, item in lines],
    }
    return {**view(session, order), "event_id": emit(session, ctx, _key(order), payload, now)}


def _cancel(session: Session, ctx: CommandContext, no: str, now: datetime) -> dict[str, Any]:
    order = find(session, SalesOrder, so.DOCUMENT, no)
    old, new = advance(session, order, Status, so.transition, Action.CANCEL, now)
    released: list[str] = []
    pairs = sorted(lines_of(session, order), key=lambda pair: (pair[1].id, pair[0].line_no))
    for line, _item in pairs:
        if line.reservation_id is None:
            continue
        res, item, warehouse = reservations.load_reservation(session, line.reservation_id)
        if res.status != "active":
            continue  # consumed by shipments, or already lapsed
        if res.expires_at is not None and res.expires_at <= now:
            reservations.expire_one(session, ctx, res, item, warehouse, now)
            continue
        reservations.release(session, ctx, ReleaseReservation(reservation_id=res.id), now)
        released.append(res.id)
    if order.channel is not None:
        pools.give_back_for_order(session, ctx.tenant_id, order.no,
                                  [(item, line.qty - line.shipped_qty) for line, item in pairs],
                                  now)
    payload: so.SalesOrderCancelled = {
        **_event_base(session, ctx, order, old, new),  # type: ignore[typeddict-item]
        "type": "sales_order.cancelled", "released": released,
        "lines": [_line_payload(line, item) for line, item in lines_of(session, order)]}
    return {**view(session, order), "event_id": emit(session, ctx, _key(order), payload, now)}


def _close(session: Session, ctx: CommandContext, no: str, now: datetime) -> dict[str, Any]:
    order = find(session, SalesOrder, so.DOCUMENT, no)
    old, new = advance(session, order, Status, so.transition, Action.CLOSE, now)
    payload: so.SalesOrderClosed = {
        **_event_base(session, ctx, order, old, new),  # type: ignore[typeddict-item]
        "type": "sales_order.closed"}
    return {**view(session, order), "event_id": emit(session, ctx, _key(order), payload, now)}


def apply_shipment(session: Session, ctx: CommandContext, order: SalesOrder, shipment_no: str,
                   shipped: Sequence[tuple[SalesOrderLine, Item, Decimal]], now: datetime
                   ) -> None:
    """Count shipped quantities on the order's lines and move the order on.

    Each line moves by one conditional UPDATE (shipped + qty <= ordered), so two
    shipments of one line can never ship more than was ordered.

    Raises:
        QuantityExceeded: a line would ship more than is still open.
        InvalidTransition: the order's status does not allow shipping (e.g. cancelled).
    """
    for line, item, quantity in shipped:
        result = session.execute(
            update(_lines)
            .where(_l.id == line.id, _l.shipped_qty + milli(quantity) <= _l.qty)
            .values(shipped_qty=_l.shipped_qty + milli(quantity)))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise QuantityExceeded(no=order.no, line_no=line.line_no, sku=item.sku,
                                   left_label="open", left_label_zh="未发",
                                   left=line.qty - line.shipped_qty, requested=quantity,
                                   **document_context(so.DOCUMENT))
    lines = lines_of(session, order)
    done = all(line.shipped_qty == line.qty for line, _ in lines)
    action = Action.SHIP_ALL if done else Action.SHIP_PART
    old, new = advance(session, order, Status, so.transition, action, now)
    payload: so.SalesOrderShipped = {
        **_event_base(session, ctx, order, old, new),  # type: ignore[typeddict-item]
        "type": so.EVENTS[action], "shipment_no": shipment_no,
        "lines": [_line_payload(line, item) for line, item in lines]}
    emit(session, ctx, _key(order), payload, now)


class SalesOrderService:
    """Sales order actions, each in one transaction (idempotent with a key)."""

    def __init__(self, runner: DocumentRunner) -> None:
        self.runner = runner

    def create(self, ctx: CommandContext, new: NewSalesOrder) -> dict[str, Any]:
        """Write a draft sales order.

        Raises:
            UnknownCustomer, UnknownItem, UnknownWarehouse, UnknownChannel: names not in the
                tenant.
            EmptyDocument, InvalidQuantity: no lines, or a bad quantity.
            DuplicateDocument: the requested number is taken.
        """
        return self.runner.write(ctx, "sales_order.create", {"new": new},
                                 lambda s, now: _create(s, ctx, new, now))

    def confirm(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Confirm an order: reserve every line (a deposit order's holds lapse after its hold).

        Raises:
            UnknownDocument, InvalidTransition: no such order, or not a draft.
            CustomerFrozen: the customer is frozen.
            ChannelPaused, PoolShort: the order's channel is paused, or its pool is short.
            InsufficientStock: a line's SKU has not enough available stock.
        """
        return self.runner.write(ctx, "sales_order.confirm", {"no": no},
                                 lambda s, now: _confirm(s, ctx, no, now, self.runner))

    def cancel(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Cancel an order and release what is still reserved.

        Raises:
            UnknownDocument, InvalidTransition: no such order, or past shipping.
        """
        return self.runner.write(ctx, "sales_order.cancel", {"no": no},
                                 lambda s, now: _cancel(s, ctx, no, now))

    def close(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """File a fully shipped order.

        Raises:
            UnknownDocument, InvalidTransition: no such order, or not shipped.
        """
        return self.runner.write(ctx, "sales_order.close", {"no": no},
                                 lambda s, now: _close(s, ctx, no, now))

    def get(self, tenant_id: int, no: str) -> dict[str, Any]:
        """One sales order.

        Raises:
            UnknownDocument: no such order in the tenant.
        """
        return self.runner.read(tenant_id, lambda s: view(
            s, find(s, SalesOrder, so.DOCUMENT, no)))

    def list(self, tenant_id: int, status: str | None, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
        """Sales orders, newest first, optionally of one status."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            rows, total = page(s, SalesOrder, status, offset, limit)
            return [view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)
