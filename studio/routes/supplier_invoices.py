"""Supplier invoices with three-way match (三单匹配) and the payable vouchers they yield."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, status

from inventory.documents.runner import DocumentRunner
from inventory.planning import InvoiceService, NewInvoiceLine, NewSupplierInvoice
from kernel.settings import get_settings
from studio.deps import ClockDep, DbDep, IdempotencyKey, PagingDep, StockReader, StockWriter
from studio.routes.stock import context
from studio.schemas import Page
from studio.schemas_planning import InvoiceCreate, InvoiceOut, VoucherOut

router = APIRouter(tags=["supplier invoices"])
No = Annotated[str, Path(min_length=1, max_length=40, description="The invoice number.")]


def get_invoices(request: Request, db: DbDep, clock: ClockDep) -> InvoiceService:
    """The invoice service, with the tolerance from the application's settings."""
    settings = getattr(request.app.state, "settings", None) or get_settings()
    tolerance: Decimal = settings.three_way_match_tolerance
    return InvoiceService(DocumentRunner(db, clock), tolerance)


Invoices = Annotated[InvoiceService, Depends(get_invoices)]


def _page(rows: tuple[list[dict[str, Any]], int], paging: Any) -> dict[str, Any]:
    return {"items": rows[0], "count": rows[1], "offset": paging.offset, "limit": paging.limit}


@router.post("/supplier-invoices", response_model=InvoiceOut,
             status_code=status.HTTP_201_CREATED)
def record_invoice(body: InvoiceCreate, principal: StockWriter, invoices: Invoices,
                   key: IdempotencyKey = None) -> dict[str, Any]:
    """Record a supplier invoice against a purchase order; it is three-way matched at once."""
    new = NewSupplierInvoice(purchase_order_no=body.purchase_order_no,
                             invoiced_at=body.invoiced_at, no=body.no,
                             lines=tuple(NewInvoiceLine(**line.model_dump())
                                         for line in body.lines))
    return invoices.record(context(principal, key), new)


@router.get("/supplier-invoices", response_model=Page[InvoiceOut])
def list_invoices(principal: StockReader, invoices: Invoices, paging: PagingDep,
                  status_: Annotated[Literal["recorded", "matched", "mismatched"] | None,
                                     Query(alias="status")] = None,
                  purchase_order_no: Annotated[str | None, Query(max_length=40)] = None
                  ) -> dict[str, Any]:
    """Supplier invoices, newest first."""
    return _page(invoices.list(principal.tenant_id, status_, purchase_order_no,
                               paging.offset, paging.limit), paging)


@router.get("/supplier-invoices/{no}", response_model=InvoiceOut)
def get_invoice(no: No, principal: StockReader, invoices: Invoices) -> dict[str, Any]:
    """One invoice with its last match and voucher."""
    return invoices.get(principal.tenant_id, no)


@router.post("/supplier-invoices/{no}/match", response_model=InvoiceOut)
def match_invoice(no: No, principal: StockWriter, invoices: Invoices,
                  key: IdempotencyKey = None) -> dict[str, Any]:
    """Three-way match the invoice again (after more goods were put away, say)."""
    return invoices.match(context(principal, key), no)


@router.get("/payable-vouchers", response_model=Page[VoucherOut])
def list_vouchers(principal: StockReader, invoices: Invoices, paging: PagingDep,
                  is_tax_trusted: bool | None = None) -> dict[str, Any]:
    """Payable vouchers, newest first."""
    return _page(invoices.vouchers(principal.tenant_id, is_tax_trusted, paging.offset,
                                   paging.limit), paging)
