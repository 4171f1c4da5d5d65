"""Tables of the warehouse's own documents: transfers, adjustments, stocktakes, shift snapshots.

Like every document, each header has a number (``no``) unique in its tenant and a
``status`` that only its service moves, by a conditional UPDATE (see :mod:`.runner`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kernel.models import Base, Id, Json
from kernel.tenancy import TenantScoped
from kernel.types import Money, Quantity, UtcDateTime


def _status_check(*statuses: str) -> CheckConstraint:
    return CheckConstraint("status in (" + ",".join(f"'{s}'" for s in statuses) + ")",
                           name="status")


class Transfer(TenantScoped, Base):
    """Goods moving between two warehouses of the tenant (调拨单), via a transit location."""

    __tablename__ = "transfer"
    __table_args__ = (
        UniqueConstraint("tenant_id", "no"),
        _status_check("draft", "in_transit", "received", "returned", "cancelled"),
        CheckConstraint("from_warehouse_id <> to_warehouse_id", name="two_warehouses"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    from_warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    to_warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    #: The source warehouse's transit location, where goods sit while on the road.
    transit_warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouse.id"),
                                                             nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    note: Mapped[str] = mapped_column(Text, default="")
    dispatched_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TransferLine(TenantScoped, Base):
    """One SKU of a transfer, and the lots dispatch took it from."""

    __tablename__ = "transfer_line"
    __table_args__ = (
        UniqueConstraint("transfer_id", "line_no"),
        CheckConstraint("qty > 0", name="qty_positive"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfer.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(Quantity())
    lot_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: ``[[lot_no, qty], …]`` taken at dispatch; receive and return move exactly these.
    lots: Mapped[list[Any]] = mapped_column(Json, default=list)


class Adjustment(TenantScoped, Base):
    """A stock correction (库存调整单): the only change of stock outside another document."""

    __tablename__ = "adjustment"
    __table_args__ = (
        UniqueConstraint("tenant_id", "no"),
        _status_check("draft", "awaiting_approval", "posted", "rejected", "cancelled"),
        CheckConstraint("reason in ('count_gain','count_loss','damaged','expired','lost',"
                        "'found','stocktake','other')", name="reason"),
        CheckConstraint("photo_count >= 1", name="has_photo"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    reason: Mapped[str] = mapped_column(String(20))
    photo_count: Mapped[int] = mapped_column(Integer)
    #: References of the photos (file names or URLs of the evidence store).
    photo_refs: Mapped[list[Any]] = mapped_column(Json, default=list)
    #: The stocktake that produced it, when one did.
    stocktake_no: Mapped[str | None] = mapped_column(String(40), nullable=True)
    is_above_threshold: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(120))
    approved_by: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    posted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AdjustmentLine(TenantScoped, Base):
    """One SKU corrected by a signed quantity (positive adds, negative removes)."""

    __tablename__ = "adjustment_line"
    __table_args__ = (
        UniqueConstraint("adjustment_id", "line_no"),
        CheckConstraint("qty <> 0", name="qty_not_zero"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    adjustment_id: Mapped[int] = mapped_column(ForeignKey("adjustment.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(Quantity())
    unit_cost: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    lot_no: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Stocktake(TenantScoped, Base):
    """A count of a warehouse (盘点单): blind while counting, then variances and adjustments."""

    __tablename__ = "stocktake"
    __table_args__ = (
        UniqueConstraint("tenant_id", "no"),
        _status_check("counting", "closed", "posted", "cancelled"),
        CheckConstraint("scope in ('all','selected','blind_check')", name="scope"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    status: Mapped[str] = mapped_column(String(20), default="counting")
    scope: Mapped[str] = mapped_column(String(20), default="all")
    #: Count-variance rate of the whole count in parts per million, set when posted.
    variance_rate_ppm: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    adjustment_no: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120))
    posted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StocktakeLine(TenantScoped, Base):
    """One SKU to count; ``system_qty`` is never shown to counters."""

    __tablename__ = "stocktake_line"
    __table_args__ = (
        UniqueConstraint("stocktake_id", "line_no"),
        UniqueConstraint("stocktake_id", "item_id"),
        CheckConstraint("counted_qty is null or counted_qty >= 0", name="counted_not_negative"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    stocktake_id: Mapped[int] = mapped_column(ForeignKey("stocktake.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    #: On hand when the stocktake was created (the moment the count stands for).
    system_qty: Mapped[Decimal] = mapped_column(Quantity())
    counted_qty: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    counted_by: Mapped[str] = mapped_column(String(120), default="")
    counted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    #: |system − counted| ÷ system in parts per million, set when posted.
    variance_rate_ppm: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Shift(TenantScoped, Base):
    """A shift of a warehouse (班次), ending every day at ``end_time`` local time."""

    __tablename__ = "shift"
    __table_args__ = (UniqueConstraint("tenant_id", "warehouse_id", "name"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    name: Mapped[str] = mapped_column(String(40))
    #: ``HH:MM`` in ``timezone``.
    end_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(60), default="Asia/Shanghai")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ShiftSnapshot(TenantScoped, Base):
    """The balances of a warehouse at one shift end (交接班快照)."""

    __tablename__ = "shift_snapshot"
    __table_args__ = (UniqueConstraint("shift_id", "shift_end_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    #: The scheduled end this snapshot stands for (unique: a sweep never takes it twice).
    shift_end_at: Mapped[datetime] = mapped_column(UtcDateTime())
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime())
    flagged_count: Mapped[int] = mapped_column(Integer, default=0)


class ShiftSnapshotLine(TenantScoped, Base):
    """One SKU's on-hand at a shift end, flagged when it moved more than ±3 %."""

    __tablename__ = "shift_snapshot_line"
    __table_args__ = (UniqueConstraint("snapshot_id", "item_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("shift_snapshot.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    on_hand: Mapped[Decimal] = mapped_column(Quantity())
    previous_on_hand: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    is_flagged: Mapped[bool] = mapped_column(Boolean, default=False)


class Supplier(TenantScoped, Base):
    """A supplier (供应商); its qualifications must be valid for its orders to be approved."""

    __tablename__ = "supplier"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    #: Why the supplier is frozen (its purchase orders cannot be approved); None if not.
    frozen_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SupplierQualification(TenantScoped, Base):
    """A licence or certificate of a supplier (资质), with its expiry date."""

    __tablename__ = "supplier_qualification"
    __table_args__ = (
        UniqueConstraint("supplier_id", "kind", "number"),
        CheckConstraint("kind in ('business_licence','production_licence','food_licence',"
                        "'quality_certificate','other')", name="kind"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(80))
    expiry_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
