"""Replenishment (补货): policies per SKU × warehouse, suggestions, draft purchase orders."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, status

from inventory.documents.runner import DocumentRunner
from inventory.planning import PolicySetting, ReplenishmentService
from studio.deps import (
    CatalogWriter,
    ClockDep,
    DbDep,
    IdempotencyKey,
    PagingDep,
    StockReader,
    StockWriter,
)
from studio.routes.stock import context
from studio.schemas import Page
from studio.schemas_planning import (
    DraftOrdersOut,
    PolicyIn,
    PolicyOut,
    SuggestionOut,
    SuggestionsOut,
)

router = APIRouter(prefix="/replenishment", tags=["replenishment"])
Filter = Annotated[str | None, Query(min_length=1, max_length=64)]


def get_replenishment(db: DbDep, clock: ClockDep) -> ReplenishmentService:
    """The replenishment service on the application's database and clock."""
    return ReplenishmentService(DocumentRunner(db, clock))


Replenishment = Annotated[ReplenishmentService, Depends(get_replenishment)]


def _page(rows: tuple[list[dict[str, Any]], int], paging: Any) -> dict[str, Any]:
    return {"items": rows[0], "count": rows[1], "offset": paging.offset, "limit": paging.limit}


@router.put("/policies", response_model=PolicyOut)
def set_policy(body: PolicyIn, principal: CatalogWriter, service: Replenishment,
               key: IdempotencyKey = None) -> dict[str, Any]:
    """Set a SKU × warehouse's safety stock and reorder point, typed in or computed."""
    return service.set_policy(context(principal, key), PolicySetting(**body.model_dump()))


@router.get("/policies", response_model=Page[PolicyOut])
def list_policies(principal: StockReader, service: Replenishment, paging: PagingDep,
                  warehouse: Filter = None, sku: Filter = None) -> dict[str, Any]:
    """Replenishment policies, optionally of one warehouse or SKU."""
    return _page(service.policies(principal.tenant_id, warehouse, sku, paging.offset,
                                  paging.limit), paging)


@router.post("/suggestions/run", response_model=SuggestionsOut,
             status_code=status.HTTP_201_CREATED)
def run_suggestions(principal: StockWriter, service: Replenishment,
                    key: IdempotencyKey = None) -> dict[str, Any]:
    """Recompute computed policies and suggest orders for SKUs at or below their ROP."""
    return service.suggest(context(principal, key))


@router.get("/suggestions", response_model=Page[SuggestionOut])
def list_suggestions(principal: StockReader, service: Replenishment, paging: PagingDep,
                     status_: Annotated[Literal["open", "ordered"] | None,
                                        Query(alias="status")] = None) -> dict[str, Any]:
    """Replenishment suggestions, newest first."""
    return _page(service.suggestions(principal.tenant_id, status_, paging.offset,
                                     paging.limit), paging)


@router.post("/draft-orders", response_model=DraftOrdersOut,
             status_code=status.HTTP_201_CREATED)
def draft_orders(principal: StockWriter, service: Replenishment,
                 key: IdempotencyKey = None) -> dict[str, Any]:
    """Turn open suggestions into draft purchase orders, one per supplier × warehouse."""
    return service.draft_orders(context(principal, key))
