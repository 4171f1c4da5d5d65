"""Sales returns in the database: create against sales order lines, post (goods back), cancel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inventory import movements
from inventory.commands import CommandContext, DocumentRef, ReceiveStock, checked_qty
from inventory.documents import sales_order as so
from inventory.documents import sales_return as sr
from inventory.documents.errors import (
    EmptyDocument,
    QuantityExceeded,
    UnknownLine,
    document_context,
)
from inventory.documents.models import (
    Customer,
    SalesOrder,
    SalesOrderLine,
    SalesReturn,
    SalesReturnLine,
)
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
from inventory.documents.runner import when as _t
from inventory.documents.sales_order_service import lines_of
from inventory.guards import RETURN_REQUESTED
from inventory.lookup import warehouse_by_code
from inventory.models import Item, Warehouse

Status, Action = sr.SalesReturnStatus, sr.SalesReturnAction
_order_lines = table_of(SalesOrderLine)
_ol = _order_lines.c


@dataclass(frozen=True, slots=True, kw_only=True)
class NewReturnLine:
    """A quantity of one original sales order line coming back."""

    order_line_no: int
    qty: Decimal
    #: The lot the goods go back into; None puts them in the item's untracked lot.
    lot_no: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewSalesReturn:
    """A return against a sales order; goods go back to ``warehouse`` (default: the order's)."""

    sales_order_no: str
    reason: sr.ReturnReason
    lines: Sequence[NewReturnLine] = field(default_factory=tuple)
    warehouse: str | None = None
    note: str = ""
    no: str | None = None


def apply_return(session: Session, order: SalesOrder, line: SalesOrderLine, item: Item,
                 quantity: Decimal) -> None:
    """Count returned goods on an order line: never more than shipped − already returned.

    Raises:
        QuantityExceeded: the line has not that much left to return.
    """
    result = session.execute(
        update(_order_lines)
        .where(_ol.id == line.id, _ol.returned_qty + milli(quantity) <= _ol.shipped_qty)
        .values(returned_qty=_ol.returned_qty + milli(quantity)))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        fresh = session.get_one(SalesOrderLine, line.id, populate_existing=True)
        raise QuantityExceeded(no=order.no, line_no=line.line_no, sku=item.sku,
                               left_label="returnable", left_label_zh="可退",
                               left=fresh.shipped_qty - fresh.returned_qty, requested=quantity,
                               **document_context(so.DOCUMENT))


def _lines(session: Session, doc: SalesReturn
           ) -> list[tuple[SalesReturnLine, SalesOrderLine, Item]]:
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(SalesReturnLine, SalesOrderLine, Item)
        .join(SalesOrderLine, SalesOrderLine.id == SalesReturnLine.order_line_id)
        .join(Item, Item.id == SalesReturnLine.item_id)
        .where(SalesReturnLine.return_id == doc.id).order_by(SalesReturnLine.line_no)
        .execution_options(populate_existing=True))]


def view(session: Session, doc: SalesReturn) -> dict[str, Any]:
    """A sales return as the API shows it (JSON-ready)."""
    return {
        "no": doc.no, "status": doc.status, "reason": doc.reason, "note": doc.note,
        "sales_order_no": session.get_one(SalesOrder, doc.sales_order_id).no,
        "warehouse": session.get_one(Warehouse, doc.warehouse_id).code,
        "created_at": _t(doc.created_at), "updated_at": _t(doc.updated_at),
        "lines": [{"line_no": line.line_no, "order_line_no": ol.line_no, "sku": item.sku,
                   "qty": str(line.qty), "lot_no": line.lot_no}
                  for line, ol, item in _lines(session, doc)],
    }


def _base(session: Session, ctx: CommandContext, doc: SalesReturn, old: str, new: str
          ) -> dict[str, Any]:
    return {"no": doc.no, "from_status": old, "to_status": new, "actor": ctx.actor,
            "reason": doc.reason,
            "sales_order_no": session.get_one(SalesOrder, doc.sales_order_id).no,
            "warehouse": session.get_one(Warehouse, doc.warehouse_id).code}


