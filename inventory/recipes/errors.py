"""Refusals of the recipes module: an unknown dish or store, a dish without a recipe."""

from __future__ import annotations

from inventory.errors import InventoryError


class RecipesError(InventoryError):
    """A recipes action was refused."""

    code = "recipes.error"


class UnknownDish(RecipesError, LookupError):
    """No dish with this code in the tenant."""

    code = "recipes.unknown_dish"
    http_status = 404
    template_en = "Dish {dish} does not exist."
    template_zh = "菜品 {dish} 不存在。"


class DishWithoutRecipe(RecipesError, ValueError):
    """A dish without ingredients cannot be sold: nothing would leave stock."""

    code = "recipes.dish_without_recipe"
    http_status = 409
    template_en = "Dish {dish} has no recipe yet; set its ingredients before selling it."
    template_zh = "菜品 {dish} 还没有配方，请先设置配料再销售。"


class UnknownStore(RecipesError, LookupError):
    """The warehouse is not set up as a catering store."""

    code = "recipes.unknown_store"
    http_status = 404
    template_en = "Warehouse {store} is not a catering store."
    template_zh = "仓库 {store} 不是餐饮门店。"


class NoCentralKitchen(RecipesError):
    """A requisition needs the store's central kitchen."""

    code = "recipes.no_central_kitchen"
    http_status = 409
    template_en = "Store {store} has no central kitchen to requisition from."
    template_zh = "门店 {store} 没有设置中央厨房，无法要货。"


class InvalidRecipesInput(RecipesError, ValueError):
    """A recipes setting is out of range."""

    code = "recipes.invalid_input"
    http_status = 422
    template_en = "{field}: {reason}."
    template_zh = "{field}：{reason_zh}。"
