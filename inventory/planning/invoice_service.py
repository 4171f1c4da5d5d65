"""Supplier invoices in the database: record one against a purchase order, three-way match
it, and write the payable voucher (tax-trusted) when it matches.

Recording runs the match in the same transaction; ``match`` runs it again later (after
more goods were put away, say). A matched invoice keeps its one voucher.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory import guarantees
from inventory.commands import CommandContext, checked_qty
from inventory.documents.errors import EmptyDocument, UnknownLine, document_context
from inventory.documents.models import PurchaseOrder, PurchaseOrderLine, Receipt
from inventory.documents.purchase_order_service import lines_of
from inventory.documents.runner import DocumentRunner, find, insert_header
from inventory.planning import matching
from inventory.planning.models import (
    PayableVoucher,
    SupplierInvoice,
    SupplierInvoiceLine,
    ThreeWayMatch,
)

DOCUMENT = "supplier_invoice"


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True, kw_only=True)
class NewInvoiceLine:
    """What the supplier bills for one purchase order line."""

    order_line_no: int
    qty: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class NewSupplierInvoice:
    """A supplier invoice as typed in from the paper (or e-invoice)."""

    purchase_order_no: str
    invoiced_at: datetime
    lines: Sequence[NewInvoiceLine] = field(default_factory=tuple)
    no: str | None = None


def _view(session: Session, inv: SupplierInvoice) -> dict[str, Any]:
    order = session.get_one(PurchaseOrder, inv.purchase_order_id)
    lines = session.execute(
        select(SupplierInvoiceLine, PurchaseOrderLine.line_no)
        .join(PurchaseOrderLine, PurchaseOrderLine.id == SupplierInvoiceLine.order_line_id)
        .where(SupplierInvoiceLine.invoice_id == inv.id)
        .order_by(SupplierInvoiceLine.line_no)).all()
    last = session.scalar(select(ThreeWayMatch).where(ThreeWayMatch.invoice_id == inv.id)
                          .order_by(ThreeWayMatch.id.desc()).limit(1))
    voucher = session.scalar(select(PayableVoucher).where(PayableVoucher.invoice_id == inv.id))
    return {
        "no": inv.no, "status": inv.status, "purchase_order_no": order.no,
        "supplier": order.supplier, "invoiced_at": inv.invoiced_at.isoformat(),
        "total_amount": str(inv.total_amount),
        "lines": [{"line_no": line.line_no, "order_line_no": order_line_no,
                   "qty": str(line.qty), "amount": str(line.amount)}
                  for line, order_line_no in lines],
        "match": None if last is None else {
            "outcome": last.outcome, "tolerance": str(last.tolerance),
            "reasons": list(last.reasons), "checked_at": last.checked_at.isoformat()},
        "voucher": None if voucher is None else _voucher_view(voucher, inv.no),
    }


def _voucher_view(v: PayableVoucher, invoice_no: str) -> dict[str, Any]:
    return {"no": v.no, "invoice_no": invoice_no, "amount": str(v.amount),
            "is_tax_trusted": v.is_tax_trusted, "created_at": v.created_at.isoformat()}


def _emit(session: Session, ctx: CommandContext, inv: SupplierInvoice, order_no: str,
          event_type: str, now: datetime, **extra: Any) -> None:
    payload = {"type": event_type, "no": inv.no, "purchase_order_no": order_no,
               "total_amount": str(inv.total_amount), "actor": ctx.actor, **extra}
    guarantees.append_event(session, ctx.tenant_id, guarantees.new_event_id(), event_type,
                            f"{DOCUMENT}:{inv.no}", payload, now)


def _match(session: Session, ctx: CommandContext, inv: SupplierInvoice, tolerance: Decimal,
           now: datetime) -> None:
    """Check the invoice against its order and receipts; record the outcome (and voucher)."""
    if inv.status == "matched":
        return
    order = session.get_one(PurchaseOrder, inv.purchase_order_id)
    billed: dict[int, Decimal] = dict(session.execute(
        select(SupplierInvoiceLine.order_line_id, func.sum(SupplierInvoiceLine.amount))
        .where(SupplierInvoiceLine.invoice_id == inv.id)
        .group_by(SupplierInvoiceLine.order_line_id)).all())
    amounts = [matching.LineAmounts(
        line_no=line.line_no, sku=item.sku, ordered=_cents(line.qty * line.unit_price),
        accepted=_cents(line.received_qty * line.unit_price),
        invoiced=Decimal(billed.get(line.id, Decimal("0.00"))))
        for line, item in lines_of(session, order)]
    received_at = session.scalar(select(func.max(Receipt.updated_at)).where(
        Receipt.purchase_order_id == order.id, Receipt.status == "put_away"))
    reasons = matching.check(amounts, order.created_at, received_at, inv.invoiced_at,
                             tolerance)
    outcome = "mismatched" if reasons else "matched"
    result = ThreeWayMatch(tenant_id=ctx.tenant_id, invoice_id=inv.id, outcome=outcome,
                           tolerance=tolerance, reasons=[r.as_json() for r in reasons],
                           checked_at=now)
    session.add(result)
    inv.status, inv.updated_at = outcome, now
    session.flush()
    if reasons:
        _emit(session, ctx, inv, order.no, "supplier_invoice.mismatched", now,
              reasons=[r.as_json() for r in reasons])
        return
    # One voucher per invoice (unique invoice_id), so its number follows the invoice's.
    voucher = PayableVoucher(tenant_id=ctx.tenant_id, no=f"PV-{inv.no}", invoice_id=inv.id,
                             match_id=result.id, amount=inv.total_amount, is_tax_trusted=True,
                             created_at=now)
    session.add(voucher)
    session.flush()
    _emit(session, ctx, inv, order.no, "supplier_invoice.matched", now, voucher_no=voucher.no,
          is_tax_trusted=True)


def _record(session: Session, ctx: CommandContext, new: NewSupplierInvoice,
            tolerance: Decimal, now: datetime) -> dict[str, Any]:
    if not new.lines:
        raise EmptyDocument(**document_context(DOCUMENT))
    order = find(session, PurchaseOrder, "purchase_order", new.purchase_order_no)
    by_no = {line.line_no: line for line, _ in lines_of(session, order)}
    for line in new.lines:
        if line.order_line_no not in by_no:
            raise UnknownLine(no=order.no, line_no=line.order_line_no,
                              **document_context("purchase_order"))
    total = sum((line.amount for line in new.lines), Decimal("0.00"))
    inv = SupplierInvoice(tenant_id=ctx.tenant_id, purchase_order_id=order.id,
                          invoiced_at=new.invoiced_at, total_amount=total, status="recorded",
                          created_at=now, updated_at=now)
    insert_header(session, inv, DOCUMENT, "INV", new.no, now)
    for number, line in enumerate(new.lines, start=1):
        session.add(SupplierInvoiceLine(
            tenant_id=ctx.tenant_id, invoice_id=inv.id, line_no=number,
            order_line_id=by_no[line.order_line_no].id, qty=checked_qty(line.qty),
            amount=line.amount))
    session.flush()
    _emit(session, ctx, inv, order.no, "supplier_invoice.recorded", now,
          invoiced_at=inv.invoiced_at.isoformat(), supplier=order.supplier)
    _match(session, ctx, inv, tolerance, now)
    return _view(session, inv)


class InvoiceService:
    """Supplier invoices and their payable vouchers."""

    def __init__(self, runner: DocumentRunner, tolerance: Decimal) -> None:
        """``tolerance``: how far (in money) the three amounts of a line may differ."""
        self.runner = runner
        self.tolerance = tolerance

    def record(self, ctx: CommandContext, new: NewSupplierInvoice) -> dict[str, Any]:
        """Record an invoice against a purchase order and three-way match it at once.

        Raises:
            UnknownDocument, UnknownLine: no such order or order line.
            EmptyDocument, InvalidQuantity: no lines, or a bad quantity.
            DuplicateDocument: the invoice number is taken.
        """
        return self.runner.write(ctx, "supplier_invoice.record", {"new": new},
                                 lambda s, now: _record(s, ctx, new, self.tolerance, now))

    def match(self, ctx: CommandContext, no: str) -> dict[str, Any]:
        """Match an invoice again (a matched one stays as it is).

        Raises:
            UnknownDocument: no such invoice.
        """
        def work(s: Session, now: datetime) -> dict[str, Any]:
            inv = find(s, SupplierInvoice, DOCUMENT, no)
            _match(s, ctx, inv, self.tolerance, now)
            return _view(s, inv)
        return self.runner.write(ctx, "supplier_invoice.match", {"no": no}, work)

    def get(self, tenant_id: int, no: str) -> dict[str, Any]:
        """One invoice with its last match and voucher.

        Raises:
            UnknownDocument: no such invoice.
        """
        return self.runner.read(tenant_id, lambda s: _view(s, find(s, SupplierInvoice,
                                                                    DOCUMENT, no)))

    def list(self, tenant_id: int, status: str | None, purchase_order_no: str | None,
             offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Invoices, newest first, optionally of one status or purchase order."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            stmt = select(SupplierInvoice)
            if status:
                stmt = stmt.where(SupplierInvoice.status == status)
            if purchase_order_no:
                stmt = stmt.join(PurchaseOrder,
                                 PurchaseOrder.id == SupplierInvoice.purchase_order_id
                                 ).where(PurchaseOrder.no == purchase_order_no)
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.order_by(SupplierInvoice.id.desc()).offset(offset)
                             .limit(limit))
            return [_view(s, r) for r in rows], total
        return self.runner.read(tenant_id, work)

    def vouchers(self, tenant_id: int, is_tax_trusted: bool | None, offset: int, limit: int
                 ) -> tuple[builtins.list[dict[str, Any]], int]:
        """Payable vouchers, newest first."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            stmt = select(PayableVoucher, SupplierInvoice.no).join(
                SupplierInvoice, SupplierInvoice.id == PayableVoucher.invoice_id)
            if is_tax_trusted is not None:
                stmt = stmt.where(PayableVoucher.is_tax_trusted == is_tax_trusted)
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.execute(stmt.order_by(PayableVoucher.id.desc()).offset(offset)
                             .limit(limit)).all()
            return [_voucher_view(v, no) for v, no in rows], total
        return self.runner.read(tenant_id, work)
