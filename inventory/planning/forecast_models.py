"""Tables of the demand forecast: recorded daily demand per SKU × warehouse, and every
forecast run with its holdout error and the levels it set.

Quantities are thousandths (``Quantity``), like the rest of the core.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kernel.models import Base, Id, Json
from kernel.tenancy import TenantScoped
from kernel.types import Quantity, UtcDateTime


class DemandRecord(TenantScoped, Base):
    """What one SKU consumed or shipped out of one warehouse on one day (recorded, not
    moved: the stock itself moves through inventory commands)."""

    __tablename__ = "demand_record"
    __table_args__ = (
        UniqueConstraint("tenant_id", "item_id", "warehouse_id", "day"),
        CheckConstraint("qty >= 0", name="qty_not_negative"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    day: Mapped[date] = mapped_column(Date)
    qty: Mapped[Decimal] = mapped_column(Quantity())
    recorded_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ForecastRun(TenantScoped, Base):
    """One forecast of a SKU × warehouse: history, statsmodels' forecast, holdout error,
    and the reorder point and order-up-to level it gave the replenishment policy."""

    __tablename__ = "forecast_run"
    __table_args__ = (CheckConstraint("method in ('ses','holt_winters')", name="method"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    method: Mapped[str] = mapped_column(String(16))
    season_length: Mapped[int] = mapped_column(Integer)
    lookback_days: Mapped[int] = mapped_column(Integer)
    holdout_days: Mapped[int] = mapped_column(Integer)
    lead_time_days: Mapped[int] = mapped_column(Integer)
    review_days: Mapped[int] = mapped_column(Integer)
    #: Daily demand used, oldest first, and the daily forecast, as decimal strings.
    history: Mapped[list[str]] = mapped_column(Json)
    forecast: Mapped[list[str]] = mapped_column(Json)
    #: The smoothing parameters statsmodels chose, and any warning it raised.
    params: Mapped[dict[str, Any]] = mapped_column(Json)
    mae: Mapped[Decimal] = mapped_column(Quantity())
    rmse: Mapped[Decimal] = mapped_column(Quantity())
    mape_pct: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    safety_stock: Mapped[Decimal] = mapped_column(Quantity())
    reorder_point: Mapped[Decimal] = mapped_column(Quantity())
    order_up_to: Mapped[Decimal] = mapped_column(Quantity())
    actor: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
