"""Documents: a list per type and a detail page with the state transitions allowed now.

The buttons come from each document's transition table (``inventory.documents.<doc>``),
so a button shows only when the document's state allows its action; actions that need a
form of their own (inspection, shipping with a confirmation code) stay in the API for now.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from inventory import CommandContext
from inventory.documents import DocumentServices
from inventory.documents import purchase_order as po
from inventory.documents import receipt as rc
from inventory.documents import sales_order as so
from inventory.documents import sales_return as sr
from inventory.documents import shipment as sh
from kernel.errors import DomainError, Forbidden
from kernel.security import Permission, Principal
from studio.deps import ClockDep, DbDep
from studio.routes.document_deps import get_documents
from studio.web.paging import PAGE_SIZE, PageInfo, query_base
from studio.web.render import locale_of, render
from studio.web.session import CsrfChecked, PagePrincipal

router = APIRouter(include_in_schema=False)
DocType = Literal["sales_order", "purchase_order", "receipt", "shipment", "sales_return"]
Runner = Callable[[DocumentServices, CommandContext, str, Principal], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class DocKind:
    """How the pages reach one document type."""

    label: str
    transitions: Mapping[Any, Mapping[Any, Any]]
    service: Callable[[DocumentServices], Any]
    #: Actions a button can run without a form of their own.
    actions: Mapping[str, Runner]


KINDS: dict[str, DocKind] = {
    "sales_order": DocKind("Sales orders", so.TRANSITIONS, lambda d: d.sales_orders, {
        "confirm": lambda d, c, n, p: d.sales_orders.confirm(c, n),
        "cancel": lambda d, c, n, p: d.sales_orders.cancel(c, n),
        "close": lambda d, c, n, p: d.sales_orders.close(c, n)}),
    "purchase_order": DocKind("Purchase orders", po.TRANSITIONS, lambda d: d.purchase_orders, {
        "approve": lambda d, c, n, p: d.purchase_orders.approve(c, n),
        "cancel": lambda d, c, n, p: d.purchase_orders.cancel(c, n),
        "close": lambda d, c, n, p: d.purchase_orders.close(c, n)}),
    "receipt": DocKind("Receipts", rc.TRANSITIONS, lambda d: d.receipts, {
        "put_away": lambda d, c, n, p: d.receipts.put_away(c, n),
        "release": lambda d, c, n, p: d.receipts.release(
            c, n, p.role.value if p.role else None),
        "cancel": lambda d, c, n, p: d.receipts.cancel(c, n)}),
    "shipment": DocKind("Shipments", sh.TRANSITIONS, lambda d: d.shipments, {
        "pick": lambda d, c, n, p: d.shipments.pick(c, n),
        "pack": lambda d, c, n, p: d.shipments.pack(c, n),
        "cancel": lambda d, c, n, p: d.shipments.cancel(c, n)}),
    "sales_return": DocKind("Sales returns", sr.TRANSITIONS, lambda d: d.sales_returns, {
        "post": lambda d, c, n, p: d.sales_returns.post(c, n),
        "cancel": lambda d, c, n, p: d.sales_returns.cancel(c, n)}),
}
No = Annotated[str, Path(min_length=1, max_length=40)]


def allowed_actions(kind: DocKind, status: str) -> list[str]:
    """Actions the document's state allows now and a button can run."""
    table = {str(k): v for k, v in kind.transitions.items()}
    return [str(a) for a in table.get(status, {}) if str(a) in kind.actions]


@router.get("/documents", response_class=HTMLResponse)
def documents(request: Request, principal: PagePrincipal, db: DbDep, clock: ClockDep,
              type: Annotated[DocType, Query()] = "sales_order",
              offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> HTMLResponse:
    """Documents of one type, newest first."""
    kind = KINDS[type]
    rows, total = kind.service(get_documents(request, db, clock)).list(
        principal.tenant_id, None, offset, PAGE_SIZE)
    return render(request, "documents.html", principal, kinds=KINDS, type=type, rows=rows,
                  page=PageInfo(offset, total, len(rows)),
                  base=query_base("/documents", type=type))


@router.get("/documents/{type}/{no}", response_class=HTMLResponse)
def document(request: Request, type: DocType, no: No, principal: PagePrincipal, db: DbDep,
             clock: ClockDep, error: str | None = None) -> HTMLResponse:
    """One document with the buttons its state allows."""
    kind = KINDS[type]
    doc = kind.service(get_documents(request, db, clock)).get(principal.tenant_id, no)
    actions = allowed_actions(kind, str(doc["status"])) \
        if Permission.STOCK_WRITE in principal.permissions else []
    return render(request, "document.html", principal, kind=kind, type=type, doc=doc,
                  actions=actions, error=error)


@router.post("/documents/{type}/{no}/{action}")
def run_action(request: Request, type: DocType, no: No,
               action: Annotated[str, Path(max_length=20)], principal: PagePrincipal,
               db: DbDep, clock: ClockDep, _csrf: CsrfChecked) -> Response:
    """Run one state transition of the document."""
    kind = KINDS[type]
    runner = kind.actions.get(action)
    try:
        if Permission.STOCK_WRITE not in principal.permissions:
            raise Forbidden(permission=Permission.STOCK_WRITE.value)
        if runner is None:
            raise Forbidden(permission=action)
        ctx = CommandContext(tenant_id=principal.tenant_id, actor=principal.actor,
                             idempotency_key=None)
        runner(get_documents(request, db, clock), ctx, no, principal)
    except DomainError as exc:
        return document(request, type, no, principal, db, clock,
                        error=exc.render(locale_of(request)))
    return RedirectResponse(f"/documents/{type}/{no}", status_code=303)
