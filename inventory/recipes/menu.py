"""Dishes with their recipes, and the warehouses that are catering stores."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from inventory.commands import checked_qty
from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.models import Item, Warehouse
from inventory.recipes.errors import InvalidRecipesInput, UnknownDish, UnknownStore
from inventory.recipes.models import CateringStore, Dish, RecipeLine
from kernel.errors import Conflict

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Ingredient:
    """One line of a recipe: a SKU and what one portion takes of it."""

    sku: str
    qty_per_portion: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreSetting:
    """How a warehouse works as a catering store."""

    warehouse: str
    central_kitchen: str | None = None
    pool_channel: str | None = None
    timezone: str = "Asia/Shanghai"
    purchase_list_at: str = "04:00"
    lookback_days: int = 7
    base_temperature_c: Decimal = Decimal("20")
    share_per_degree: Decimal = Decimal("0.02")


def dish_by_code(session: Session, code: str) -> Dish:
    """The dish ``code`` of the session's tenant.

    Raises:
        UnknownDish: no such dish.
    """
    row = session.scalar(select(Dish).where(Dish.code == code))
    if row is None:
        raise UnknownDish(dish=code)
    return row


def put_dish(session: Session, tenant_id: int, code: str, name_zh: str, name_en: str,
             ingredients: Sequence[Ingredient], now: datetime, *, is_new: bool) -> Dish:
    """Create the dish ``code`` (``is_new``) or replace its names and whole recipe.

    Raises:
        Conflict: a new dish's code is taken. UnknownDish: the dish to change is missing.
        UnknownItem: an ingredient's SKU does not exist.
        InvalidQuantity: a quantity is not positive with at most 3 decimals.
        InvalidRecipesInput: an ingredient is listed twice.
    """
    skus = [i.sku for i in ingredients]
    if len(set(skus)) != len(skus):
        raise InvalidRecipesInput(field="ingredients", reason="each SKU at most once",
                                  reason_zh="每种配料只能出现一次")
    lines = [(item_by_sku(session, i.sku), checked_qty(i.qty_per_portion)) for i in ingredients]
    row = session.scalar(select(Dish).where(Dish.code == code))
    if is_new and row is not None:
        raise Conflict(kind="dish", kind_zh="菜品", key=code)
    if row is None:
        if not is_new:
            raise UnknownDish(dish=code)
        row = Dish(tenant_id=tenant_id, code=code, created_at=now)
        session.add(row)
    row.name_zh, row.name_en, row.is_active, row.updated_at = name_zh, name_en, True, now
    session.flush()
    session.execute(delete(RecipeLine).where(RecipeLine.dish_id == row.id))
    for item, qty in lines:
        session.add(RecipeLine(tenant_id=tenant_id, dish_id=row.id, item_id=item.id,
                               qty_per_portion=qty))
    session.flush()
    return row


def recipe_of(session: Session, dish: Dish) -> list[tuple[Item, Decimal]]:
    """The dish's ingredients (by SKU) with their quantity per portion."""
    return [(item, qty) for item, qty in session.execute(
        select(Item, RecipeLine.qty_per_portion).join(RecipeLine, RecipeLine.item_id == Item.id)
        .where(RecipeLine.dish_id == dish.id).order_by(Item.sku))]


def dish_view(session: Session, dish: Dish) -> dict[str, Any]:
    """A dish as the API shows it, with its recipe."""
    return {"code": dish.code, "name_zh": dish.name_zh, "name_en": dish.name_en,
            "is_active": dish.is_active,
            "recipe": [{"sku": item.sku, "qty_per_portion": str(qty)}
                       for item, qty in recipe_of(session, dish)]}


