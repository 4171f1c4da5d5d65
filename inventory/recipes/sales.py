"""Dish sales consume ingredients by recipe; waste records throw ingredients away.

Both are documents: every ingredient leaves through the core's ship command with the
document as its reference (``dish_sale`` / ``waste_record`` and the number), so each
ledger row names the sale or the waste record it belongs to. Dine-in, delivery and
group-meal sales of a store all take from ONE channel pool — the store's
``pool_channel`` — through the same conditional take a sales order uses
(:func:`inventory.planning.pools.take_for_order`); a short pool refuses the whole sale.

Lock order: balances in ascending item id (one ship per ingredient, sorted), then the
pool lines (also ascending item id), as a sales order's confirm does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inventory import guarantees, movements
from inventory.commands import CommandContext, DocumentRef, ShipStock, checked_qty
from inventory.documents.runner import find, insert_header
from inventory.lookup import item_by_sku
from inventory.models import Item, Warehouse
from inventory.planning.pools import take_for_order
from inventory.recipes.errors import DishWithoutRecipe, InvalidRecipesInput
from inventory.recipes.forecast import loss_rate
from inventory.recipes.menu import dish_by_code, recipe_of, store_by_code
from inventory.recipes.models import CateringStore, DishSale, IngredientUse, WasteRecord

_ZERO = Decimal("0.000")


class SaleChannel(StrEnum):
    """Where a dish sale came from; all of a store's channels share its one pool."""

    DINE_IN = "dine_in"  # 堂食
    DELIVERY = "delivery"  # 外卖
    GROUP_MEAL = "group_meal"  # 团餐


@dataclass(frozen=True, slots=True, kw_only=True)
class SaleLine:
    """Portions of one dish (whole portions: a half portion is a dish of its own)."""

    dish: str
    portions: int


@dataclass(frozen=True, slots=True, kw_only=True)
class NewDishSale:
    """A POS or channel order of dishes."""

    store: str
    channel: SaleChannel
    covers: int
    lines: Sequence[SaleLine]
    no: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WasteLine:
    """An ingredient thrown away."""

    sku: str
    qty: Decimal


def business_date(store: CateringStore, now: datetime) -> date:
    """The store's local date at ``now``."""
    return now.astimezone(ZoneInfo(store.timezone)).date()


def ingredients_of(session: Session, lines: Sequence[SaleLine]
                   ) -> list[tuple[Item, Decimal]]:
    """What the lines take by recipe, summed per ingredient, in ascending item id.

    Raises:
        UnknownDish, DishWithoutRecipe, InvalidRecipesInput (portions out of range).
    """
    need: dict[int, tuple[Item, Decimal]] = {}
    for line in lines:
        if not 1 <= line.portions <= 10_000:
            raise InvalidRecipesInput(field="portions", reason="1 to 10,000 whole portions",
                                      reason_zh="须为 1 到 10,000 份")
        dish = dish_by_code(session, line.dish)
        recipe = recipe_of(session, dish)
        if not recipe:
            raise DishWithoutRecipe(dish=dish.code)
        for item, per_portion in recipe:
            held = need.get(item.id, (item, _ZERO))[1]
            need[item.id] = (item, held + per_portion * line.portions)
    return [need[i] for i in sorted(need)]


def _use(session: Session, ctx: CommandContext, warehouse: Warehouse, item: Item, qty: Decimal,
         day: date, kind: str, document: DocumentRef, now: datetime) -> None:
    movements.ship(session, ctx, ShipStock(sku=item.sku, warehouse=warehouse.code, qty=qty,
                                           document=document,
                                           note=f"{kind}: {document.ref}"), now)
    session.add(IngredientUse(tenant_id=ctx.tenant_id, warehouse_id=warehouse.id,
                              item_id=item.id, business_date=day, kind=kind,
                              document_type=document.type, document_no=document.ref, qty=qty))


