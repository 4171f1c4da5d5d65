"""Stock pages: items, balances per warehouse, the ledger with filters and paging."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, or_, select

from inventory import queries
from inventory.errors import InventoryError
from inventory.models import Item, Warehouse
from studio.deps import DbDep
from studio.web.paging import PAGE_SIZE, PageInfo, query_base
from studio.web.render import locale_of, render
from studio.web.session import PagePrincipal

router = APIRouter(include_in_schema=False)
Offset = Annotated[int, Query(ge=0, le=10**9)]
Filter = Annotated[str | None, Query(max_length=80)]


@router.get("/stock/items", response_class=HTMLResponse)
def items(request: Request, principal: PagePrincipal, db: DbDep, q: Filter = None,
          offset: Offset = 0) -> HTMLResponse:
    """Items, searchable by SKU or name."""
    with db.read(principal.tenant_id) as session:
        stmt = select(Item)
        if q:
            like = f"%{q.strip()}%"
            stmt = stmt.where(or_(Item.sku.like(like), Item.name_zh.like(like),
                                  Item.name_en.like(like)))
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = list(session.scalars(stmt.order_by(Item.sku).offset(offset).limit(PAGE_SIZE)))
        return render(request, "items.html", principal, rows=rows, q=q or "",
                      page=PageInfo(offset, total, len(rows)),
                      base=query_base("/stock/items", q=q))


@router.get("/stock/balances", response_class=HTMLResponse)
def balances(request: Request, principal: PagePrincipal, db: DbDep, sku: Filter = None,
             warehouse: Filter = None, offset: Offset = 0) -> HTMLResponse:
    """On hand, reserved and available per SKU and warehouse."""
    error = None
    with db.read(principal.tenant_id) as session:
        warehouses = list(session.scalars(select(Warehouse.code).order_by(Warehouse.code)))
        try:
            rows, total = queries.balances(session, sku=sku, warehouse=warehouse,
                                           offset=offset, limit=PAGE_SIZE)
        except InventoryError as exc:
            rows, total, error = [], 0, exc.render(locale_of(request))
    return render(request, "balances.html", principal, rows=rows, sku=sku or "",
                  warehouse=warehouse or "", warehouses=warehouses, error=error,
                  page=PageInfo(offset, total, len(rows)),
                  base=query_base("/stock/balances", sku=sku, warehouse=warehouse))


@router.get("/stock/ledger", response_class=HTMLResponse)
def ledger(request: Request, principal: PagePrincipal, db: DbDep, sku: Filter = None,
           warehouse: Filter = None, reason: Filter = None, document_ref: Filter = None,
           offset: Offset = 0) -> HTMLResponse:
    """Ledger rows, newest first, filtered by SKU, warehouse, reason or document."""
    error = None
    flt = queries.LedgerFilter(sku=sku, warehouse=warehouse, reason=reason,
                               document_ref=document_ref)
    with db.read(principal.tenant_id) as session:
        warehouses = list(session.scalars(select(Warehouse.code).order_by(Warehouse.code)))
        try:
            rows, total = queries.ledger(session, flt, offset=offset, limit=PAGE_SIZE)
        except InventoryError as exc:
            rows, total, error = [], 0, exc.render(locale_of(request))
    return render(request, "ledger.html", principal, rows=rows, flt=flt, error=error,
                  warehouses=warehouses, reasons=REASONS, page=PageInfo(offset, total, len(rows)),
                  base=query_base("/stock/ledger", sku=sku, warehouse=warehouse, reason=reason,
                                  document_ref=document_ref))


#: Ledger reasons offered in the filter (message ids, translated on the page).
REASONS = ("receipt", "shipment", "transfer_out", "transfer_in", "adjustment", "reserve", "release",
           "consume", "expire")
