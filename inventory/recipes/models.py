"""Tables of the recipes module (餐饮门店): dishes and their recipes, catering stores, dish
sales and waste records (the documents ingredients leave by), table bookings, temperature
forecasts, and the purchase lists generated each morning.

Quantities are thousandths (``Quantity``), like the rest of the core; temperatures too
(signed), so every figure of the purchase list is exact.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kernel.models import Base, Id, Json
from kernel.tenancy import TenantScoped
from kernel.types import Quantity, UtcDateTime


class Dish(TenantScoped, Base):
    """A dish on the menu (菜品); its recipe says what one portion takes."""

    __tablename__ = "dish"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RecipeLine(TenantScoped, Base):
    """One ingredient of a dish and how much of it one portion takes (配方)."""

    __tablename__ = "recipe_line"
    __table_args__ = (UniqueConstraint("dish_id", "item_id"),
                      CheckConstraint("qty_per_portion > 0", name="qty_positive"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    dish_id: Mapped[int] = mapped_column(ForeignKey("dish.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    qty_per_portion: Mapped[Decimal] = mapped_column(Quantity())


class CateringStore(TenantScoped, Base):
    """A warehouse that is a restaurant (门店): its central kitchen, shared pool, schedule."""

    __tablename__ = "catering_store"
    __table_args__ = (UniqueConstraint("tenant_id", "warehouse_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    #: Where its requisitions come from (中央厨房), if it has one.
    central_kitchen_id: Mapped[int | None] = mapped_column(ForeignKey("warehouse.id"),
                                                           nullable=True)
    #: The channel whose pool every sales channel of the store (dine-in, delivery, group
    #: meal) takes from: one pool, shared.
    pool_channel: Mapped[str | None] = mapped_column(String(40), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64))
    #: Local time the purchase list is generated (HH:MM).
    purchase_list_at: Mapped[str] = mapped_column(String(5))
    lookback_days: Mapped[int] = mapped_column(Integer)
    #: The temperature at which the weather changes nothing (°C).
    base_temperature_c: Mapped[Decimal] = mapped_column(Quantity())
    #: Covers gained per degree colder than the base, as a share (0.020 = 2 %).
    share_per_degree: Mapped[Decimal] = mapped_column(Quantity())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DishSale(TenantScoped, Base):
    """A POS or channel order of dishes (点单): the consumption document ingredients leave by."""

    __tablename__ = "dish_sale"
    __table_args__ = (UniqueConstraint("tenant_id", "no"),
                      CheckConstraint("covers >= 0", name="covers_not_negative"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"), index=True)
    #: dine_in, delivery or group_meal
    channel: Mapped[str] = mapped_column(String(20))
    covers: Mapped[int] = mapped_column(Integer)
    business_date: Mapped[date] = mapped_column(Date, index=True)
    sold_at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(120))
    #: posted: a sale is final once recorded (a refund is a document of its own).
    status: Mapped[str] = mapped_column(String(20), default="posted")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lines: Mapped[list[dict[str, str]]] = mapped_column(Json)


class WasteRecord(TenantScoped, Base):
    """Ingredients thrown away in a store (报损), with the reason."""

    __tablename__ = "waste_record"
    __table_args__ = (UniqueConstraint("tenant_id", "no"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"), index=True)
    business_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(120))
    #: posted: final once recorded.
    status: Mapped[str] = mapped_column(String(20), default="posted")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IngredientUse(TenantScoped, Base):
    """What left a store's stock by a sale or a waste record, per ingredient and day.

    The ledger holds the same movements; this table keeps them by business date and kind,
    so the loss rate and the purchase list read one small table.
    """

    __tablename__ = "ingredient_use"
    __table_args__ = (CheckConstraint("qty > 0", name="qty_positive"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    business_date: Mapped[date] = mapped_column(Date, index=True)
    #: sale (consumed by recipe) or waste
    kind: Mapped[str] = mapped_column(String(10))
    document_type: Mapped[str] = mapped_column(String(40))
    document_no: Mapped[str] = mapped_column(String(40))
    qty: Mapped[Decimal] = mapped_column(Quantity())


class TableBooking(TenantScoped, Base):
    """A booking of tables for a day (订座), counted in covers."""

    __tablename__ = "table_booking"
    __table_args__ = (CheckConstraint("covers > 0", name="covers_positive"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"), index=True)
    booking_date: Mapped[date] = mapped_column(Date, index=True)
    covers: Mapped[int] = mapped_column(Integer)
    guest: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TemperatureForecast(TenantScoped, Base):
    """A forecast temperature for a store's day, as a weather feed recorded it (预报气温)."""

    __tablename__ = "temperature_forecast"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"), index=True)
    forecast_date: Mapped[date] = mapped_column(Date)
    temperature_c: Mapped[Decimal] = mapped_column(Quantity())
    source: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PurchaseList(TenantScoped, Base):
    """The list of ingredients to buy for a store's next day (采购清单), made at 04:00."""

    __tablename__ = "purchase_list"
    __table_args__ = (UniqueConstraint("tenant_id", "no"),
                      UniqueConstraint("warehouse_id", "business_date"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    #: The day it buys for (the store's "tomorrow" at generation time).
    business_date: Mapped[date] = mapped_column(Date)
    #: The scheduled instant it stands for (04:00 local, in UTC).
    scheduled_at: Mapped[datetime] = mapped_column(UtcDateTime())
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Every input and intermediate figure of the formula, as decimal strings.
    inputs: Mapped[dict[str, Any]] = mapped_column(Json)


class PurchaseListLine(TenantScoped, Base):
    """One ingredient of a purchase list: what tomorrow needs, what is there, what to buy."""

    __tablename__ = "purchase_list_line"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("purchase_list.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    used_qty: Mapped[Decimal] = mapped_column(Quantity())
    needed_qty: Mapped[Decimal] = mapped_column(Quantity())
    on_hand: Mapped[Decimal] = mapped_column(Quantity())
    to_buy_qty: Mapped[Decimal] = mapped_column(Quantity())
