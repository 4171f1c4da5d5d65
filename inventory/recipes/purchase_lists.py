"""Tomorrow's bookings, forecast temperatures, and the purchase list made at 04:00.

:func:`generate_due_purchase_lists` is the scheduled job, run like the shift snapshots:
the embedded worker calls it each round, the procrastinate worker as a periodic task on
PostgreSQL, and a sandbox tenant's clock advance calls it for that tenant on its own
time. Each store's list stands for one scheduled instant (its ``purchase_list_at``, local
time) and one business date, unique per store and date, so two workers or a repeated run
never make it twice. Only the latest due instant is made (a worker down for two days
does not make lists for days gone), and never one scheduled before the store existed.
The formula is :mod:`inventory.recipes.forecast`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory import guarantees
from inventory.models import Item, StockBalance, Warehouse
from inventory.recipes.errors import InvalidRecipesInput
from inventory.recipes.forecast import forecast_covers, needed_qty, to_buy
from inventory.recipes.menu import store_by_code
from inventory.recipes.models import (
    CateringStore,
    DishSale,
    IngredientUse,
    PurchaseList,
    PurchaseListLine,
    TableBooking,
    TemperatureForecast,
)
from kernel.clock import Clock, tenant_now
from kernel.db import Database

_ZERO = Decimal("0.000")


def add_booking(session: Session, tenant_id: int, store_code: str, booking_date: date,
                covers: int, guest: str, now: datetime) -> dict[str, Any]:
    """Book tables for a day, counted in covers.

    Raises:
        UnknownWarehouse, UnknownStore, InvalidRecipesInput (covers out of range).
    """
    if not 1 <= covers <= 10_000:
        raise InvalidRecipesInput(field="covers", reason="1 to 10,000",
                                  reason_zh="须为 1 到 10,000")
    _store, warehouse = store_by_code(session, store_code)
    row = TableBooking(tenant_id=tenant_id, warehouse_id=warehouse.id, booking_date=booking_date,
                       covers=covers, guest=guest, created_at=now)
    session.add(row)
    session.flush()
    return {"id": row.id, "warehouse": warehouse.code, "booking_date": booking_date.isoformat(),
            "covers": covers, "guest": guest}


def record_temperature(session: Session, tenant_id: int, store_code: str, forecast_date: date,
                       temperature_c: Decimal, source: str, now: datetime) -> dict[str, Any]:
    """Record a forecast temperature for a store's day (the latest recorded one counts).

    Raises:
        UnknownWarehouse, UnknownStore, InvalidRecipesInput (outside −60 … 60 °C).
    """
    if abs(temperature_c) > 60 or temperature_c != temperature_c.quantize(Decimal("0.001")):
        raise InvalidRecipesInput(field="temperature_c", reason="-60 to 60 °C, 3 decimals at most",
                                  reason_zh="须在 -60 到 60 °C 之间，最多 3 位小数")
    _store, warehouse = store_by_code(session, store_code)
    row = TemperatureForecast(tenant_id=tenant_id, warehouse_id=warehouse.id,
                              forecast_date=forecast_date, temperature_c=temperature_c,
                              source=source, recorded_at=now)
    session.add(row)
    session.flush()
    return {"id": row.id, "warehouse": warehouse.code, "forecast_date": forecast_date.isoformat(),
            "temperature_c": str(row.temperature_c), "source": source,
            "recorded_at": now.isoformat()}


def bookings_page(session: Session, store: str | None, booking_date: date | None,
                  offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Bookings, by day then id, optionally of one store or day."""
    query = select(TableBooking, Warehouse.code).join(
        Warehouse, Warehouse.id == TableBooking.warehouse_id)
    if store is not None:
        query = query.where(Warehouse.code == store)
    if booking_date is not None:
        query = query.where(TableBooking.booking_date == booking_date)
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(TableBooking.booking_date, TableBooking.id)
                           .offset(offset).limit(limit))
    return [{"id": r.id, "warehouse": code, "booking_date": r.booking_date.isoformat(),
             "covers": r.covers, "guest": r.guest} for r, code in rows], count


