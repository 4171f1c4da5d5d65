"""Catering stores (餐饮门店, the ``recipes`` module): dishes and recipes, stores, dish sales
that consume by recipe, waste and loss rates, bookings, temperatures, requisitions from the
central kitchen, and the 04:00 purchase lists. Every route answers ``module.not_installed``
until a pack that names ``recipes`` (jxc.catering) is installed in the tenant."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, status

from inventory.documents import NewTransferLine
from inventory.recipes import (
    Ingredient,
    NewDishSale,
    RecipeService,
    SaleChannel,
    SaleLine,
    StoreSetting,
    WasteLine,
)
from studio.deps import (
    CatalogWriter,
    ClockDep,
    DbDep,
    IdempotencyKey,
    PagingDep,
    StockReader,
    StockWriter,
    module,
)
from studio.routes.document_deps import No, page_of
from studio.routes.stock import context
from studio.schemas import Page
from studio.schemas_recipes import (
    BookingIn,
    BookingOut,
    DishCreate,
    DishOut,
    DishSaleIn,
    DishSaleOut,
    DishUpdate,
    GeneratedOut,
    LossLine,
    PurchaseListOut,
    RequisitionIn,
    StoreIn,
    StoreOut,
    TemperatureIn,
    TemperatureOut,
    WasteIn,
    WasteOut,
)
from studio.schemas_warehouse import TransferOut

router = APIRouter(tags=["recipes"], dependencies=[Depends(module("recipes"))])
DishCode = Annotated[str, Path(min_length=1, max_length=40, description="The dish code.")]
Code = Annotated[str, Path(min_length=1, max_length=40, description="The warehouse code.")]
Filter = Annotated[str | None, Query(min_length=1, max_length=40)]


def get_recipes(db: DbDep, clock: ClockDep) -> RecipeService:
    """The recipes service on the application's database and clock."""
    return RecipeService(db, clock)


Recipes = Annotated[RecipeService, Depends(get_recipes)]


def _ingredients(body: DishUpdate) -> tuple[Ingredient, ...]:
    return tuple(Ingredient(sku=i.sku, qty_per_portion=i.qty_per_portion) for i in body.recipe)


@router.post("/recipes/dishes", response_model=DishOut, status_code=status.HTTP_201_CREATED)
def create_dish(body: DishCreate, principal: CatalogWriter, recipes: Recipes,
                key: IdempotencyKey = None) -> dict[str, Any]:
    """Create a dish with its recipe (ingredient quantity per portion)."""
    return recipes.put_dish(context(principal, key), body.code, body.name_zh, body.name_en,
                            _ingredients(body), is_new=True)


@router.put("/recipes/dishes/{dish}", response_model=DishOut)
def update_dish(dish: DishCode, body: DishUpdate, principal: CatalogWriter, recipes: Recipes,
                key: IdempotencyKey = None) -> dict[str, Any]:
    """Replace a dish's names and whole recipe."""
    return recipes.put_dish(context(principal, key), dish, body.name_zh, body.name_en,
                            _ingredients(body), is_new=False)


@router.get("/recipes/dishes", response_model=Page[DishOut])
def list_dishes(principal: StockReader, recipes: Recipes, paging: PagingDep) -> dict[str, Any]:
    """Dishes with their recipes, by code."""
    return page_of(recipes.dishes(principal.tenant_id, paging.offset, paging.limit), paging)


@router.get("/recipes/dishes/{dish}", response_model=DishOut)
def get_dish(dish: DishCode, principal: StockReader, recipes: Recipes) -> dict[str, Any]:
    """One dish with its recipe."""
    return recipes.dish(principal.tenant_id, dish)


@router.put("/recipes/stores/{code}", response_model=StoreOut)
def put_store(code: Code, body: StoreIn, principal: CatalogWriter, recipes: Recipes,
              key: IdempotencyKey = None) -> dict[str, Any]:
    """Make a warehouse a catering store (central kitchen, shared pool, 04:00 schedule)."""
    return recipes.put_store(context(principal, key), StoreSetting(warehouse=code,
                                                                   **body.model_dump()))


@router.get("/recipes/stores", response_model=Page[StoreOut])
def list_stores(principal: StockReader, recipes: Recipes, paging: PagingDep) -> dict[str, Any]:
    """Catering stores."""
    return page_of(recipes.stores(principal.tenant_id, paging.offset, paging.limit), paging)


@router.post("/recipes/sales", response_model=DishSaleOut, status_code=status.HTTP_201_CREATED)
def record_sale(body: DishSaleIn, principal: StockWriter, recipes: Recipes,
                key: IdempotencyKey = None) -> dict[str, Any]:
    """Record a dish sale: its ingredients leave the store by recipe, tied to the sale."""
    return recipes.record_sale(context(principal, key), NewDishSale(
        store=body.store, channel=SaleChannel(body.channel), covers=body.covers, no=body.no,
        lines=tuple(SaleLine(dish=x.dish, portions=x.portions) for x in body.lines)))


