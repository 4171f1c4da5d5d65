"""The distributed stock board (module ``stock_board``, switched on by the General pack)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from inventory.stock_board import MODULE, stock_board
from studio.deps import DbDep, PagingDep, StockReader, module
from studio.schemas import Page

router = APIRouter(tags=["stock board"], dependencies=[Depends(module(MODULE))])


class BoardLocation(BaseModel):
    """One warehouse or store holding the SKU."""

    location: str
    kind: str
    name_zh: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    #: What the store's edge device last reported (MQTT), and report − ledger.
    edge_on_hand: Decimal | None
    edge_reported_at: datetime | None
    edge_difference: Decimal | None


class BoardRow(BaseModel):
    """A SKU across every location."""

    sku: str
    name_zh: str
    name_en: str
    unit: str
    on_hand: Decimal
    available: Decimal
    locations: list[BoardLocation]


@router.get("/stock-board", response_model=Page[BoardRow])
def board(principal: StockReader, db: DbDep, paging: PagingDep,
          sku: Annotated[str | None, Query(max_length=80)] = None,
          kind: Annotated[Literal["warehouse", "store"] | None, Query()] = None
          ) -> Page[BoardRow]:
    """Stock per SKU in every warehouse and store, beside the stores' edge reports."""
    with db.read(principal.tenant_id) as session:
        rows, total = stock_board(session, sku=sku, kind=kind, offset=paging.offset,
                                  limit=paging.limit)
    return Page(items=[BoardRow(**r) for r in rows], count=total, offset=paging.offset,
                limit=paging.limit)
