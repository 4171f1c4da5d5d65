"""Request and response models of the recipes API (catering stores): dishes and recipes,
stores, dish sales, waste, loss rates, bookings, temperatures, purchase lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from studio.schemas import Code, Name, PositiveQty, Sku, Strict, Text
from studio.schemas_documents import DocNo, Emitted, Reason

Covers = Annotated[int, Field(ge=0, le=10_000, examples=[4])]
Portions = Annotated[int, Field(ge=1, le=10_000, examples=[1])]
Celsius = Annotated[Decimal, Field(ge=-60, le=60, decimal_places=3, examples=["6.5"])]


class IngredientIn(Strict):
    """One ingredient of a recipe: what ONE portion takes."""

    sku: Sku
    qty_per_portion: PositiveQty


class DishUpdate(Strict):
    """A dish's names and its whole recipe (replaces the old one)."""

    name_zh: Name
    name_en: Text = ""
    recipe: list[IngredientIn] = Field(min_length=1, max_length=200)


class DishCreate(DishUpdate):
    """A new dish with its recipe."""

    code: Code


class IngredientOut(BaseModel):
    """A recipe line."""

    sku: str
    qty_per_portion: Decimal


class DishOut(Emitted):
    """A dish with its recipe."""

    code: str
    name_zh: str
    name_en: str
    is_active: bool
    recipe: list[IngredientOut]


class StoreIn(Strict):
    """How a warehouse works as a catering store (all but the kitchen and pool have defaults)."""

    central_kitchen: Code | None = None
    pool_channel: Code | None = None
    timezone: Annotated[str, Field(min_length=1, max_length=64)] = "Asia/Shanghai"
    purchase_list_at: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = "04:00"
    lookback_days: Annotated[int, Field(ge=1, le=90)] = 7
    base_temperature_c: Celsius = Decimal("20")
    share_per_degree: Annotated[Decimal, Field(ge=0, le=Decimal("0.2"),
                                               decimal_places=3)] = Decimal("0.02")


class StoreOut(Emitted):
    """A catering store."""

    warehouse: str
    central_kitchen: str | None
    pool_channel: str | None
    timezone: str
    purchase_list_at: str
    lookback_days: int
    base_temperature_c: Decimal
    share_per_degree: Decimal


class SaleLineIn(Strict):
    """Whole portions of one dish."""

    dish: Code
    portions: Portions


class DishSaleIn(Strict):
    """A POS or channel order: its ingredients leave the store by recipe."""

    store: Code
    channel: Literal["dine_in", "delivery", "group_meal"]
    covers: Covers
    lines: list[SaleLineIn] = Field(min_length=1, max_length=200)
    no: DocNo | None = None


class SkuQty(BaseModel):
    """A SKU and a quantity."""

    sku: str
    qty: Decimal


class DishSaleOut(Emitted):
    """A dish sale and what it consumed."""

    no: str
    warehouse: str
    channel: str
    covers: int
    business_date: date
    sold_at: str
    lines: list[dict[str, str]]
    ingredients: list[SkuQty]
    pool_taken: list[SkuQty] = []


class WasteLineIn(Strict):
    """An ingredient thrown away."""

    sku: Sku
    qty: PositiveQty


class WasteIn(Strict):
    """Ingredients thrown away in a store, with the reason."""

    store: Code
    reason: Reason
    lines: list[WasteLineIn] = Field(min_length=1, max_length=200)
    no: DocNo | None = None


class LossLine(BaseModel):
    """One SKU's consumption, waste and loss rate (wasted ÷ consumed) in a store on one day."""

    warehouse: str
    business_date: date
    sku: str
    consumed_qty: Decimal
    wasted_qty: Decimal
    loss_rate: Decimal | None


class WasteOut(Emitted):
    """A waste record, with the day's loss rate of each SKU it names."""

    no: str
    warehouse: str
    business_date: date
    reason: str
    lines: list[dict[str, Any]]
    max_loss_rate: Decimal | None


class BookingIn(Strict):
    """Tables booked for a day, in covers."""

    store: Code
    booking_date: date
    covers: Annotated[int, Field(ge=1, le=10_000)]
    guest: Text = ""


class BookingOut(Emitted):
    """A booking."""

    id: int
    warehouse: str
    booking_date: date
    covers: int
    guest: str


class TemperatureIn(Strict):
    """A forecast temperature for a store's day, as a weather feed sends it."""

    store: Code
    forecast_date: date
    temperature_c: Celsius
    source: Annotated[str, Field(min_length=1, max_length=120)] = "forecast"


class TemperatureOut(Emitted):
    """A recorded forecast."""

    id: int
    warehouse: str
    forecast_date: date
    temperature_c: Decimal
    source: str
    recorded_at: str


class RequisitionLineIn(Strict):
    """A SKU the store asks the central kitchen for."""

    sku: Sku
    qty: PositiveQty


class RequisitionIn(Strict):
    """A store requisition: becomes a draft transfer central kitchen → store."""

    store: Code
    lines: list[RequisitionLineIn] = Field(min_length=1, max_length=200)
    no: DocNo | None = None


class PurchaseListLineOut(BaseModel):
    """One ingredient: used lately, needed tomorrow, on hand, to buy."""

    sku: str
    used_qty: Decimal
    needed_qty: Decimal
    on_hand: Decimal
    to_buy_qty: Decimal


class PurchaseListOut(BaseModel):
    """A purchase list with every input of its formula."""

    no: str
    warehouse: str
    business_date: date
    scheduled_at: str
    generated_at: str
    expected_covers: int
    inputs: dict[str, Any]
    lines: list[PurchaseListLineOut]


class GeneratedOut(BaseModel):
    """How many purchase lists a run made."""

    generated: int
