"""The stock ledger: every movement, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from inventory import queries
from kernel.errors import NotFound
from studio.deps import DbDep, PagingDep, StockReader
from studio.schemas import LedgerRow, Page

router = APIRouter(tags=["ledger"])
Filter = Annotated[str | None, Query(max_length=80)]


@router.get("/ledger", response_model=Page[LedgerRow])
def list_ledger(principal: StockReader, db: DbDep, paging: PagingDep, sku: Filter = None,
                warehouse: Filter = None, reason: Filter = None, document_ref: Filter = None,
                event_id: Filter = None, since: datetime | None = None,
                until: datetime | None = None) -> Page[LedgerRow]:
    """Ledger rows filtered by SKU, warehouse, reason, document, event or time."""
    flt = queries.LedgerFilter(sku=sku, warehouse=warehouse, reason=reason,
                               document_ref=document_ref, event_id=event_id, since=since,
                               until=until)
    with db.read(principal.tenant_id) as session:
        rows, total = queries.ledger(session, flt, offset=paging.offset, limit=paging.limit)
    return Page(items=[LedgerRow(**r) for r in rows], count=total, offset=paging.offset,
                limit=paging.limit)


@router.get("/ledger/{entry_id}", response_model=LedgerRow)
def get_ledger_entry(entry_id: Annotated[int, Path(ge=1, le=2**62)], principal: StockReader,
                     db: DbDep) -> dict[str, Any]:
    """One ledger row."""
    with db.read(principal.tenant_id) as session:
        row = queries.ledger_entry(session, entry_id)
    if row is None:
        raise NotFound(kind="ledger entry", kind_zh="库存流水", key=entry_id)
    return row
