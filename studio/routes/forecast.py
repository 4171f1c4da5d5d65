"""Demand forecast (需求预测) of the production pack: recorded daily demand, forecast runs
that set reorder points and draft purchase orders. Module ``forecast``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status

from inventory.documents.runner import DocumentRunner
from inventory.planning.forecast_service import DemandDay, ForecastRequest, ForecastService
from studio.deps import ClockDep, DbDep, IdempotencyKey, PagingDep, StockReader, StockWriter, module
from studio.routes.stock import context
from studio.schemas import Page
from studio.schemas_forecast import (
    DemandDayOut,
    DemandIn,
    DemandRecordedOut,
    ForecastIn,
    ForecastResultOut,
    ForecastRunOut,
)

router = APIRouter(prefix="/forecast", tags=["forecast"],
                   dependencies=[Depends(module("forecast"))])
Filter = Annotated[str | None, Query(min_length=1, max_length=64)]


def get_forecast(db: DbDep, clock: ClockDep) -> ForecastService:
    """The forecast service on the application's database and clock."""
    return ForecastService(DocumentRunner(db, clock))


Forecasts = Annotated[ForecastService, Depends(get_forecast)]


def _page(rows: tuple[list[dict[str, Any]], int], paging: Any) -> dict[str, Any]:
    return {"items": rows[0], "count": rows[1], "offset": paging.offset, "limit": paging.limit}


@router.post("/demand", response_model=DemandRecordedOut, status_code=status.HTTP_201_CREATED)
def record_demand(body: DemandIn, principal: StockWriter, service: Forecasts,
                  key: IdempotencyKey = None) -> dict[str, Any]:
    """Record daily demand per SKU × warehouse (consumption, shipments kept elsewhere)."""
    rows = tuple(DemandDay(**r.model_dump()) for r in body.records)
    return service.record_demand(context(principal, key), rows)


@router.get("/demand", response_model=Page[DemandDayOut])
def list_demand(principal: StockReader, service: Forecasts, paging: PagingDep,
                sku: Filter = None, warehouse: Filter = None) -> dict[str, Any]:
    """Recorded demand, newest day first."""
    return _page(service.demand(principal.tenant_id, sku, warehouse, paging.offset,
                                paging.limit), paging)


@router.post("/runs", response_model=ForecastResultOut, status_code=status.HTTP_201_CREATED)
def run_forecast(body: ForecastIn, principal: StockWriter, service: Forecasts,
                 key: IdempotencyKey = None) -> dict[str, Any]:
    """Forecast a SKU × warehouse (statsmodels), set its reorder point and order-up-to level,
    suggest and draft the purchase order; the answer shows the holdout error."""
    return service.run(context(principal, key), ForecastRequest(**body.model_dump()))


@router.get("/runs", response_model=Page[ForecastRunOut])
def list_runs(principal: StockReader, service: Forecasts, paging: PagingDep,
              sku: Filter = None) -> dict[str, Any]:
    """Forecast runs, newest first."""
    return _page(service.runs(principal.tenant_id, sku, paging.offset, paging.limit), paging)
