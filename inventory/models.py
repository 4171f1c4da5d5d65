"""Tables of the 进销存 core: items, warehouses, bins, lots, balances, ledger, reservations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kernel.models import Base, Id, Json
from kernel.tenancy import TenantScoped
from kernel.types import Money, Quantity, UtcDateTime


class Item(TenantScoped, Base):
    """A stock-keeping unit (商品 / 物料)."""

    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("tenant_id", "sku"),
        Index("ix_item_barcode", "tenant_id", "barcode"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(String(64))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(20))
    barcode: Mapped[str | None] = mapped_column(String(64), nullable=True)
    category: Mapped[str] = mapped_column(String(60), default="")
    #: Shelf life in days for lot-tracked perishables (bakery ingredients); None if not perishable.
    shelf_life_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: Free attributes such as surface treatment (表面处理) or storage condition.
    attributes: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    #: List price (标价) and unit cost (成本价); None until the tenant enters them. Rules read
    #: them as ``item.list_price`` / ``item.cost_price`` and conflicts are judged against them.
    list_price: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    cost_price: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    #: Why the item is frozen (it cannot be reserved or shipped); None while it is not.
    frozen_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Warehouse(TenantScoped, Base):
    """A warehouse, a store, or the transit location of transfers."""

    __tablename__ = "warehouse"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        CheckConstraint("kind in ('warehouse','store','transit')", name="kind"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="warehouse")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Bin(TenantScoped, Base):
    """A place inside a warehouse (货位)."""

    __tablename__ = "bin"
    __table_args__ = (UniqueConstraint("tenant_id", "warehouse_id", "code"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    code: Mapped[str] = mapped_column(String(40))


class Lot(TenantScoped, Base):
    """A batch of one item. Stock received without a lot number sits in the item's '' lot."""

    __tablename__ = "lot"
    __table_args__ = (UniqueConstraint("tenant_id", "item_id", "lot_no"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    lot_no: Mapped[str] = mapped_column(String(64))
    expiry_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    storage_condition: Mapped[str] = mapped_column(String(60), default="")


class StockBalance(TenantScoped, Base):
    """On-hand and reserved quantity of one item in one warehouse.

    Invariant, held by the database itself: ``0 <= reserved <= on_hand``.
    ``available = on_hand - reserved``. Only :mod:`inventory.guarantees` writes it.
    """

    __tablename__ = "stock_balance"
    __table_args__ = (
        UniqueConstraint("tenant_id", "item_id", "warehouse_id"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("on_hand >= reserved", name="reserved_within_on_hand"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    on_hand: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    reserved: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))


class LotBalance(TenantScoped, Base):
    """On-hand quantity of one lot of an item in one warehouse; sums to the stock balance."""

    __tablename__ = "lot_balance"
    __table_args__ = (
        UniqueConstraint("tenant_id", "item_id", "warehouse_id", "lot_id"),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    on_hand: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))


class LedgerEntry(TenantScoped, Base):
    """One movement (库存流水). Append-only: nothing updates or deletes a ledger row.

    ``bucket`` says which number moved: ``on_hand`` (goods in/out) or ``reserved``
    (holds placed/released), so both balances can be rebuilt from the ledger alone.
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (
        Index("ix_ledger_entry_item_wh", "tenant_id", "item_id", "warehouse_id", "id"),
        Index("ix_ledger_entry_event", "event_id"),
        CheckConstraint("bucket in ('on_hand','reserved')", name="bucket"),
        CheckConstraint("qty <> 0", name="qty_not_zero"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    bin_id: Mapped[int | None] = mapped_column(ForeignKey("bin.id"), nullable=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), nullable=True)
    bucket: Mapped[str] = mapped_column(String(10), default="on_hand")
    #: Signed: positive in, negative out.
    qty: Mapped[Decimal] = mapped_column(Quantity())
    #: receipt, shipment, transfer_out, transfer_in, adjustment, reserve, release, expire, consume
    reason: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    document_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    document_ref: Mapped[str | None] = mapped_column(String(80), nullable=True)
    #: The domain event this movement raised (outbox ``event_id``).
    event_id: Mapped[str] = mapped_column(String(36))
    #: Provenance filled by the engine: the event, rule version and node that caused it.
    cause_event_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    rule_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rule_node: Mapped[str | None] = mapped_column(String(240), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    actor: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Reservation(TenantScoped, Base):
    """A hold on available stock (预占), e.g. a deposit order's 2-hour lock."""

    __tablename__ = "reservation"
    __table_args__ = (
        Index("ix_reservation_expiry", "tenant_id", "item_id", "warehouse_id", "status",
              "expires_at"),
        Index("ix_reservation_sweep", "status", "expires_at"),
        CheckConstraint("status in ('active','released','consumed','expired')", name="status"),
        CheckConstraint("qty >= 0", name="qty_not_negative"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    #: What is still held; shipments consume it down to zero.
    qty: Mapped[Decimal] = mapped_column(Quantity())
    original_qty: Mapped[Decimal] = mapped_column(Quantity())
    status: Mapped[str] = mapped_column(String(10), default="active")
    document_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    document_ref: Mapped[str | None] = mapped_column(String(80), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