def temperatures_page(session: Session, store: str | None, forecast_date: date | None,
                      offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Recorded forecasts, newest first, optionally of one store or day."""
    query = select(TemperatureForecast, Warehouse.code).join(
        Warehouse, Warehouse.id == TemperatureForecast.warehouse_id)
    if store is not None:
        query = query.where(Warehouse.code == store)
    if forecast_date is not None:
        query = query.where(TemperatureForecast.forecast_date == forecast_date)
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(TemperatureForecast.recorded_at.desc(),
                                          TemperatureForecast.id.desc())
                           .offset(offset).limit(limit))
    return [{"id": r.id, "warehouse": code, "forecast_date": r.forecast_date.isoformat(),
             "temperature_c": str(r.temperature_c), "source": r.source,
             "recorded_at": r.recorded_at.isoformat()} for r, code in rows], count


def latest_due(store: CateringStore, now: datetime) -> datetime:
    """The latest scheduled instant of the store's list at or before ``now`` (aware UTC)."""
    local = now.astimezone(ZoneInfo(store.timezone))
    hour, minute = (int(x) for x in store.purchase_list_at.split(":"))
    due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if due > local:
        due -= timedelta(days=1)
    return due.astimezone(UTC)


def _latest_temperature(session: Session, warehouse_id: int, day: date) -> Decimal | None:
    value: Decimal | None = session.scalar(
        select(TemperatureForecast.temperature_c)
        .where(TemperatureForecast.warehouse_id == warehouse_id,
               TemperatureForecast.forecast_date == day)
        .order_by(TemperatureForecast.recorded_at.desc(), TemperatureForecast.id.desc())
        .limit(1))
    return value


def build_list(session: Session, store: CateringStore, scheduled_at: datetime,
               business_day: date, now: datetime) -> PurchaseList:
    """Work out and insert the list of ``business_day`` (flushes; may raise IntegrityError)."""
    wid = store.warehouse_id
    first = business_day - timedelta(days=store.lookback_days + 1)
    last = business_day - timedelta(days=2)  # the last complete day before the 04:00 run
    recent = int(session.scalar(select(func.coalesce(func.sum(DishSale.covers), 0)).where(
        DishSale.warehouse_id == wid, DishSale.business_date >= first,
        DishSale.business_date <= last)) or 0)
    booked = int(session.scalar(select(func.coalesce(func.sum(TableBooking.covers), 0)).where(
        TableBooking.warehouse_id == wid, TableBooking.booking_date == business_day)) or 0)
    temperature = _latest_temperature(session, wid, business_day)
    covers = forecast_covers(booked_covers=booked, recent_covers=recent,
                             lookback_days=store.lookback_days, temperature_c=temperature,
                             base_c=store.base_temperature_c,
                             share_per_degree=store.share_per_degree)
    used = session.execute(
        select(IngredientUse.item_id, func.sum(IngredientUse.qty))
        .where(IngredientUse.warehouse_id == wid, IngredientUse.business_date >= first,
               IngredientUse.business_date <= last)
        .group_by(IngredientUse.item_id).order_by(IngredientUse.item_id)).all()
    inputs = {"booked_covers": covers.booked_covers, "recent_covers": covers.recent_covers,
              "lookback_days": covers.lookback_days,
              "window": [first.isoformat(), last.isoformat()],
              "average_covers": str(covers.average_covers),
              "temperature_c": None if temperature is None else str(temperature),
              "base_temperature_c": str(store.base_temperature_c),
              "share_per_degree": str(store.share_per_degree),
              "weather_factor": str(covers.weather_factor),
              "weather_covers": covers.weather_covers,
              "expected_covers": covers.expected_covers}
    row = PurchaseList(tenant_id=store.tenant_id, no=f"PL-{business_day:%Y%m%d}-{wid}",
                       warehouse_id=wid, business_date=business_day, scheduled_at=scheduled_at,
                       generated_at=now, inputs=inputs)
    session.add(row)
    session.flush()
    for item_id, used_qty in used:
        on_hand = session.scalar(select(StockBalance.on_hand).where(
            StockBalance.item_id == item_id, StockBalance.warehouse_id == wid)) or _ZERO
        needed = needed_qty(covers.expected_covers, used_qty, recent)
        session.add(PurchaseListLine(tenant_id=store.tenant_id, list_id=row.id, item_id=item_id,
                                     used_qty=used_qty, needed_qty=needed, on_hand=on_hand,
                                     to_buy_qty=to_buy(needed, on_hand)))
    session.flush()
    return row


def _generate(session: Session, store: CateringStore, now: datetime) -> bool:
    due = latest_due(store, now)
    if due < store.created_at:
        return False
    local_day = due.astimezone(ZoneInfo(store.timezone)).date()
    business_day = local_day + timedelta(days=1)
    exists = session.scalar(select(PurchaseList.id).where(
        PurchaseList.warehouse_id == store.warehouse_id,
        PurchaseList.business_date == business_day))
    if exists is not None:
        return False
    try:
        with session.begin_nested():
            row = build_list(session, store, due, business_day, now)
    except IntegrityError:  # another worker made it first
        return False
    view = list_view(session, row)
    payload = {"type": "purchase_list.generated", **{k: view[k] for k in (
        "no", "warehouse", "business_date", "expected_covers", "lines")}}
    guarantees.append_event(session, store.tenant_id, guarantees.new_event_id(),
                            "purchase_list.generated", f"purchase_list:{row.no}", payload, now)
    return True


def generate_due_purchase_lists(db: Database, clock: Clock, tenant_id: int | None = None) -> int:
    """Make every store's purchase list that is due on its tenant's clock; returns how many.

    One transaction per store. ``tenant_id`` limits the run to one tenant (a sandbox
    tenant whose clock was just advanced).
    """
    with db.read(None) as session:
        query = select(CateringStore.id, CateringStore.tenant_id).order_by(CateringStore.id)
        if tenant_id is not None:
            query = query.where(CateringStore.tenant_id == tenant_id)
        stores = session.execute(query).all()
    made = 0
    for store_id, store_tenant in stores:
        now = tenant_now(clock, store_tenant)
        with db.write(store_tenant) as session:
            store = session.get(CateringStore, store_id)
            if store is not None and _generate(session, store, now):
                made += 1
    return made


def list_view(session: Session, row: PurchaseList) -> dict[str, Any]:
    """A purchase list with its lines (by SKU) and every input of the formula."""
    lines = session.execute(select(PurchaseListLine, Item.sku)
                            .join(Item, Item.id == PurchaseListLine.item_id)
                            .where(PurchaseListLine.list_id == row.id).order_by(Item.sku)).all()
    return {"no": row.no, "warehouse": session.get_one(Warehouse, row.warehouse_id).code,
            "business_date": row.business_date.isoformat(),
            "scheduled_at": row.scheduled_at.isoformat(),
            "generated_at": row.generated_at.isoformat(),
            "expected_covers": row.inputs["expected_covers"], "inputs": row.inputs,
            "lines": [{"sku": sku, "used_qty": str(line.used_qty),
                       "needed_qty": str(line.needed_qty), "on_hand": str(line.on_hand),
                       "to_buy_qty": str(line.to_buy_qty)} for line, sku in lines]}


def lists_page(session: Session, store: str | None, business_date: date | None, offset: int,
               limit: int) -> tuple[list[dict[str, Any]], int]:
    """Purchase lists, newest business date first."""
    query = select(PurchaseList).join(Warehouse, Warehouse.id == PurchaseList.warehouse_id)
    if store is not None:
        query = query.where(Warehouse.code == store)
    if business_date is not None:
        query = query.where(PurchaseList.business_date == business_date)
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(PurchaseList.business_date.desc(), PurchaseList.id)
                           .offset(offset).limit(limit))
    return [list_view(session, r) for r in rows], count


__all__ = ["add_booking", "bookings_page", "generate_due_purchase_lists", "latest_due",
           "lists_page", "record_temperature", "temperatures_page"]
