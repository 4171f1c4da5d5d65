"""Resolving the names users type (SKU, warehouse code, lot number) to rows of their tenant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from inventory.errors import UnknownItem, UnknownLot, UnknownWarehouse
from inventory.models import Bin, Item, Lot, StockBalance, Warehouse
from kernel.db import dialect_insert
from kernel.errors import NotFound


@dataclass(frozen=True, slots=True)
class ItemRef:
    """An item as a hot path knows it: its id and SKU (both never change)."""

    id: int
    sku: str


@dataclass(frozen=True, slots=True)
class WarehouseRef:
    """A warehouse as a hot path knows it: its id and code (both never change)."""

    id: int
    code: str


@dataclass(frozen=True, slots=True)
class LotRef:
    """A lot as a hot path knows it: its id and number."""

    id: int
    lot_no: str


def item_by_sku(session: Session, sku: str) -> Item:
    """The item with ``sku`` in the session's tenant.

    Raises:
        UnknownItem: no such SKU.
    """
    item = session.scalar(select(Item).where(Item.sku == sku))
    if item is None:
        raise UnknownItem(sku=sku)
    return item


def warehouse_by_code(session: Session, code: str) -> Warehouse:
    """The warehouse with ``code`` in the session's tenant.

    Raises:
        UnknownWarehouse: no such warehouse.
    """
    warehouse = session.scalar(select(Warehouse).where(Warehouse.code == code))
    if warehouse is None:
        raise UnknownWarehouse(warehouse=code)
    return warehouse


def bin_by_code(session: Session, warehouse: Warehouse, code: str) -> Bin:
    """A bin inside ``warehouse``.

    Raises:
        NotFound: no such bin in that warehouse.
    """
    found = session.scalar(select(Bin).where(Bin.warehouse_id == warehouse.id, Bin.code == code))
    if found is None:
        raise NotFound(kind="bin", kind_zh="货位", key=f"{warehouse.code}/{code}")
    return found


def existing_lot(session: Session, item: Item, lot_no: str) -> Lot:
    """A lot that must already exist (shipping or transferring from it).

    Raises:
        UnknownLot: the item has no such lot.
    """
    lot = session.scalar(select(Lot).where(Lot.item_id == item.id, Lot.lot_no == lot_no))
    if lot is None:
        raise UnknownLot(sku=item.sku, lot_no=lot_no)
    return lot


def lot_for_receipt(session: Session, tenant_id: int, item: Item, lot_no: str | None,
                    expiry_date: date | None, today: date) -> Lot:
    """The lot goods are received into, created on first use.

    No lot number means the item's untracked lot ``''``. A new lot of a perishable item
    without an expiry date gets ``today + shelf_life_days``.
    """
    number = lot_no or ""
    if expiry_date is None and number and item.shelf_life_days:
        expiry_date = today + timedelta(days=item.shelf_life_days)
    session.execute(dialect_insert(session, Lot.__table__).values(
        tenant_id=tenant_id, item_id=item.id, lot_no=number, expiry_date=expiry_date,
        storage_condition=str(item.attributes.get("storage_condition", "")),
    ).on_conflict_do_nothing(index_elements=["tenant_id", "item_id", "lot_no"]))
    return existing_lot(session, item, number)


def balance_row(session: Session, item_id: int, warehouse_id: int) -> StockBalance | None:
    """The current balance row of (item, warehouse), fresh from the database."""
    return session.scalar(
        select(StockBalance)
        .where(StockBalance.item_id == item_id, StockBalance.warehouse_id == warehouse_id)
        .execution_options(populate_existing=True))
