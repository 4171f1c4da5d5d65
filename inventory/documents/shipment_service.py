"""Shipments in the database: create against a sales order, pick, pack, ship, cancel.

Shipping consumes the sales order's reservations through the core's ship logic, in
the same transaction that moves the shipment, the order lines and the order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory import movements
from inventory.commands import CommandContext, DocumentRef, ShipStock, checked_qty
from inventory.documents import sales_order as so
from inventory.documents import shipment as sh
from inventory.documents.errors import (
    EmptyDocument,
    QuantityExceeded,
    ShipmentNotConfirmed,
    UnknownLine,
    document_context,
)
from inventory.documents.models import SalesOrder, SalesOrderLine, Shipment, ShipmentLine
from inventory.documents.parties import confirmation_matches
from inventory.documents.runner import DocumentRunner, advance, emit, find, insert_header, page
from inventory.documents.runner import when as _t
from inventory.documents.sales_order_service import apply_shipment, lines_of
from inventory.item_freezes import check_not_frozen
from inventory.models import Item, Warehouse

Status, Action = sh.ShipmentStatus, sh.ShipmentAction


@dataclass(frozen=True, slots=True, kw_only=True)
class NewShipmentLine:
    """A quantity of one sales order line to ship."""

    order_line_no: int
    qty: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class NewShipment:
    """A shipment for a sales order; without lines it ships everything still open."""

    sales_order_no: str
    lines: Sequence[NewShipmentLine] = field(default_factory=tuple)
    no: str | None = None


def _lines(session: Session, shipment: Shipment
           ) -> list[tuple[ShipmentLine, SalesOrderLine, Item]]:
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(ShipmentLine, SalesOrderLine, Item)
        .join(SalesOrderLine, SalesOrderLine.id == ShipmentLine.order_line_id)
        .join(Item, Item.id == ShipmentLine.item_id)
        .where(ShipmentLine.shipment_id == shipment.id).order_by(ShipmentLine.line_no)
        .execution_options(populate_existing=True))]


def view(session: Session, shipment: Shipment) -> dict[str, Any]:
    """A shipment as the API shows it (JSON-ready)."""
    order = session.get_one(SalesOrder, shipment.sales_order_id)
    return {
        "no": shipment.no, "status": shipment.status, "sales_order_no": order.no,
        "warehouse": session.get_one(Warehouse, shipment.warehouse_id).code,
        "carrier": shipment.carrier, "tracking_no": shipment.tracking_no,
        "shipped_at": _t(shipment.shipped_at), "created_at": _t(shipment.created_at),
        "updated_at": _t(shipment.updated_at),
        "lines": [{"line_no": line.line_no, "order_line_no": order_line.line_no,
                   "sku": item.sku, "qty": str(line.qty)}
                  for line, order_line, item in _lines(session, shipment)],
    }


def _base(session: Session, ctx: CommandContext, shipment: Shipment, old: str, new: str
          ) -> dict[str, Any]:
    return {"no": shipment.no, "from_status": old, "to_status": new, "actor": ctx.actor,
            "sales_order_no": session.get_one(SalesOrder, shipment.sales_order_id).no,
            "warehouse": session.get_one(Warehouse, shipment.warehouse_id).code}


def _create(session: Session, ctx: CommandContext, new: NewShipment, now: datetime
            ) -> dict[str, Any]:
    order = find(session, SalesOrder, so.DOCUMENT, new.sales_order_no)
    # The order must be able to ship at all (confirmed or partially shipped).
    so.transition(so.SalesOrderStatus(order.status), so.SalesOrderAction.SHIP_PART, order.no)
    by_no = {line.line_no: (line, item) for line, item in lines_of(session, order)}
    wanted = ([(x.order_line_no, checked_qty(x.qty)) for x in new.lines] if new.lines else
              [(n, line.qty - line.shipped_qty) for n, (line, _) in by_no.items()
               if line.qty > line.shipped_qty])
    if not wanted:
        raise EmptyDocument(**document_context(sh.DOCUMENT))
    shipment = Shipment(tenant_id=ctx.tenant_id, sales_order_id=order.id,
                        warehouse_id=order.warehouse_id, status=Status.DRAFT.value,
                        carrier="", tracking_no="", created_at=now, updated_at=now)
    insert_header(session, shipment, sh.DOCUMENT, "SH", new.no, now)
    for number, (order_line_no, quantity) in enumerate(wanted, start=1):
        if order_line_no not in by_no:
            raise UnknownLine(no=order.no, line_no=order_line_no,
                              **document_context(so.DOCUMENT))
        line, item = by_no[order_line_no]
        if quantity > line.qty - line.shipped_qty:
            raise QuantityExceeded(no=order.no, line_no=line.line_no, sku=item.sku,
                                   left_label="open", left_label_zh="未发",
                                   left=line.qty - line.shipped_qty, requested=quantity,
                                   **document_context(so.DOCUMENT))
        session.add(ShipmentLine(tenant_id=ctx.tenant_id, shipment_id=shipment.id,
                                 line_no=number, order_line_id=line.id, item_id=item.id,
                                 qty=quantity))
    session.flush()
    return view(session, shipment)


def _step(session: Session, ctx: CommandContext, no: str, action: sh.ShipmentAction,
          now: datetime) -> dict[str, Any]:
    """Pick, pack or cancel: a status move and its event, no stock."""
    shipment = find(session, Shipment, sh.DOCUMENT, no)
    old, new = advance(session, shipment, Status, sh.transition, action, now)
    payload = {**_base(session, ctx, shipment, old, new), "type": sh.EVENTS[action]}
    event_id = emit(session, ctx, f"shipment:{shipment.no}", payload, now)
    return {**view(session, shipment), "event_id": event_id}


def _code_ok(session: Session, no: str, code: str) -> bool:
    shipment = find(session, Shipment, sh.DOCUMENT, no)
    return confirmation_matches(session, session.get_one(Warehouse, shipment.warehouse_id), code)


def _ship(session: Session, ctx: CommandContext, no: str, code_ok: bool, carrier: str,
          tracking_no: str, now: datetime) -> dict[str, Any]:
    shipment = find(session, Shipment, sh.DOCUMENT, no)
    old, new = advance(session, shipment, Status, sh.transition, Action.SHIP, now)
    warehouse = session.get_one(Warehouse, shipment.warehouse_id)
    if not tracking_no.strip():
        raise ShipmentNotConfirmed(no=no, reason="a carrier tracking number is required",
                                   reason_zh="必须填写承运商运单号")
    if not code_ok:
        raise ShipmentNotConfirmed(no=no, reason="the warehouse confirmation code is wrong "
                                   "or not set", reason_zh="仓库确认码错误或未设置")
    shipment.carrier, shipment.tracking_no, shipment.shipped_at = carrier, tracking_no, now
    order = session.get_one(SalesOrder, shipment.sales_order_id)
    lines = _lines(session, shipment)
    for _line, _order_line, item in lines:
        check_not_frozen(item, "shipped")
    # Lock order: the order's lines and row first (apply_shipment), then stock balances.
    apply_shipment(session, ctx, order, shipment.no,
                   sorted(((ol, item, line.qty) for line, ol, item in lines),
                          key=lambda t: t[0].line_no), now)
    document = DocumentRef(type=sh.DOCUMENT, ref=shipment.no)
    for line, order_line, item in sorted(lines, key=lambda t: (t[2].id, t[0].line_no)):
        movements.ship(session, ctx, ShipStock(
            sku=item.sku, warehouse=warehouse.code, qty=line.qty,
            reservation_id=order_line.reservation_id, document=document), now)
    session.flush()
    payload: sh.ShipmentShipped = {
        **_base(session, ctx, shipment, old, new),  # type: ignore[typeddict-item]
        "type": "shipment.shipped", "carrier": carrier, "tracking_no": tracking_no,
        "lines": [{"line_no": line.line_no, "order_line_no": ol.line_no, "sku": item.sku,
                   "qty": str(line.qty), "reservation_id": ol.reservation_id}
                  for line, ol, item in lines]}
    event_id = emit(session, ctx, f"shipment:{shipment.no}", payload, now)
    return {**view(session, shipment), "event_id": event_id}


class ShipmentService:
    """Shipment actions, each in one transaction (idempotent with a key)."""

    def __init__(self, runner: DocumentRunner) -> None:
        self.runner = runner

    def create(self, ctx: CommandContext, new: NewShipment) -> dict[str, Any]:
        """Write a draft shipment for a confirmed sales order.

        Raises:
            UnknownDocument, InvalidTransition: no such order, or it cannot ship.
            UnknownLine, QuantityExceeded, EmptyDocument: lines that do not fit the order.
        """
        return self.runner.write(ctx, "shipment.create", {"new": new},
                                 lambda s, now: _create(s, ctx, new, now))

    def pick(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Mark the goods picked.

        Raises:
            UnknownDocument, InvalidTransition: no such shipment, or not a draft.
        """
        return self.runner.write(ctx, "shipment.pick", {"no": no},
                                 lambda s, now: _step(s, ctx, no, Action.PICK, now))

    def pack(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Mark the goods packed.

        Raises:
            UnknownDocument, InvalidTransition: no such shipment, or not picked.
        """
        return self.runner.write(ctx, "shipment.pack", {"no": no},
                                 lambda s, now: _step(s, ctx, no, Action.PACK, now))

    def ship(self, ctx: CommandContext, no: str, *, confirmation_code: str, carrier: str,
             tracking_no: str) -> dict[str, Any]:
        """Hand the goods to the carrier: consume the order's reservations.

        Raises:
            UnknownDocument, InvalidTransition: no such shipment, or not packed.
            ShipmentNotConfirmed: wrong confirmation code or no tracking number.
            ReservationNotActive: a deposit order's hold lapsed before shipping.
            QuantityExceeded: another shipment already shipped the open quantity.
        """
        # The code is checked (argon2, slow on purpose) before the write transaction, so
        # no write lock is held meanwhile; it stays out of the idempotency fingerprint.
        code_ok = self.runner.read(ctx.tenant_id, lambda s: _code_ok(s, no, confirmation_code))
        request = {"no": no, "carrier": carrier, "tracking_no": tracking_no}
        return self.runner.write(ctx, "shipment.ship", request, lambda s, now: _ship(
            s, ctx, no, code_ok, carrier, tracking_no, now))

    def cancel(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Abandon a shipment that has not left (the order keeps its holds).

        Raises:
            UnknownDocument, InvalidTransition: no such shipment, or already shipped.
        """
        return self.runner.write(ctx, "shipment.cancel", {"no": no},
                                 lambda s, now: _step(s, ctx, no, Action.CANCEL, now))

    def get(self, tenant_id: int, no: str) -> dict[str, Any]:
        """One shipment.

        Raises:
            UnknownDocument: no such shipment in the tenant.
        """
        return self.runner.read(tenant_id, lambda s: view(s, find(s, Shipment, sh.DOCUMENT,
                                                                  no)))

    def list(self, tenant_id: int, status: str | None, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
        """Shipments, newest first, optionally of one status."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            rows, total = page(s, Shipment, status, offset, limit)
            return [view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)
