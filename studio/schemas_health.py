"""Response models of the inventory-health reports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel


class NearExpiryRow(BaseModel):
    """A lot on hand that expires within the horizon (negative days: already expired)."""

    warehouse: str
    sku: str
    name_zh: str
    name_en: str
    unit: str
    lot_no: str
    expiry_date: date
    days_left: int
    on_hand: Decimal


class VariancePoint(BaseModel):
    """One posted stocktake's count-variance rate (None: the system quantity was zero)."""

    no: str
    warehouse: str
    posted_at: datetime
    variance_rate: str | None
    lines: int


class SkuVariancePoint(BaseModel):
    """One SKU's count-variance rate in one posted stocktake."""

    no: str
    warehouse: str
    posted_at: datetime
    variance_rate: str | None


class SkuVarianceSeries(BaseModel):
    """A SKU's count-variance rates over time, oldest first."""

    sku: str
    points: list[SkuVariancePoint]


class VarianceSeriesOut(BaseModel):
    """Count-variance rates over time: per stocktake and per SKU (rates as decimal strings,
    0.012500 = 1.25 %)."""

    since: datetime
    until: datetime
    counts: list[VariancePoint]
    skus: list[SkuVarianceSeries]


class CriterionOut(BaseModel):
    """One criterion of the self-assessment, measured from recorded data."""

    criterion: Literal["stock_query_p95", "document_sync", "count_variance", "movement_traced",
                       "input_intercepted"]
    value: Decimal | None
    unit: Literal["ms", "%"]
    target: Decimal
    zero: Decimal
    is_lower_better: bool
    weight: Decimal
    points: Decimal
    benchmark: Decimal
    status: Literal["met", "below", "no_data"]
    evidence: dict[str, int | str]


class AssessmentOut(BaseModel):
    """The data-health self-assessment: five criteria and the total out of 100."""

    since: datetime
    until: datetime
    days: int
    total: Decimal
    benchmark_total: Decimal
    weights_source: str
    criteria: list[CriterionOut]
