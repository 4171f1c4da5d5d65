"""Stock balances and lots (read only), and the command context every route shares.

Nothing here moves goods: stock changes only through documents — receipts against a
purchase order (``/receipts``), shipments of a sales order (``/shipments``), returns,
transfers (``/transfers``) and, outside any of those, an adjustment (``/adjustments``:
a reason, photos, and a second approver above the threshold).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from inventory import CommandContext, DocumentRef, queries
from kernel.security import Principal
from studio.deps import DbDep, PagingDep, StockReader
from studio.schemas import BalanceRow, DocumentIn, LotRow, Page

router = APIRouter(tags=["stock"])
CodeQuery = Annotated[str | None, Query(max_length=64)]


def context(principal: Principal, key: str | None) -> CommandContext:
    """The command context of an API call."""
    return CommandContext(tenant_id=principal.tenant_id, actor=principal.actor,
                          idempotency_key=key)


def document(doc: DocumentIn | None) -> DocumentRef | None:
    """A document reference from the request body."""
    return DocumentRef(type=doc.type, ref=doc.ref) if doc else None


def _fields(body: Any) -> dict[str, Any]:
    return {**body.model_dump(exclude={"document"}), "document": document(body.document)}


@router.get("/stock", response_model=Page[BalanceRow])
def list_balances(principal: StockReader, db: DbDep, paging: PagingDep, sku: CodeQuery = None,
                  warehouse: CodeQuery = None) -> Page[BalanceRow]:
    """Balances per SKU × warehouse: on hand, reserved, available."""
    with db.read(principal.tenant_id) as session:
        rows, total = queries.balances(session, sku=sku, warehouse=warehouse,
                                       offset=paging.offset, limit=paging.limit)
    return Page(items=[BalanceRow(**r) for r in rows], count=total, offset=paging.offset,
                limit=paging.limit)


@router.get("/stock/lots/{sku}", response_model=list[LotRow])
def list_lots(sku: Annotated[str, Path(min_length=1, max_length=64)], principal: StockReader,
              db: DbDep, warehouse: CodeQuery = None) -> list[LotRow]:
    """Lot balances of one SKU, first expiry first."""
    with db.read(principal.tenant_id) as session:
        return [LotRow(**r) for r in queries.lots(session, sku, warehouse)]