def record_sale(session: Session, ctx: CommandContext, sale: NewDishSale,
                now: datetime) -> dict[str, Any]:
    """Record a dish sale and consume its ingredients by recipe, all or nothing.

    Raises:
        UnknownWarehouse, UnknownStore, UnknownDish, DishWithoutRecipe, InvalidRecipesInput,
        InsufficientStock (names SKU, store, available, requested),
        ChannelPaused, PoolShort (the store's shared pool), DuplicateDocument.
    """
    if not sale.lines:
        raise InvalidRecipesInput(field="lines", reason="a sale needs at least one dish",
                                  reason_zh="点单至少需要一道菜")
    if not 0 <= sale.covers <= 10_000:
        raise InvalidRecipesInput(field="covers", reason="0 to 10,000",
                                  reason_zh="须为 0 到 10,000")
    store, warehouse = store_by_code(session, sale.store)
    needs = ingredients_of(session, sale.lines)
    day = business_date(store, now)
    row = DishSale(tenant_id=ctx.tenant_id, warehouse_id=warehouse.id,
                   channel=SaleChannel(sale.channel).value, covers=sale.covers,
                   business_date=day, sold_at=now, actor=ctx.actor, status="posted",
                   updated_at=now,
                   lines=[{"dish": x.dish, "portions": str(x.portions)} for x in sale.lines])
    insert_header(session, row, "dish_sale", "DS", sale.no, now)
    document = DocumentRef(type="dish_sale", ref=row.no)
    for item, qty in needs:
        _use(session, ctx, warehouse, item, qty, day, "sale", document, now)
    pool = (take_for_order(session, ctx.tenant_id, store.pool_channel, row.no, warehouse, needs,
                           now) if store.pool_channel else [])
    session.flush()
    view = sale_view(row, warehouse.code, needs, pool)
    payload = {"type": "dish_sale.recorded", **{k: view[k] for k in (
        "no", "warehouse", "channel", "covers", "business_date", "lines", "ingredients")},
        "actor": ctx.actor}
    guarantees.append_event(session, ctx.tenant_id, guarantees.new_event_id(),
                            "dish_sale.recorded", f"dish_sale:{row.no}", payload, now)
    return view


def sale_view(row: DishSale, warehouse: str, needs: Sequence[tuple[Item, Decimal]],
              pool: Sequence[dict[str, str]] = ()) -> dict[str, Any]:
    """A dish sale as the API shows it."""
    return {"no": row.no, "warehouse": warehouse, "channel": row.channel, "covers": row.covers,
            "business_date": row.business_date.isoformat(), "sold_at": row.sold_at.isoformat(),
            "lines": row.lines,
            "ingredients": [{"sku": item.sku, "qty": str(qty)} for item, qty in needs],
            "pool_taken": list(pool)}


def get_sale(session: Session, no: str) -> dict[str, Any]:
    """One dish sale with what it consumed (from its ingredient rows)."""
    row = find(session, DishSale, "dish_sale", no)
    used = session.execute(
        select(Item, IngredientUse.qty).join(IngredientUse, IngredientUse.item_id == Item.id)
        .where(IngredientUse.document_type == "dish_sale", IngredientUse.document_no == no)
        .order_by(Item.id)).all()
    return sale_view(row, session.get_one(Warehouse, row.warehouse_id).code,
                     [(item, qty) for item, qty in used])


def sales_page(session: Session, store: str | None, channel: str | None, offset: int,
               limit: int) -> tuple[list[dict[str, Any]], int]:
    """Dish sales, newest first, optionally of one store or channel."""
    query = select(DishSale, Warehouse.code).join(Warehouse, Warehouse.id == DishSale.warehouse_id)
    if store is not None:
        query = query.where(Warehouse.code == store)
    if channel is not None:
        query = query.where(DishSale.channel == channel)
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(DishSale.id.desc()).offset(offset).limit(limit))
    return [sale_view(r, code, ()) for r, code in rows], count