def dishes_page(session: Session, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Dishes by code."""
    count = session.scalar(select(func.count()).select_from(Dish)) or 0
    rows = session.scalars(select(Dish).order_by(Dish.code).offset(offset).limit(limit))
    return [dish_view(session, d) for d in rows], count


def _checked(setting: StoreSetting) -> None:
    if not _HHMM.match(setting.purchase_list_at):
        raise InvalidRecipesInput(field="purchase_list_at", reason="must be HH:MM",
                                  reason_zh="格式须为 HH:MM")
    try:
        ZoneInfo(setting.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InvalidRecipesInput(field="timezone", reason="unknown time zone",
                                  reason_zh="未知时区") from exc
    if not 1 <= setting.lookback_days <= 90:
        raise InvalidRecipesInput(field="lookback_days", reason="1 to 90 days",
                                  reason_zh="须为 1 到 90 天")
    if not Decimal(0) <= setting.share_per_degree <= Decimal("0.2"):
        raise InvalidRecipesInput(field="share_per_degree", reason="0 to 0.2 per degree",
                                  reason_zh="每度须在 0 到 0.2 之间")
    if abs(setting.base_temperature_c) > 60:
        raise InvalidRecipesInput(field="base_temperature_c", reason="-60 to 60 °C",
                                  reason_zh="须在 -60 到 60 °C 之间")


def put_store(session: Session, tenant_id: int, setting: StoreSetting,
              now: datetime) -> CateringStore:
    """Make a warehouse a catering store, or change its settings.

    Raises:
        UnknownWarehouse: the store or its central kitchen does not exist.
        InvalidRecipesInput: a setting is out of range, or the kitchen is the store itself.
    """
    _checked(setting)
    warehouse = warehouse_by_code(session, setting.warehouse)
    kitchen = (warehouse_by_code(session, setting.central_kitchen)
               if setting.central_kitchen else None)
    if kitchen is not None and kitchen.id == warehouse.id:
        raise InvalidRecipesInput(field="central_kitchen", reason="must be another warehouse",
                                  reason_zh="须为另一个仓库")
    row = session.scalar(select(CateringStore).where(CateringStore.warehouse_id == warehouse.id))
    if row is None:
        row = CateringStore(tenant_id=tenant_id, warehouse_id=warehouse.id, created_at=now)
        session.add(row)
    row.central_kitchen_id = kitchen.id if kitchen else None
    row.pool_channel = setting.pool_channel
    row.timezone, row.purchase_list_at = setting.timezone, setting.purchase_list_at
    row.lookback_days = setting.lookback_days
    row.base_temperature_c = checked_qty(setting.base_temperature_c, signed=True) \
        if setting.base_temperature_c else Decimal("0.000")
    row.share_per_degree = setting.share_per_degree.quantize(Decimal("0.001"))
    session.flush()
    return row


def store_by_code(session: Session, code: str) -> tuple[CateringStore, Warehouse]:
    """The catering store of warehouse ``code``.

    Raises:
        UnknownWarehouse: no such warehouse. UnknownStore: it is not a catering store.
    """
    warehouse = warehouse_by_code(session, code)
    row = session.scalar(select(CateringStore).where(CateringStore.warehouse_id == warehouse.id))
    if row is None:
        raise UnknownStore(store=code)
    return row, warehouse


def store_view(session: Session, row: CateringStore) -> dict[str, Any]:
    """A store as the API shows it."""
    def code(warehouse_id: int | None) -> str | None:
        return None if warehouse_id is None else session.get_one(Warehouse, warehouse_id).code
    return {"warehouse": code(row.warehouse_id), "central_kitchen": code(row.central_kitchen_id),
            "pool_channel": row.pool_channel, "timezone": row.timezone,
            "purchase_list_at": row.purchase_list_at, "lookback_days": row.lookback_days,
            "base_temperature_c": str(row.base_temperature_c),
            "share_per_degree": str(row.share_per_degree)}


def stores_page(session: Session, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Catering stores by id."""
    count = session.scalar(select(func.count()).select_from(CateringStore)) or 0
    rows = session.scalars(select(CateringStore).order_by(CateringStore.id)
                           .offset(offset).limit(limit))
    return [store_view(session, r) for r in rows], count
