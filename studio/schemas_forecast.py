"""Request and response models of the demand forecast API (pydantic at the boundary only)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from studio.schemas import Code, Name, Sku, Strict
from studio.schemas_documents import Amount, Emitted, PurchaseOrderOut
from studio.schemas_planning import SuggestionOut

DemandQty = Annotated[Decimal, Field(ge=0, le=Decimal(10) ** 12, decimal_places=3)]


class DemandDayIn(Strict):
    """What a SKU consumed or shipped out of a warehouse on one day."""

    sku: Sku
    warehouse: Code
    day: date
    qty: DemandQty


class DemandIn(Strict):
    """Daily demand to record (a day recorded again is replaced)."""

    records: Annotated[list[DemandDayIn], Field(min_length=1, max_length=2000)]


class DemandRecordedOut(Emitted):
    """How many days were recorded."""

    recorded: int


class DemandDayOut(BaseModel):
    """A recorded day of demand."""

    sku: str
    warehouse: str
    day: date
    qty: Decimal
    recorded_by: str


class ForecastIn(Strict):
    """Forecast a SKU × warehouse and plan its replenishment from the forecast."""

    sku: Sku
    warehouse: Code
    supplier: Name
    lead_time_days: Annotated[int, Field(ge=1, le=120)]
    method: Literal["ses", "holt_winters"] = "holt_winters"
    season_length: Annotated[int, Field(ge=2, le=31)] = 7
    lookback_days: Annotated[int, Field(ge=2, le=730)] = 56
    holdout_days: Annotated[int, Field(ge=1, le=90)] = 7
    review_days: Annotated[int, Field(ge=1, le=120)] = 7
    service_level_pct: Annotated[Decimal, Field(gt=0, lt=100, decimal_places=3)] = \
        Decimal("95")
    unit_price: Amount = Decimal("0.00")
    draft_order: bool = True


class ForecastErrorOut(BaseModel):
    """The forecast's error on the holdout days."""

    holdout_days: int
    mae: Decimal
    rmse: Decimal
    mape_pct: Decimal | None


class ForecastRunOut(Emitted):
    """A forecast run: history, forecast, error, and the levels it set."""

    id: int
    sku: str
    warehouse: str
    method: Literal["ses", "holt_winters"]
    season_length: int
    lookback_days: int
    lead_time_days: int
    review_days: int
    history: list[Decimal]
    forecast: list[Decimal]
    smoothing: dict[str, float]
    warnings: list[str]
    error: ForecastErrorOut
    safety_stock: Decimal
    reorder_point: Decimal
    order_up_to: Decimal
    actor: str
    created_at: datetime


class ForecastResultOut(ForecastRunOut):
    """A new forecast run with the suggestion and draft purchase order it led to."""

    lead_time_demand: Decimal
    review_demand: Decimal
    z: Decimal
    suggestion: SuggestionOut | None
    purchase_orders: list[PurchaseOrderOut]