@router.get("/recipes/sales", response_model=Page[DishSaleOut])
def list_sales(principal: StockReader, recipes: Recipes, paging: PagingDep,
               store: Filter = None,
               channel: Literal["dine_in", "delivery", "group_meal"] | None = None
               ) -> dict[str, Any]:
    """Dish sales, newest first, optionally of one store or channel."""
    return page_of(recipes.sales(principal.tenant_id, store, channel, paging.offset,
                                 paging.limit), paging)


@router.get("/recipes/sales/{no}", response_model=DishSaleOut)
def get_sale(no: No, principal: StockReader, recipes: Recipes) -> dict[str, Any]:
    """One dish sale with what it consumed."""
    return recipes.sale(principal.tenant_id, no)


@router.post("/recipes/waste", response_model=WasteOut, status_code=status.HTTP_201_CREATED)
def record_waste(body: WasteIn, principal: StockWriter, recipes: Recipes,
                 key: IdempotencyKey = None) -> dict[str, Any]:
    """Record ingredients thrown away; answers the day's loss rate of each."""
    return recipes.record_waste(context(principal, key), body.store, body.reason, tuple(
        WasteLine(sku=x.sku, qty=x.qty) for x in body.lines), body.no)


@router.get("/recipes/loss-rates", response_model=Page[LossLine])
def loss_rates(principal: StockReader, recipes: Recipes, paging: PagingDep,
               store: Filter = None, date_from: date | None = None,
               date_to: date | None = None) -> dict[str, Any]:
    """Daily loss rate per store and SKU (wasted ÷ consumed by recipe), oldest day first."""
    rows = recipes.loss_rates(principal.tenant_id, store, date_from, date_to)
    return page_of((rows[paging.offset:paging.offset + paging.limit], len(rows)), paging)


@router.post("/recipes/bookings", response_model=BookingOut,
             status_code=status.HTTP_201_CREATED)
def add_booking(body: BookingIn, principal: StockWriter, recipes: Recipes,
                key: IdempotencyKey = None) -> dict[str, Any]:
    """Book tables for a day (counted in covers)."""
    return recipes.add_booking(context(principal, key), body.store, body.booking_date,
                               body.covers, body.guest)


@router.get("/recipes/bookings", response_model=Page[BookingOut])
def list_bookings(principal: StockReader, recipes: Recipes, paging: PagingDep,
                  store: Filter = None, booking_date: date | None = None) -> dict[str, Any]:
    """Bookings by day, optionally of one store or day."""
    return page_of(recipes.bookings(principal.tenant_id, store, booking_date, paging.offset,
                                    paging.limit), paging)


@router.post("/recipes/temperature-forecasts", response_model=TemperatureOut,
             status_code=status.HTTP_201_CREATED)
def record_temperature(body: TemperatureIn, principal: StockWriter, recipes: Recipes,
                       key: IdempotencyKey = None) -> dict[str, Any]:
    """Record a forecast temperature for a store's day (the latest one counts)."""
    return recipes.record_temperature(context(principal, key), body.store, body.forecast_date,
                                      body.temperature_c, body.source)


@router.get("/recipes/temperature-forecasts", response_model=Page[TemperatureOut])
def list_temperatures(principal: StockReader, recipes: Recipes, paging: PagingDep,
                      store: Filter = None, forecast_date: date | None = None
                      ) -> dict[str, Any]:
    """Recorded forecast temperatures, newest first."""
    return page_of(recipes.temperatures(principal.tenant_id, store, forecast_date,
                                        paging.offset, paging.limit), paging)


@router.post("/recipes/requisitions", response_model=TransferOut,
             status_code=status.HTTP_201_CREATED)
def requisition(body: RequisitionIn, principal: StockWriter, recipes: Recipes,
                key: IdempotencyKey = None) -> dict[str, Any]:
    """Ask the central kitchen for goods: a draft transfer kitchen → store."""
    return recipes.requisition(context(principal, key), body.store, tuple(
        NewTransferLine(sku=x.sku, qty=x.qty) for x in body.lines), body.no)


@router.get("/recipes/purchase-lists", response_model=Page[PurchaseListOut])
def list_purchase_lists(principal: StockReader, recipes: Recipes, paging: PagingDep,
                        store: Filter = None, business_date: date | None = None
                        ) -> dict[str, Any]:
    """Purchase lists (made at 04:00 store time), newest business date first."""
    return page_of(recipes.purchase_lists(principal.tenant_id, store, business_date,
                                          paging.offset, paging.limit), paging)


@router.post("/recipes/purchase-lists/generate", response_model=GeneratedOut)
def generate_purchase_lists(principal: StockWriter, recipes: Recipes) -> dict[str, Any]:
    """Make the tenant's purchase lists that are due now (the 04:00 job, run at once)."""
    return {"generated": recipes.generate_due(principal.tenant_id)}
