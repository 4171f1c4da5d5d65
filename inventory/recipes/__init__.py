"""The recipes product module (餐饮门店进销存), switched on by the catering pack.

Dishes with recipes (ingredient quantity per portion, exact); a dish sale consumes its
ingredients by recipe through the core's ship command, tied to the sale document; dine-in,
delivery and group-meal sales share one channel pool; store requisitions are transfers
from the central kitchen; waste gives a daily loss rate; and a purchase list is made each
morning at 04:00 (store time) from tomorrow's bookings, recent covers and the forecast
temperature. See docs/packs/catering.md.
"""

from __future__ import annotations

from inventory.recipes.errors import (
    DishWithoutRecipe,
    InvalidRecipesInput,
    NoCentralKitchen,
    RecipesError,
    UnknownDish,
    UnknownStore,
)
from inventory.recipes.menu import Ingredient, StoreSetting
from inventory.recipes.purchase_lists import generate_due_purchase_lists
from inventory.recipes.sales import NewDishSale, SaleChannel, SaleLine, WasteLine
from inventory.recipes.service import RecipeService

__all__ = [
    "DishWithoutRecipe",
    "Ingredient",
    "InvalidRecipesInput",
    "NewDishSale",
    "NoCentralKitchen",
    "RecipeService",
    "RecipesError",
    "SaleChannel",
    "SaleLine",
    "StoreSetting",
    "UnknownDish",
    "UnknownStore",
    "WasteLine",
    "generate_due_purchase_lists",
]
