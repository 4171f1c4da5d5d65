"""Purchase orders in the database: create, approve, cancel, close.

The receipt service calls :func:`apply_receipt` inside its put-away transaction to count
what arrived and move the order on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inventory.commands import CommandContext, checked_qty
from inventory.documents import purchase_order as po
from inventory.documents.errors import EmptyDocument, QuantityExceeded, document_context
from inventory.documents.models import PurchaseOrder, PurchaseOrderLine
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
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.models import Item, Warehouse

Status, Action = po.PurchaseOrderStatus, po.PurchaseOrderAction
_lines = table_of(PurchaseOrderLine)
_l = _lines.c


@dataclass(frozen=True, slots=True, kw_only=True)
class NewPurchaseLine:
    """One SKU of a new purchase order."""

    sku: str
    qty: Decimal
    unit_price: Decimal = Decimal("0.00")


@dataclass(frozen=True, slots=True, kw_only=True)
class NewPurchaseOrder:
    """What it takes to write a purchase order."""

    supplier: str
    warehouse: str
    lines: Sequence[NewPurchaseLine] = field(default_factory=tuple)
    no: str | None = None
    note: str = ""


def lines_of(session: Session, order: PurchaseOrder) -> list[tuple[PurchaseOrderLine, Item]]:
    """The order's lines with their items, by line number, fresh from the database."""
    return [(line, item) for line, item in session.execute(
        select(PurchaseOrderLine, Item).join(Item, Item.id == PurchaseOrderLine.item_id)
        .where(PurchaseOrderLine.order_id == order.id).order_by(PurchaseOrderLine.line_no)
        .execution_options(populate_existing=True))]


def view(session: Session, order: PurchaseOrder) -> dict[str, Any]:
    """A purchase order as the API shows it (JSON-ready)."""
    return {
        "no": order.no, "status": order.status, "supplier": order.supplier,
        "warehouse": session.get_one(Warehouse, order.warehouse_id).code, "note": order.note,
        "created_at": _t(order.created_at), "updated_at": _t(order.updated_at),
        "lines": [{"line_no": line.line_no, "sku": item.sku, "qty": _s(line.qty),
                   "unit_price": _s(line.unit_price), "received_qty": _s(line.received_qty)}
                  for line, item in lines_of(session, order)],
    }


def _base(session: Session, ctx: CommandContext, order: PurchaseOrder, old: str, new: str
          ) -> dict[str, Any]:
    return {"no": order.no, "from_status": old, "to_status": new, "actor": ctx.actor,
            "supplier": order.supplier,
            "warehouse": session.get_one(Warehouse, order.warehouse_id).code}


def _create(session: Session, ctx: CommandContext, new: NewPurchaseOrder, now: datetime
            ) -> dict[str, Any]:
    if not new.lines:
        raise EmptyDocument(**document_context(po.DOCUMENT))
    warehouse = warehouse_by_code(session, new.warehouse)
    order = PurchaseOrder(tenant_id=ctx.tenant_id, supplier=new.supplier,
                          warehouse_id=warehouse.id, status=Status.DRAFT.value, note=new.note,
                          created_at=now, updated_at=now)
    insert_header(session, order, po.DOCUMENT, "PO", new.no, now)
    for number, line in enumerate(new.lines, start=1):
        session.add(PurchaseOrderLine(
            tenant_id=ctx.tenant_id, order_id=order.id, line_no=number,
            item_id=item_by_sku(session, line.sku).id, qty=checked_qty(line.qty),
            unit_price=line.unit_price))
    session.flush()
    return view(session, order)


def create_draft_in(session: Session, ctx: CommandContext, new: NewPurchaseOrder,
                    now: datetime) -> dict[str, Any]:
    """Write a draft purchase order inside the caller's transaction (a rule's suggestion;
    a person still approves it).

    Raises:
        UnknownItem, UnknownWarehouse, EmptyDocument, InvalidQuantity, DuplicateDocument.
    """
    return _create(session, ctx, new, now)


