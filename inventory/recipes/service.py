"""The recipes module as the API uses it: one call per action, one transaction each,
idempotent with a key (the document runner's shell)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from inventory.commands import CommandContext
from inventory.documents.runner import DocumentRunner
from inventory.documents.transfer_service import NewTransfer, NewTransferLine, TransferService
from inventory.models import Warehouse
from inventory.recipes import menu, purchase_lists, sales
from inventory.recipes.errors import NoCentralKitchen
from inventory.recipes.menu import Ingredient, StoreSetting
from inventory.recipes.sales import NewDishSale, WasteLine
from kernel.clock import Clock
from kernel.db import Database

Page = tuple[list[dict[str, Any]], int]


class RecipeService:
    """Dishes, stores, sales, waste, bookings, temperatures, requisitions, purchase lists."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.runner = DocumentRunner(db, clock)

    def put_dish(self, ctx: CommandContext, code: str, name_zh: str, name_en: str,
                 ingredients: Sequence[Ingredient], *, is_new: bool) -> dict[str, Any]:
        """Create a dish (``is_new``) or replace an existing dish's names and recipe.

        Raises:
            Conflict, UnknownDish, UnknownItem, InvalidQuantity, InvalidRecipesInput.
        """
        return self.runner.write(ctx, "recipes.put_dish", {
            "code": code, "name_zh": name_zh, "name_en": name_en, "ingredients": ingredients,
            "is_new": is_new},
            lambda s, now: menu.dish_view(s, menu.put_dish(s, ctx.tenant_id, code, name_zh,
                                                           name_en, ingredients, now,
                                                           is_new=is_new)))

    def dish(self, tenant_id: int, code: str) -> dict[str, Any]:
        """One dish with its recipe. Raises: UnknownDish."""
        return self.runner.read(tenant_id, lambda s: menu.dish_view(s, menu.dish_by_code(s,
                                                                                         code)))

    def dishes(self, tenant_id: int, offset: int, limit: int) -> Page:
        """Dishes by code."""
        return self.runner.read(tenant_id, lambda s: menu.dishes_page(s, offset, limit))

    def put_store(self, ctx: CommandContext, setting: StoreSetting) -> dict[str, Any]:
        """Make a warehouse a catering store or change its settings.

        Raises:
            UnknownWarehouse, InvalidRecipesInput.
        """
        return self.runner.write(ctx, "recipes.put_store", {"setting": setting},
                                 lambda s, now: menu.store_view(s, menu.put_store(
                                     s, ctx.tenant_id, setting, now)))

    def stores(self, tenant_id: int, offset: int, limit: int) -> Page:
        """Catering stores."""
        return self.runner.read(tenant_id, lambda s: menu.stores_page(s, offset, limit))

    def record_sale(self, ctx: CommandContext, sale: NewDishSale) -> dict[str, Any]:
        """Record a dish sale; its ingredients leave stock by recipe (see sales.record_sale)."""
        return self.runner.write(ctx, "recipes.record_sale", {"sale": sale},
                                 lambda s, now: sales.record_sale(s, ctx, sale, now))

    def sale(self, tenant_id: int, no: str) -> dict[str, Any]:
        """One dish sale. Raises: UnknownDocument."""
        return self.runner.read(tenant_id, lambda s: sales.get_sale(s, no))

    def sales(self, tenant_id: int, store: str | None, channel: str | None, offset: int,
              limit: int) -> Page:
        """Dish sales, newest first."""
        return self.runner.read(tenant_id, lambda s: sales.sales_page(s, store, channel, offset,
                                                                      limit))

    def record_waste(self, ctx: CommandContext, store: str, reason: str,
                     lines: Sequence[WasteLine], no: str | None) -> dict[str, Any]:
        """Record waste through the ledger (see sales.record_waste)."""
        return self.runner.write(ctx, "recipes.record_waste", {
            "store": store, "reason": reason, "lines": lines, "no": no},
            lambda s, now: sales.record_waste(s, ctx, store, reason, lines, no, now))

    def loss_rates(self, tenant_id: int, store: str | None, date_from: date | None,
                   date_to: date | None) -> list[dict[str, Any]]:
        """Daily loss rate per store and SKU."""
        return self.runner.read(tenant_id, lambda s: sales.loss_rates(s, store, date_from,
                                                                      date_to))

    def add_booking(self, ctx: CommandContext, store: str, booking_date: date, covers: int,
                    guest: str) -> dict[str, Any]:
        """Book tables (see purchase_lists.add_booking)."""
        return self.runner.write(ctx, "recipes.add_booking", {
            "store": store, "date": booking_date, "covers": covers, "guest": guest},
            lambda s, now: purchase_lists.add_booking(s, ctx.tenant_id, store, booking_date,
                                                      covers, guest, now))

    def bookings(self, tenant_id: int, store: str | None, booking_date: date | None,
                 offset: int, limit: int) -> Page:
        """Bookings by day."""
        return self.runner.read(tenant_id, lambda s: purchase_lists.bookings_page(
            s, store, booking_date, offset, limit))

    def temperatures(self, tenant_id: int, store: str | None, forecast_date: date | None,
                     offset: int, limit: int) -> Page:
        """Recorded forecasts, newest first."""
        return self.runner.read(tenant_id, lambda s: purchase_lists.temperatures_page(
            s, store, forecast_date, offset, limit))

    def record_temperature(self, ctx: CommandContext, store: str, forecast_date: date,
                           temperature_c: Decimal, source: str) -> dict[str, Any]:
        """Record a forecast temperature (see purchase_lists.record_temperature)."""
        return self.runner.write(ctx, "recipes.record_temperature", {
            "store": store, "date": forecast_date, "t": temperature_c, "source": source},
            lambda s, now: purchase_lists.record_temperature(s, ctx.tenant_id, store,
                                                             forecast_date, temperature_c,
                                                             source, now))

    def requisition(self, ctx: CommandContext, store: str, lines: Sequence[NewTransferLine],
                    no: str | None) -> dict[str, Any]:
        """Ask the store's central kitchen for goods: a draft transfer kitchen → store.

        Raises:
            UnknownWarehouse, UnknownStore, NoCentralKitchen, and the transfer's refusals.
        """
        def kitchen(s: Any) -> str:
            row, _warehouse = menu.store_by_code(s, store)
            if row.central_kitchen_id is None:
                raise NoCentralKitchen(store=store)
            code: str = s.scalar(select(Warehouse.code).where(
                Warehouse.id == row.central_kitchen_id))
            return code

        source = self.runner.read(ctx.tenant_id, kitchen)
        return TransferService(self.runner).create(ctx, NewTransfer(
            from_warehouse=source, to_warehouse=store, lines=tuple(lines), no=no,
            note=f"requisition: {store}"))

    def purchase_lists(self, tenant_id: int, store: str | None, business_date: date | None,
                       offset: int, limit: int) -> Page:
        """Purchase lists, newest first."""
        return self.runner.read(tenant_id, lambda s: purchase_lists.lists_page(
            s, store, business_date, offset, limit))

    def generate_due(self, tenant_id: int | None = None) -> int:
        """Make the purchase lists that are due now (the scheduled job)."""
        return purchase_lists.generate_due_purchase_lists(self.db, self.clock, tenant_id)
