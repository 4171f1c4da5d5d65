"""Receipts in the database: create against a purchase order, inspect, freeze, release,
put away (the goods are posted to stock), cancel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory import guards, movements
from inventory.commands import CommandContext, DocumentRef, ReceiveStock, checked_qty
from inventory.documents import purchase_order as po
from inventory.documents import receipt as rc
from inventory.documents.errors import (
    EmptyDocument,
    QualityRoleRequired,
    QuantityExceeded,
    UnknownLine,
    document_context,
)
from inventory.documents.models import PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine
from inventory.documents.purchase_order_service import apply_receipt, lines_of
from inventory.documents.runner import DocumentRunner, advance, emit, find, insert_header, page
from inventory.documents.runner import qty as _s
from inventory.documents.runner import when as _t
from inventory.models import Item, Warehouse

Status, Action = rc.ReceiptStatus, rc.ReceiptAction


@dataclass(frozen=True, slots=True, kw_only=True)
class NewReceiptLine:
    """A quantity of one purchase order line arriving, in a lot."""

    order_line_no: int
    qty: Decimal
    lot_no: str | None = None
    expiry_date: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewReceipt:
    """A receipt against a purchase order, with what the inspection will weigh against."""

    purchase_order_no: str
    lines: Sequence[NewReceiptLine] = field(default_factory=tuple)
    expected_weight_kg: Decimal | None = None
    weight_tolerance_pct: Decimal = rc.DEFAULT_WEIGHT_TOLERANCE_PCT
    no: str | None = None
    note: str = ""


def _lines(session: Session, doc: Receipt) -> list[tuple[ReceiptLine, PurchaseOrderLine, Item]]:
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(ReceiptLine, PurchaseOrderLine, Item)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == ReceiptLine.order_line_id)
        .join(Item, Item.id == ReceiptLine.item_id)
        .where(ReceiptLine.receipt_id == doc.id).order_by(ReceiptLine.line_no)
        .execution_options(populate_existing=True))]


def view(session: Session, doc: Receipt) -> dict[str, Any]:
    """A receipt as the API shows it (JSON-ready)."""
    return {
        "no": doc.no, "status": doc.status,
        "purchase_order_no": session.get_one(PurchaseOrder, doc.purchase_order_id).no,
        "warehouse": session.get_one(Warehouse, doc.warehouse_id).code,
        "is_scanned": doc.is_scanned, "photo_count": doc.photo_count,
        "measured_weight_kg": _s(doc.measured_weight_kg),
        "expected_weight_kg": _s(doc.expected_weight_kg),
        "weight_tolerance_pct": _s(doc.weight_tolerance_pct),
        "frozen_reason": doc.frozen_reason, "released_by": doc.released_by, "note": doc.note,
        "created_at": _t(doc.created_at), "updated_at": _t(doc.updated_at),
        "lines": [{"line_no": line.line_no, "order_line_no": ol.line_no, "sku": item.sku,
                   "qty": str(line.qty), "lot_no": line.lot_no,
                   "expiry_date": _t(line.expiry_date)}
                  for line, ol, item in _lines(session, doc)],
    }


def _base(session: Session, ctx: CommandContext, doc: Receipt, old: str, new: str
          ) -> dict[str, Any]:
    return {"no": doc.no, "from_status": old, "to_status": new, "actor": ctx.actor,
            "purchase_order_no": session.get_one(PurchaseOrder, doc.purchase_order_id).no,
            "warehouse": session.get_one(Warehouse, doc.warehouse_id).code}


def _key(doc: Receipt) -> str:
    return f"receipt:{doc.no}"


def _create(session: Session, ctx: CommandContext, new: NewReceipt, now: datetime
            ) -> dict[str, Any]:
    if not new.lines:
        raise EmptyDocument(**document_context(rc.DOCUMENT))
    order = find(session, PurchaseOrder, po.DOCUMENT, new.purchase_order_no)
    # The order must be able to receive at all (approved or partially received).
    po.transition(po.PurchaseOrderStatus(order.status), po.PurchaseOrderAction.RECEIVE_PART,
                  order.no)
    by_no = {line.line_no: (line, item) for line, item in lines_of(session, order)}
    doc = Receipt(tenant_id=ctx.tenant_id, purchase_order_id=order.id,
                  warehouse_id=order.warehouse_id, status=Status.DRAFT.value,
                  is_scanned=False, photo_count=0, expected_weight_kg=new.expected_weight_kg,
                  weight_tolerance_pct=new.weight_tolerance_pct, frozen_reason="",
                  released_by="", note=new.note, created_at=now, updated_at=now)
    insert_header(session, doc, rc.DOCUMENT, "RC", new.no, now)
    for number, wanted in enumerate(new.lines, start=1):
        if wanted.order_line_no not in by_no:
            raise UnknownLine(no=order.no, line_no=wanted.order_line_no,
                              **document_context(po.DOCUMENT))
        line, item = by_no[wanted.order_line_no]
        quantity = checked_qty(wanted.qty)
        if quantity > line.qty - line.received_qty:
            raise QuantityExceeded(no=order.no, line_no=line.line_no, sku=item.sku,
                                   left_label="open", left_label_zh="未收",
                                   left=line.qty - line.received_qty, requested=quantity,
                                   **document_context(po.DOCUMENT))
        session.add(ReceiptLine(tenant_id=ctx.tenant_id, receipt_id=doc.id, line_no=number,
                                order_line_id=line.id, item_id=item.id, qty=quantity,
                                lot_no=wanted.lot_no, expiry_date=wanted.expiry_date))
    session.flush()
    return view(session, doc)


def _requested(session: Session, new: NewReceipt) -> dict[str, Any]:
    """The request a guard sees before a receipt is written: its order and lines."""
    order = find(session, PurchaseOrder, po.DOCUMENT, new.purchase_order_no)
    skus = {line.line_no: item.sku for line, item in lines_of(session, order)}
    return {"receipt": {"purchase_order_no": order.no,
                        "warehouse": session.get_one(Warehouse, order.warehouse_id).code},
            "lines": [{"line_no": n, "order_line_no": line.order_line_no,
                       "sku": skus.get(line.order_line_no), "qty": str(line.qty),
                       "lot_no": line.lot_no, "expiry_date": _t(line.expiry_date)}
                      for n, line in enumerate(new.lines, start=1)]}


def _freeze(session: Session, ctx: CommandContext, doc: Receipt, reason: str, now: datetime
            ) -> str:
    old, new = advance(session, doc, Status, rc.transition, Action.FREEZE, now)
    doc.frozen_reason = reason
    payload: rc.ReceiptFrozen = {
        **_base(session, ctx, doc, old, new),  # type: ignore[typeddict-item]
        "type": "receipt.frozen", "reason": reason}
    return emit(session, ctx, _key(doc), payload, now)


def _inspect(session: Session, ctx: CommandContext, no: str, check: rc.Inspection,
             now: datetime) -> dict[str, Any]:
    doc = find(session, Receipt, rc.DOCUMENT, no)
    old, new = advance(session, doc, Status, rc.transition, Action.INSPECT, now)
    expected = doc.expected_weight_kg if check.expected_weight_kg is None else \
        check.expected_weight_kg
    tolerance = doc.weight_tolerance_pct or rc.DEFAULT_WEIGHT_TOLERANCE_PCT
    check = rc.Inspection(is_scanned=check.is_scanned, photo_count=check.photo_count,
                          measured_weight_kg=check.measured_weight_kg,
                          expected_weight_kg=expected, tolerance_pct=tolerance)
    failures = rc.inspection_failures(check)
    doc.is_scanned, doc.photo_count = check.is_scanned, check.photo_count
    doc.measured_weight_kg, doc.expected_weight_kg = check.measured_weight_kg, expected
    payload: rc.ReceiptInspected = {
        **_base(session, ctx, doc, old, new),  # type: ignore[typeddict-item]
        "type": "receipt.inspected", "is_scanned": check.is_scanned,
        "photo_count": check.photo_count, "measured_weight_kg": _s(check.measured_weight_kg),
        "expected_weight_kg": _s(expected), "failures": failures}
    event_id = emit(session, ctx, _key(doc), payload, now)
    if failures:
        event_id = _freeze(session, ctx, doc, "inspection failed: " + "; ".join(failures), now)
    session.flush()
    return {**view(session, doc), "event_id": event_id, "failures": failures}


def _freeze_action(session: Session, ctx: CommandContext, no: str, reason: str, now: datetime
                   ) -> dict[str, Any]:
    doc = find(session, Receipt, rc.DOCUMENT, no)
    event_id = _freeze(session, ctx, doc, reason, now)
    session.flush()
    return {**view(session, doc), "event_id": event_id}


def freeze_in(session: Session, ctx: CommandContext, no: str, reason: str, now: datetime
              ) -> dict[str, Any]:
    """Freeze receipt ``no`` inside the caller's transaction (a rule's ``freeze receipt``).

    Raises:
        UnknownDocument, InvalidTransition: no such receipt, or frozen/put away already.
    """
    return _freeze_action(session, ctx, no, reason, now)


def inspect_recorded_in(session: Session, ctx: CommandContext, no: str, now: datetime
                        ) -> dict[str, Any]:
    """Pass receipt ``no``'s inspection on what was recorded for it (a rule's verdict),
    inside the caller's transaction. The receipt's own check still runs: data outside
    its tolerance freezes the receipt instead.

    Raises:
        UnknownDocument, InvalidTransition: no such receipt, or not a draft.
    """
    doc = find(session, Receipt, rc.DOCUMENT, no)
    return _inspect(session, ctx, no, rc.Inspection(
        is_scanned=doc.is_scanned, photo_count=doc.photo_count,
        measured_weight_kg=doc.measured_weight_kg), now)


def _report_return(session: Session, ctx: CommandContext, no: str, process: str,
                   check: rc.Inspection, now: datetime) -> dict[str, Any]:
    doc = find(session, Receipt, rc.DOCUMENT, no)
    rc.transition(Status(doc.status), Action.INSPECT, doc.no)  # a draft, still to be judged
    doc.is_scanned, doc.photo_count = check.is_scanned, check.photo_count
    doc.measured_weight_kg = check.measured_weight_kg
    if check.expected_weight_kg is not None:
        doc.expected_weight_kg = check.expected_weight_kg
    doc.updated_at = now
    lines = _lines(session, doc)
    payload = {**_base(session, ctx, doc, doc.status, doc.status),
               "type": "subcontract.returned", "process": process,
               "supplier": session.get_one(PurchaseOrder, doc.purchase_order_id).supplier,
               "is_scanned": check.is_scanned, "photo_count": check.photo_count,
               "measured_weight_kg": _s(check.measured_weight_kg),
               "expected_weight_kg": _s(doc.expected_weight_kg),
               "sku": lines[0][2].sku if lines else None}
    event_id = emit(session, ctx, _key(doc), payload, now)
    session.flush()
    return {**view(session, doc), "event_id": event_id}


def _release(session: Session, ctx: CommandContext, no: str, role: str | None, now: datetime
             ) -> dict[str, Any]:
    doc = find(session, Receipt, rc.DOCUMENT, no)
    old, new = advance(session, doc, Status, rc.transition, Action.RELEASE, now)
    if role not in rc.QUALITY_ROLES:
        raise QualityRoleRequired(no=doc.no, roles=", ".join(sorted(rc.QUALITY_ROLES)))
    doc.released_by = ctx.actor
    payload: rc.ReceiptReleased = {
        **_base(session, ctx, doc, old, new),  # type: ignore[typeddict-item]
        "type": "receipt.released", "released_by": ctx.actor}
    event_id = emit(session, ctx, _key(doc), payload, now)
    session.flush()
    return {**view(session, doc), "event_id": event_id}


def _put_away(session: Session, ctx: CommandContext, no: str, now: datetime) -> dict[str, Any]:
    doc = find(session, Receipt, rc.DOCUMENT, no)
    old, new = advance(session, doc, Status, rc.transition, Action.PUT_AWAY, now)
    order = session.get_one(PurchaseOrder, doc.purchase_order_id)
    warehouse = session.get_one(Warehouse, doc.warehouse_id)
    lines = _lines(session, doc)
    # Lock order: the order's lines and row first (apply_receipt), then stock balances.
    apply_receipt(session, ctx, order, doc.no,
                  sorted(((ol, item, line.qty) for line, ol, item in lines),
                         key=lambda t: t[0].line_no), now)
    document = DocumentRef(type=rc.DOCUMENT, ref=doc.no)
    for line, _ol, item in sorted(lines, key=lambda t: (t[2].id, t[0].line_no)):
        movements.receive(session, ctx, ReceiveStock(
            sku=item.sku, warehouse=warehouse.code, qty=line.qty, lot_no=line.lot_no,
            expiry_date=line.expiry_date, document=document), now)
    payload: rc.ReceiptPutAway = {
        **_base(session, ctx, doc, old, new),  # type: ignore[typeddict-item]
        "type": "receipt.put_away",
        "lines": [{"line_no": line.line_no, "sku": item.sku, "qty": str(line.qty),
                   "lot_no": line.lot_no, "expiry_date": _t(line.expiry_date)}
                  for line, _ol, item in lines]}
    event_id = emit(session, ctx, _key(doc), payload, now)
    return {**view(session, doc), "event_id": event_id}


def _cancel(session: Session, ctx: CommandContext, no: str, now: datetime) -> dict[str, Any]:
    doc = find(session, Receipt, rc.DOCUMENT, no)
    old, new = advance(session, doc, Status, rc.transition, Action.CANCEL, now)
    payload = {**_base(session, ctx, doc, old, new), "type": "receipt.cancelled"}
    event_id = emit(session, ctx, _key(doc), payload, now)
    return {**view(session, doc), "event_id": event_id}


class ReceiptService:
    """Receipt actions, each in one transaction (idempotent with a key)."""

    def __init__(self, runner: DocumentRunner) -> None:
        self.runner = runner

    def create(self, ctx: CommandContext, new: NewReceipt) -> dict[str, Any]:
        """Write a draft receipt against an approved purchase order.

        Raises:
            UnknownDocument, InvalidTransition: no such order, or it cannot receive.
            UnknownLine, QuantityExceeded, EmptyDocument: lines that do not fit the order.
            DomainError: the guard's refusal (e.g. a perishable line without its lot).
        """
        def work(s: Session, now: datetime) -> dict[str, Any]:
            self.runner.check(s, ctx, guards.RECEIPT_REQUESTED, _requested(s, new), now)
            return _create(s, ctx, new, now)

        return self.runner.write(ctx, "receipt.create", {"new": new}, work)

    def inspect(self, ctx: CommandContext, no: str, check: rc.Inspection) -> dict[str, Any]:
        """Record the inspection; a failed one freezes the receipt in the same transaction.

        Raises:
            UnknownDocument, InvalidTransition: no such receipt, or not a draft.
        """
        return self.runner.write(ctx, "receipt.inspect", {"no": no, "check": check},
                                 lambda s, now: _inspect(s, ctx, no, check, now))

    def freeze(self, ctx: CommandContext, no: str, reason: str) -> dict[str, Any]:
        """Block put-away (a rule or a person found a problem).

        Raises:
            UnknownDocument, InvalidTransition: no such receipt, or already put away.
        """
        return self.runner.write(ctx, "receipt.freeze", {"no": no, "reason": reason},
                                 lambda s, now: _freeze_action(s, ctx, no, reason, now))

    def report_return(self, ctx: CommandContext, no: str, process: str,
                      check: rc.Inspection) -> dict[str, Any]:
        """Record what came back from a subcontractor (外协回厂: scan, photos, weight) on a
        draft receipt and raise ``subcontract.returned``; the tenant's rules judge it
        (freeze it, or pass its inspection). The receipt's status does not move here.

        Raises:
            UnknownDocument, InvalidTransition: no such receipt, or not a draft.
        """
        return self.runner.write(ctx, "receipt.report_return",
                                 {"no": no, "process": process, "check": check},
                                 lambda s, now: _report_return(s, ctx, no, process, check, now))

    def release(self, ctx: CommandContext, no: str, role: str | None) -> dict[str, Any]:
        """Lift a freeze; only a user with a quality role (quality or admin) may.

        Raises:
            UnknownDocument, InvalidTransition: no such receipt, or not frozen.
            QualityRoleRequired: ``role`` is not a quality role (API tokens have none).
        """
        return self.runner.write(ctx, "receipt.release", {"no": no},
                                 lambda s, now: _release(s, ctx, no, role, now))

    def put_away(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Post the goods to stock, each line into its lot, and count them on the order.

        Raises:
            UnknownDocument, InvalidTransition: no such receipt, or not inspected (frozen).
            QuantityExceeded: other receipts already received the open quantity.
        """
        return self.runner.write(ctx, "receipt.put_away", {"no": no},
                                 lambda s, now: _put_away(s, ctx, no, now))

    def cancel(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Abandon a draft or frozen receipt (goods sent back).

        Raises:
            UnknownDocument, InvalidTransition: no such receipt, or past inspection.
        """
        return self.runner.write(ctx, "receipt.cancel", {"no": no},
                                 lambda s, now: _cancel(s, ctx, no, now))

    def get(self, tenant_id: int, no: str) -> dict[str, Any]:
        """One receipt.

        Raises:
            UnknownDocument: no such receipt in the tenant.
        """
        return self.runner.read(tenant_id, lambda s: view(s, find(s, Receipt, rc.DOCUMENT,
                                                                  no)))

    def list(self, tenant_id: int, status: str | None, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
        """Receipts, newest first, optionally of one status."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            rows, total = page(s, Receipt, status, offset, limit)
            return [view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)