def record_waste(session: Session, ctx: CommandContext, store_code: str, reason: str,
                 lines: Sequence[WasteLine], no: str | None, now: datetime) -> dict[str, Any]:
    """Throw ingredients away (报损) through the ledger; returns the day's loss rate per SKU.

    Raises:
        UnknownWarehouse, UnknownStore, UnknownItem, InvalidQuantity, InsufficientStock,
        InvalidRecipesInput, DuplicateDocument.
    """
    if not lines or not reason.strip():
        raise InvalidRecipesInput(field="lines" if not lines else "reason",
                                  reason="a waste record needs lines and a reason",
                                  reason_zh="报损须有明细和原因")
    store, warehouse = store_by_code(session, store_code)
    day = business_date(store, now)
    wanted: dict[int, tuple[Item, Decimal]] = {}
    for line in lines:
        item = item_by_sku(session, line.sku)
        wanted[item.id] = (item, wanted.get(item.id, (item, _ZERO))[1] + checked_qty(line.qty))
    row = WasteRecord(tenant_id=ctx.tenant_id, warehouse_id=warehouse.id, business_date=day,
                      reason=reason, recorded_at=now, actor=ctx.actor, status="posted",
                      updated_at=now)
    insert_header(session, row, "waste_record", "WS", no, now)
    document = DocumentRef(type="waste_record", ref=row.no)
    for item_id in sorted(wanted):
        item, qty = wanted[item_id]
        _use(session, ctx, warehouse, item, qty, day, "waste", document, now)
    session.flush()
    rates = daily_use(session, warehouse.id, day, day, [i for i in sorted(wanted)])
    out_lines = [{"sku": r["sku"], "qty": str(wanted[r["item_id"]][1]),
                  "consumed_qty": r["consumed_qty"], "wasted_qty": r["wasted_qty"],
                  "loss_rate": r["loss_rate"]} for r in rates]
    known = [Decimal(x["loss_rate"]) for x in out_lines if x["loss_rate"] is not None]
    view = {"no": row.no, "warehouse": warehouse.code, "business_date": day.isoformat(),
            "reason": reason, "lines": out_lines,
            "max_loss_rate": str(max(known)) if known else None}
    guarantees.append_event(session, ctx.tenant_id, guarantees.new_event_id(),
                            "waste_record.recorded", f"waste_record:{row.no}",
                            {"type": "waste_record.recorded", **view, "actor": ctx.actor}, now)
    return view


def daily_use(session: Session, warehouse_id: int | None, date_from: date | None,
              date_to: date | None, item_ids: Sequence[int] | None = None
              ) -> list[dict[str, Any]]:
    """Per store, day and SKU: consumed by recipe, wasted, and the loss rate (wasted ÷
    consumed); ``None`` filters are left out."""
    query = (select(Warehouse.code, IngredientUse.business_date, IngredientUse.item_id,
                    Item.sku, IngredientUse.kind, func.sum(IngredientUse.qty))
             .join(Item, Item.id == IngredientUse.item_id)
             .join(Warehouse, Warehouse.id == IngredientUse.warehouse_id)
             .group_by(Warehouse.code, IngredientUse.business_date, IngredientUse.item_id,
                       Item.sku, IngredientUse.kind))
    if warehouse_id is not None:
        query = query.where(IngredientUse.warehouse_id == warehouse_id)
    if date_from is not None:
        query = query.where(IngredientUse.business_date >= date_from)
    if date_to is not None:
        query = query.where(IngredientUse.business_date <= date_to)
    if item_ids is not None:
        query = query.where(IngredientUse.item_id.in_(item_ids))
    days: dict[tuple[str, date, str], dict[str, Any]] = {}
    for store, day, item_id, sku, kind, total in session.execute(query):
        entry = days.setdefault((store, day, sku), {
            "warehouse": store, "business_date": day.isoformat(), "sku": sku,
            "item_id": item_id, "sale": _ZERO, "waste": _ZERO})
        entry[kind] = total
    out = []
    for key in sorted(days):
        e = days[key]
        rate = loss_rate(e["waste"], e["sale"])
        out.append({"warehouse": e["warehouse"], "business_date": e["business_date"],
                    "sku": e["sku"], "item_id": e["item_id"], "consumed_qty": str(e["sale"]),
                    "wasted_qty": str(e["waste"]),
                    "loss_rate": None if rate is None else str(rate)})
    return out


def loss_rates(session: Session, store_code: str | None, date_from: date | None,
               date_to: date | None) -> list[dict[str, Any]]:
    """The daily loss rate per store and SKU, optionally of one store and between two days.

    Raises:
        UnknownWarehouse, UnknownStore, InvalidRecipesInput (``date_to`` before ``date_from``).
    """
    if date_from is not None and date_to is not None and date_to < date_from:
        raise InvalidRecipesInput(field="date_to", reason="on or after date_from",
                                  reason_zh="须不早于起始日期")
    warehouse_id = store_by_code(session, store_code)[1].id if store_code else None
    return [{k: v for k, v in r.items() if k != "item_id"}
            for r in daily_use(session, warehouse_id, date_from, date_to)]
