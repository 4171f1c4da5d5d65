"""Manufacturing (生产·离散制造): bills of materials, emission factors and planned carbon
footprints. Answers ``module.not_installed`` until a pack switches ``manufacturing`` on."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, status

from inventory.documents.runner import DocumentRunner
from inventory.manufacturing import (
    MODULE,
    BomService,
    NewBom,
    NewBomLine,
    NewFactor,
    NewOperation,
    WorkOrderService,
)
from studio.deps import CatalogWriter, ClockDep, DbDep, IdempotencyKey, PagingDep, StockReader
from studio.deps import module as module_installed
from studio.routes.document_deps import page_of
from studio.routes.stock import context
from studio.schemas import Page
from studio.schemas_manufacturing import (
    BomBody,
    BomCreate,
    BomOut,
    FactorIn,
    FactorOut,
    FootprintOut,
)

router = APIRouter(tags=["manufacturing"], dependencies=[Depends(module_installed(MODULE))])
Sku = Annotated[str, Path(min_length=1, max_length=64, description="The parent item's SKU.")]
Filter = Annotated[str | None, Query(min_length=1, max_length=64)]


def get_boms(db: DbDep, clock: ClockDep) -> BomService:
    """The bill-of-materials service on the application's database and clock."""
    return BomService(DocumentRunner(db, clock))


def get_work_orders(db: DbDep, clock: ClockDep) -> WorkOrderService:
    """The work-order service on the application's database and clock."""
    return WorkOrderService(DocumentRunner(db, clock))


Boms = Annotated[BomService, Depends(get_boms)]
WorkOrders = Annotated[WorkOrderService, Depends(get_work_orders)]


def _bom(sku: str, body: BomBody) -> NewBom:
    return NewBom(sku=sku, note=body.note,
                  lines=tuple(NewBomLine(**x.model_dump()) for x in body.lines),
                  operations=tuple(NewOperation(**o.model_dump()) for o in body.operations))


@router.post("/boms", response_model=BomOut, status_code=status.HTTP_201_CREATED)
def create_bom(body: BomCreate, principal: CatalogWriter, boms: Boms,
               key: IdempotencyKey = None) -> dict[str, Any]:
    """Write an item's bill of materials (refused if it would contain itself)."""
    return boms.create(context(principal, key), _bom(body.sku, body))


@router.put("/boms/{sku}", response_model=BomOut)
def replace_bom(sku: Sku, body: BomBody, principal: CatalogWriter, boms: Boms,
                key: IdempotencyKey = None) -> dict[str, Any]:
    """Replace an item's bill of materials."""
    return boms.replace(context(principal, key), _bom(sku, body))


@router.get("/boms", response_model=Page[BomOut])
def list_boms(principal: StockReader, boms: Boms, paging: PagingDep,
              component: Filter = None) -> dict[str, Any]:
    """Bills of materials by parent SKU, optionally only those using a component."""
    return page_of(boms.list(principal.tenant_id, component, paging.offset, paging.limit),
                   paging)


@router.get("/boms/{sku}", response_model=BomOut)
def get_bom(sku: Sku, principal: StockReader, boms: Boms) -> dict[str, Any]:
    """One bill of materials."""
    return boms.get(principal.tenant_id, sku)


@router.get("/boms/{sku}/carbon-footprint", response_model=FootprintOut)
def bom_footprint(sku: Sku, principal: StockReader, boms: Boms) -> dict[str, Any]:
    """The planned carbon footprint of one unit (kg CO2e, exact), term by term."""
    return boms.footprint(principal.tenant_id, sku)


@router.put("/emission-factors", response_model=FactorOut)
def set_factor(body: FactorIn, principal: CatalogWriter, boms: Boms,
               key: IdempotencyKey = None) -> dict[str, Any]:
    """Set an emission factor (kg CO2e per unit of a material or energy carrier)."""
    return boms.set_factor(context(principal, key), NewFactor(**body.model_dump()))


@router.get("/emission-factors", response_model=Page[FactorOut])
def list_factors(principal: StockReader, boms: Boms, paging: PagingDep,
                 kind: Literal["material", "energy"] | None = None) -> dict[str, Any]:
    """Emission factors, optionally of one kind."""
    return page_of(boms.factors(principal.tenant_id, kind, paging.offset, paging.limit),
                   paging)