def _step(session: Session, ctx: CommandContext, no: str, action: po.PurchaseOrderAction,
          now: datetime) -> dict[str, Any]:
    """Approve, cancel or close: a status move and its event, no stock."""
    order = find(session, PurchaseOrder, po.DOCUMENT, no)
    old, new = advance(session, order, Status, po.transition, action, now)
    payload = {**_base(session, ctx, order, old, new), "type": po.EVENTS[action]}
    event_id = emit(session, ctx, f"purchase_order:{order.no}", payload, now)
    return {**view(session, order), "event_id": event_id}


def apply_receipt(session: Session, ctx: CommandContext, order: PurchaseOrder, receipt_no: str,
                  received: Sequence[tuple[PurchaseOrderLine, Item, Decimal]], now: datetime
                  ) -> None:
    """Count put-away quantities on the order's lines and move the order on.

    Each line moves by one conditional UPDATE (received + qty <= ordered), so two
    receipts of one line can never receive more than was ordered.

    Raises:
        QuantityExceeded: a line would receive more than is still open.
        InvalidTransition: the order's status does not allow receiving (e.g. closed).
    """
    for line, item, quantity in received:
        result = session.execute(
            update(_lines)
            .where(_l.id == line.id, _l.received_qty + milli(quantity) <= _l.qty)
            .values(received_qty=_l.received_qty + milli(quantity)))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            fresh = session.get_one(PurchaseOrderLine, line.id, populate_existing=True)
            raise QuantityExceeded(no=order.no, line_no=line.line_no, sku=item.sku,
                                   left_label="open", left_label_zh="未收",
                                   left=fresh.qty - fresh.received_qty, requested=quantity,
                                   **document_context(po.DOCUMENT))
    lines = lines_of(session, order)
    done = all(line.received_qty == line.qty for line, _ in lines)
    action = Action.RECEIVE_ALL if done else Action.RECEIVE_PART
    old, new = advance(session, order, Status, po.transition, action, now)
    payload: po.PurchaseOrderReceived = {
        **_base(session, ctx, order, old, new),  # type: ignore[typeddict-item]
        "type": po.EVENTS[action], "receipt_no": receipt_no}
    emit(session, ctx, f"purchase_order:{order.no}", payload, now)


class PurchaseOrderService:
    """Purchase order actions, each in one transaction (idempotent with a key)."""

    def __init__(self, runner: DocumentRunner) -> None:
        self.runner = runner

    def create(self, ctx: CommandContext, new: NewPurchaseOrder) -> dict[str, Any]:
        """Write a draft purchase order.

        Raises:
            UnknownItem, UnknownWarehouse: names not in the tenant.
            EmptyDocument, InvalidQuantity: no lines, or a bad quantity.
            DuplicateDocument: the requested number is taken.
        """
        return self.runner.write(ctx, "purchase_order.create", {"new": new},
                                 lambda s, now: _create(s, ctx, new, now))

    def approve(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Release the order to the supplier; receipts may then be written against it.

        Raises:
            UnknownDocument, InvalidTransition: no such order, or not a draft.
        """
        return self.runner.write(ctx, "purchase_order.approve", {"no": no},
                                 lambda s, now: _step(s, ctx, no, Action.APPROVE, now))

    def cancel(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Abandon an order before anything arrived.

        Raises:
            UnknownDocument, InvalidTransition: no such order, or goods already received.
        """
        return self.runner.write(ctx, "purchase_order.cancel", {"no": no},
                                 lambda s, now: _step(s, ctx, no, Action.CANCEL, now))

    def close(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """File a received order, or close a partially received one short.

        Raises:
            UnknownDocument, InvalidTransition: no such order, or nothing received yet.
        """
        return self.runner.write(ctx, "purchase_order.close", {"no": no},
                                 lambda s, now: _step(s, ctx, no, Action.CLOSE, now))

    def get(self, tenant_id: int, no: str) -> dict[str, Any]:
        """One purchase order.

        Raises:
            UnknownDocument: no such order in the tenant.
        """
        return self.runner.read(tenant_id, lambda s: view(
            s, find(s, PurchaseOrder, po.DOCUMENT, no)))

    def list(self, tenant_id: int, status: str | None, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
        """Purchase orders, newest first, optionally of one status."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            rows, total = page(s, PurchaseOrder, status, offset, limit)
            return [view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)
