"""Stocktakes (盘点单): blind counts, then variances, count-variance rates and adjustments.

Nothing a counter can call (create, count, the stocktake and its list) carries the
system quantity; the variances are shown only after counting is closed, and only to
users who may change the catalogue (supervisors), never to counters.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status

from inventory.documents import Count, NewStocktake, StocktakeScope
from studio.deps import CatalogWriter, IdempotencyKey, PagingDep, StockReader, StockWriter
from studio.routes.document_deps import Docs, No, page_of
from studio.routes.stock import context
from studio.schemas import Page
from studio.schemas_warehouse import (
    CountsIn,
    StocktakeCreate,
    StocktakeOut,
    StocktakePostIn,
    VariancesOut,
)

router = APIRouter(tags=["stocktakes"])
StatusQuery = Annotated[Literal["counting", "closed", "posted", "cancelled"] | None,
                        Query(alias="status")]


@router.post("/stocktakes", response_model=StocktakeOut, status_code=status.HTTP_201_CREATED)
def create_stocktake(body: StocktakeCreate, principal: StockWriter, docs: Docs,
                     key: IdempotencyKey = None) -> dict[str, Any]:
    """Open a count: all SKUs, the ones named, or a blind check of N drawn with a seed."""
    new = NewStocktake(**{**body.model_dump(), "scope": StocktakeScope(body.scope),
                          "skus": tuple(body.skus)})
    return docs.stocktakes.create(context(principal, key), new)


@router.get("/stocktakes", response_model=Page[StocktakeOut])
def list_stocktakes(principal: StockReader, docs: Docs, paging: PagingDep,
                    status_: StatusQuery = None) -> dict[str, Any]:
    """Stocktakes, newest first (blind)."""
    return page_of(docs.stocktakes.list(principal.tenant_id, status_, paging.offset,
                                        paging.limit), paging)


@router.get("/stocktakes/{no}", response_model=StocktakeOut)
def get_stocktake(no: No, principal: StockReader, docs: Docs) -> dict[str, Any]:
    """One stocktake as counters see it: counted quantities, no system quantity."""
    return docs.stocktakes.get(principal.tenant_id, no)


@router.post("/stocktakes/{no}/counts", response_model=StocktakeOut)
def count_stocktake(no: No, body: CountsIn, principal: StockWriter, docs: Docs,
                    key: IdempotencyKey = None) -> dict[str, Any]:
    """Record counted quantities (blind: the answer has no system quantity)."""
    counts = tuple(Count(sku=c.sku, counted_qty=c.counted_qty) for c in body.counts)
    return docs.stocktakes.count(context(principal, key), no, counts)


@router.post("/stocktakes/{no}/close", response_model=StocktakeOut)
def close_stocktake(no: No, principal: StockWriter, docs: Docs,
                    key: IdempotencyKey = None) -> dict[str, Any]:
    """Stop counting; every line must have a count."""
    return docs.stocktakes.close(context(principal, key), no)


@router.post("/stocktakes/{no}/reopen", response_model=StocktakeOut)
def reopen_stocktake(no: No, principal: CatalogWriter, docs: Docs,
                     key: IdempotencyKey = None) -> dict[str, Any]:
    """Count again (a supervisor's call)."""
    return docs.stocktakes.reopen(context(principal, key), no)


@router.get("/stocktakes/{no}/variances", response_model=VariancesOut)
def stocktake_variances(no: No, principal: CatalogWriter, docs: Docs) -> dict[str, Any]:
    """System vs counted, variance and count-variance rate (after counting is closed)."""
    return docs.stocktakes.variances(principal.tenant_id, no)


@router.post("/stocktakes/{no}/post", response_model=StocktakeOut)
def post_stocktake(no: No, body: StocktakePostIn, principal: CatalogWriter, docs: Docs,
                   key: IdempotencyKey = None) -> dict[str, Any]:
    """Store the rates and turn the variances into an adjustment (a supervisor's call)."""
    return docs.stocktakes.post(context(principal, key), no, tuple(body.photo_refs))


@router.post("/stocktakes/{no}/cancel", response_model=StocktakeOut)
def cancel_stocktake(no: No, principal: StockWriter, docs: Docs,
                     key: IdempotencyKey = None) -> dict[str, Any]:
    """Abandon the count."""
    return docs.stocktakes.cancel(context(principal, key), no)
