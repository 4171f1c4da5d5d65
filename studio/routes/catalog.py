"""Items, warehouses and bins."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status
from pydantic import BaseModel, Field

from inventory import catalog
from inventory.price_requests import PriceRequest, request_price_change
from studio.deps import CatalogWriter, ClockDep, DbDep, PagingDep, StockReader
from studio.schemas import (
    BinCreate,
    BinPublic,
    ItemCreate,
    ItemPublic,
    MoneyAmount,
    Page,
    WarehouseCreate,
    WarehousePublic,
)

router = APIRouter(tags=["catalog"])
SkuPath = Annotated[str, Path(min_length=1, max_length=64)]
CodePath = Annotated[str, Path(min_length=1, max_length=40)]


@router.get("/items", response_model=Page[ItemPublic])
def list_items(principal: StockReader, db: DbDep, paging: PagingDep,
               q: Annotated[str | None, Query(max_length=64)] = None) -> Page[ItemPublic]:
    """Items, searchable by SKU, name or barcode."""
    with db.read(principal.tenant_id) as session:
        rows, total = catalog.list_items(session, q=q, offset=paging.offset, limit=paging.limit)
        return Page(items=[ItemPublic.model_validate(r) for r in rows], count=total,
                    offset=paging.offset, limit=paging.limit)


@router.post("/items", response_model=ItemPublic, status_code=status.HTTP_201_CREATED)
def create_item(body: ItemCreate, principal: CatalogWriter, db: DbDep,
                clock: ClockDep) -> ItemPublic:
    """Create an item."""
    with db.write(principal.tenant_id) as session:
        item = catalog.create_item(session, principal.tenant_id,
                                   catalog.NewItem(**body.model_dump()), clock.now())
        return ItemPublic.model_validate(item)


@router.get("/items/{sku}", response_model=ItemPublic)
def get_item(sku: SkuPath, principal: StockReader, db: DbDep) -> ItemPublic:
    """One item."""
    with db.read(principal.tenant_id) as session:
        return ItemPublic.model_validate(catalog.get_item(session, sku))


class PriceRequestBody(BaseModel):
    """A price change request for one SKU (调价申请)."""

    sku: str = Field(min_length=1, max_length=64)
    list_price: MoneyAmount | None = None
    promotion_price: MoneyAmount | None = None
    rebate_rate: Decimal | None = Field(default=None, ge=0, le=1)


class PriceRequestQueued(BaseModel):
    """The queued ``price.change_requested`` event."""

    event_id: str
    sku: str


@router.post("/prices/requests", response_model=PriceRequestQueued,
             status_code=status.HTTP_202_ACCEPTED)
def request_price(body: PriceRequestBody, principal: CatalogWriter, db: DbDep,
                  clock: ClockDep, request: Request) -> PriceRequestQueued:
    """Raise ``price.change_requested``: guard rules are asked in this transaction (a
    refusal is the error), reaction rules decide the item's price after commit."""
    with db.write(principal.tenant_id) as session:
        event_id = request_price_change(
            session, principal.tenant_id,
            PriceRequest(sku=body.sku, list_price=body.list_price,
                         promotion_price=body.promotion_price, rebate_rate=body.rebate_rate),
            clock.now(), guard=request.app.state.guard)
    return PriceRequestQueued(event_id=event_id, sku=body.sku)


@router.get("/warehouses", response_model=list[WarehousePublic])
def list_warehouses(principal: StockReader, db: DbDep) -> list[WarehousePublic]:
    """Warehouses, stores and transit locations."""
    with db.read(principal.tenant_id) as session:
        return [WarehousePublic.model_validate(w) for w in catalog.list_warehouses(session)]


@router.post("/warehouses", response_model=WarehousePublic, status_code=status.HTTP_201_CREATED)
def create_warehouse(body: WarehouseCreate, principal: CatalogWriter, db: DbDep,
                     clock: ClockDep) -> WarehousePublic:
    """Create a warehouse."""
    with db.write(principal.tenant_id) as session:
        row = catalog.create_warehouse(session, principal.tenant_id, body.code, body.name_zh,
                                       body.name_en, body.kind, clock.now())
        return WarehousePublic.model_validate(row)


@router.get("/warehouses/{code}", response_model=WarehousePublic)
def get_warehouse(code: CodePath, principal: StockReader, db: DbDep) -> WarehousePublic:
    """One warehouse."""
    with db.read(principal.tenant_id) as session:
        return WarehousePublic.model_validate(catalog.get_warehouse(session, code))


@router.get("/warehouses/{code}/bins", response_model=list[BinPublic])
def list_bins(code: CodePath, principal: StockReader, db: DbDep) -> list[BinPublic]:
    """Bins of a warehouse."""
    with db.read(principal.tenant_id) as session:
        return [BinPublic.model_validate(b) for b in catalog.list_bins(session, code)]


@router.post("/warehouses/{code}/bins", response_model=BinPublic,
             status_code=status.HTTP_201_CREATED)
def create_bin(code: CodePath, body: BinCreate, principal: CatalogWriter, db: DbDep) -> BinPublic:
    """Create a bin in a warehouse."""
    with db.write(principal.tenant_id) as session:
        return BinPublic.model_validate(catalog.create_bin(session, principal.tenant_id, code,
                                                           body.code))