def _create(session: Session, ctx: CommandContext, new: NewSalesReturn, now: datetime,
            runner: DocumentRunner) -> dict[str, Any]:
    if not new.lines:
        raise EmptyDocument(**document_context(sr.DOCUMENT))
    order = find(session, SalesOrder, so.DOCUMENT, new.sales_order_no)
    runner.check(session, ctx, RETURN_REQUESTED, {
        "sales_return": {"id": new.no, "no": new.no, "original_order_id": order.no,
                         "is_original_order_found": True, "reason": str(new.reason),
                         "note": new.note},
        "customer": {"id": session.get_one(Customer, order.customer_id).code}}, now)
    warehouse_id = (warehouse_by_code(session, new.warehouse).id if new.warehouse
                    else order.warehouse_id)
    by_no = {line.line_no: (line, item) for line, item in lines_of(session, order)}
    doc = SalesReturn(tenant_id=ctx.tenant_id, sales_order_id=order.id,
                      warehouse_id=warehouse_id, status=Status.DRAFT.value,
                      reason=sr.ReturnReason(new.reason).value, note=new.note,
                      created_at=now, updated_at=now)
    insert_header(session, doc, sr.DOCUMENT, "RT", new.no, now)
    for number, wanted in enumerate(new.lines, start=1):
        if wanted.order_line_no not in by_no:
            raise UnknownLine(no=order.no, line_no=wanted.order_line_no,
                              **document_context(so.DOCUMENT))
        line, item = by_no[wanted.order_line_no]
        quantity = checked_qty(wanted.qty)
        # Checked here for a clear early answer; posting re-checks it atomically.
        if quantity > line.shipped_qty - line.returned_qty:
            raise QuantityExceeded(no=order.no, line_no=line.line_no, sku=item.sku,
                                   left_label="returnable", left_label_zh="可退",
                                   left=line.shipped_qty - line.returned_qty,
                                   requested=quantity, **document_context(so.DOCUMENT))
        session.add(SalesReturnLine(tenant_id=ctx.tenant_id, return_id=doc.id, line_no=number,
                                    order_line_id=line.id, item_id=item.id, qty=quantity,
                                    lot_no=wanted.lot_no))
    session.flush()
    return view(session, doc)


def _post(session: Session, ctx: CommandContext, no: str, now: datetime) -> dict[str, Any]:
    doc = find(session, SalesReturn, sr.DOCUMENT, no)
    old, new = advance(session, doc, Status, sr.transition, Action.POST, now)
    order = session.get_one(SalesOrder, doc.sales_order_id)
    warehouse = session.get_one(Warehouse, doc.warehouse_id)
    lines = _lines(session, doc)
    # Lock order: the order's lines first, then stock balances in ascending item id.
    for line, order_line, item in sorted(lines, key=lambda t: t[1].line_no):
        apply_return(session, order, order_line, item, line.qty)
    document = DocumentRef(type=sr.DOCUMENT, ref=doc.no)
    for line, _ol, item in sorted(lines, key=lambda t: (t[2].id, t[0].line_no)):
        movements.receive(session, ctx, ReceiveStock(
            sku=item.sku, warehouse=warehouse.code, qty=line.qty, lot_no=line.lot_no,
            document=document, note=f"sales return {doc.no}: {doc.reason}"), now)
    payload: sr.SalesReturnPosted = {
        **_base(session, ctx, doc, old, new),  # type: ignore[typeddict-item]
        "type": "sales_return.posted",
        "lines": [{"line_no": line.line_no, "order_line_no": ol.line_no, "sku": item.sku,
                   "qty": str(line.qty)} for line, ol, item in lines]}
    event_id = emit(session, ctx, f"sales_return:{doc.no}", payload, now)
    return {**view(session, doc), "event_id": event_id}


def _cancel(session: Session, ctx: CommandContext, no: str, now: datetime) -> dict[str, Any]:
    doc = find(session, SalesReturn, sr.DOCUMENT, no)
    old, new = advance(session, doc, Status, sr.transition, Action.CANCEL, now)
    payload: sr.SalesReturnCancelled = {
        **_base(session, ctx, doc, old, new),  # type: ignore[typeddict-item]
        "type": "sales_return.cancelled"}
    event_id = emit(session, ctx, f"sales_return:{doc.no}", payload, now)
    return {**view(session, doc), "event_id": event_id}


class SalesReturnService:
    """Sales return actions, each in one transaction (idempotent with a key)."""

    def __init__(self, runner: DocumentRunner) -> None:
        self.runner = runner

    def create(self, ctx: CommandContext, new: NewSalesReturn) -> dict[str, Any]:
        """Write a draft return against the lines of a sales order.

        Raises:
            UnknownDocument, UnknownWarehouse: no such order or warehouse.
            UnknownLine, QuantityExceeded, EmptyDocument: lines that do not fit the order.
        """
        return self.runner.write(ctx, "sales_return.create", {"new": new},
                                 lambda s, now: _create(s, ctx, new, now, self.runner))

    def post(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Receive the returned goods back into stock.

        Raises:
            UnknownDocument, InvalidTransition: no such return, or not a draft.
            QuantityExceeded: other returns already took what was returnable.
        """
        return self.runner.write(ctx, "sales_return.post", {"no": no},
                                 lambda s, now: _post(s, ctx, no, now))

    def cancel(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Abandon a draft return.

        Raises:
            UnknownDocument, InvalidTransition: no such return, or already posted.
        """
        return self.runner.write(ctx, "sales_return.cancel", {"no": no},
                                 lambda s, now: _cancel(s, ctx, no, now))

    def get(self, tenant_id: int, no: str) -> dict[str, Any]:
        """One sales return.

        Raises:
            UnknownDocument: no such return in the tenant.
        """
        return self.runner.read(tenant_id, lambda s: view(
            s, find(s, SalesReturn, sr.DOCUMENT, no)))

    def list(self, tenant_id: int, status: str | None, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
        """Sales returns, newest first, optionally of one status."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            rows, total = page(s, SalesReturn, status, offset, limit)
            return [view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)
