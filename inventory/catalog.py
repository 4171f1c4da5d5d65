"""Master data: items, warehouses, bins."""

from __future__ import annotations

from decimal import Decimal

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory.lookup import item_by_sku, warehouse_by_code
from inventory.models import Bin, Item, Warehouse
from kernel.errors import Conflict


@dataclass(frozen=True, slots=True, kw_only=True)
class NewItem:
    """What it takes to create an item."""

    sku: str
    name_zh: str
    name_en: str = ""
    unit: str = "件"
    barcode: str | None = None
    category: str = ""
    shelf_life_days: int | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    list_price: Decimal | None = None
    cost_price: Decimal | None = None


def _insert_or_conflict(session: Session, row: Any, kind: str, kind_zh: str, key: str) -> None:
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(kind=kind, kind_zh=kind_zh, key=key) from exc


def create_item(session: Session, tenant_id: int, new: NewItem, now: datetime) -> Item:
    """Create an item.

    Raises:
        Conflict: the SKU exists in this tenant.
    """
    item = Item(tenant_id=tenant_id, sku=new.sku, name_zh=new.name_zh, name_en=new.name_en,
                unit=new.unit, barcode=new.barcode, category=new.category,
                shelf_life_days=new.shelf_life_days, attributes=dict(new.attributes),
                list_price=new.list_price, cost_price=new.cost_price, created_at=now)
    _insert_or_conflict(session, item, "item", "商品", new.sku)
    return item


def create_warehouse(session: Session, tenant_id: int, code: str, name_zh: str, name_en: str,
                     kind: str, now: datetime) -> Warehouse:
    """Create a warehouse, store or transit location.

    Raises:
        Conflict: the code exists in this tenant.
    """
    warehouse = Warehouse(tenant_id=tenant_id, code=code, name_zh=name_zh, name_en=name_en,
                          kind=kind, created_at=now)
    _insert_or_conflict(session, warehouse, "warehouse", "仓库", code)
    return warehouse


def create_bin(session: Session, tenant_id: int, warehouse_code: str, code: str) -> Bin:
    """Create a bin in a warehouse.

    Raises:
        UnknownWarehouse: no such warehouse.
        Conflict: the bin exists in that warehouse.
    """
    warehouse = warehouse_by_code(session, warehouse_code)
    row = Bin(tenant_id=tenant_id, warehouse_id=warehouse.id, code=code)
    _insert_or_conflict(session, row, "bin", "货位", f"{warehouse_code}/{code}")
    return row


def list_items(session: Session, *, q: str | None, offset: int, limit: int
               ) -> tuple[list[Item], int]:
    """Items of the tenant, optionally filtered by SKU, name or barcode."""
    stmt = select(Item)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(Item.sku.ilike(like) | Item.name_zh.ilike(like)
                          | Item.name_en.ilike(like) | (Item.barcode == q))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Item.sku).offset(offset).limit(limit)).all()
    return list(rows), total


def get_item(session: Session, sku: str) -> Item:
    """One item by SKU.

    Raises:
        UnknownItem: no such SKU in the tenant.
    """
    return item_by_sku(session, sku)


def list_warehouses(session: Session) -> list[Warehouse]:
    """All warehouses of the tenant."""
    return list(session.scalars(select(Warehouse).order_by(Warehouse.code)).all())


def get_warehouse(session: Session, code: str) -> Warehouse:
    """One warehouse by code.

    Raises:
        UnknownWarehouse: no such code in the tenant.
    """
    return warehouse_by_code(session, code)


def list_bins(session: Session, warehouse_code: str) -> list[Bin]:
    """Bins of a warehouse.

    Raises:
        UnknownWarehouse: no such code in the tenant.
    """
    warehouse = warehouse_by_code(session, warehouse_code)
    return list(session.scalars(select(Bin).where(Bin.warehouse_id == warehouse.id)
                                .order_by(Bin.code)).all())
