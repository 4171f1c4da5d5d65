"""Inventory health (issue #5): near-expiry lots, count variance over time, data health."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from studio.deps import PagingDep, StockReader
from studio.health import HealthDep
from studio.schemas import Page
from studio.schemas_health import AssessmentOut, NearExpiryRow, VarianceSeriesOut

router = APIRouter(prefix="/health", tags=["health"])
CodeQuery = Annotated[str | None, Query(max_length=64)]
#: How far ahead near-expiry looks, in days (up to ten years).
HorizonQuery = Annotated[int, Query(ge=0, le=3650)]
#: How many days back a report reads (up to two years).
DaysQuery = Annotated[int, Query(ge=1, le=730)]


@router.get("/near-expiry", response_model=Page[NearExpiryRow])
def near_expiry(principal: StockReader, reports: HealthDep, paging: PagingDep,
                horizon_days: HorizonQuery = 30, warehouse: CodeQuery = None,
                sku: CodeQuery = None) -> dict[str, Any]:
    """Lots expiring within the horizon, per warehouse, earliest expiry first (FEFO)."""
    rows, total = reports.near_expiry(principal.tenant_id, horizon_days=horizon_days,
                                      warehouse=warehouse, sku=sku, offset=paging.offset,
                                      limit=paging.limit)
    return {"items": rows, "count": total, "offset": paging.offset, "limit": paging.limit}


@router.get("/count-variance", response_model=VarianceSeriesOut)
def count_variance(principal: StockReader, reports: HealthDep, days: DaysQuery = 90,
                   warehouse: CodeQuery = None, sku: CodeQuery = None) -> dict[str, Any]:
    """Count-variance rates of posted stocktakes over time, per count and per SKU."""
    return reports.count_variance(principal.tenant_id, days=days, warehouse=warehouse, sku=sku)


@router.get("/assessment", response_model=AssessmentOut)
def assessment(principal: StockReader, reports: HealthDep, days: DaysQuery = 7
               ) -> dict[str, Any]:
    """The data-health self-assessment: five criteria from recorded data, out of 100."""
    return reports.assessment(principal.tenant_id, days=days)
