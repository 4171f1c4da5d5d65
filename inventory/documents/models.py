"""Tables of business documents: customers, orders, receipts, shipments, returns.

Every document has a number (``no``) unique in its tenant and a ``status`` that only
the document services change, by a conditional UPDATE (see :mod:`.runner`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
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

from kernel.models import Base, Id
from kernel.tenancy import TenantScoped
from kernel.types import Money, Quantity, UtcDateTime

_ZERO = Decimal("0.000")


def _status_check(*statuses: str) -> CheckConstraint:
    return CheckConstraint("status in (" + ",".join(f"'{s}'" for s in statuses) + ")",
                           name="status")


class Customer(TenantScoped, Base):
    """A customer; a frozen one cannot get an order confirmed."""

    __tablename__ = "customer"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),
                      CheckConstraint("level in ('normal','vip','key_account')", name="level"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    #: normal, vip or key_account; rules read it as ``customer.level``.
    level: Mapped[str] = mapped_column(String(20), default="normal", server_default="normal")
    is_frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    frozen_reason: Mapped[str] = mapped_column(Text, default="")
    frozen_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WarehouseConfirmation(TenantScoped, Base):
    """A warehouse's shipment confirmation code (出库确认码), stored as an argon2 hash."""

    __tablename__ = "warehouse_confirmation"
    __table_args__ = (UniqueConstraint("tenant_id", "warehouse_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    code_hash: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SalesOrder(TenantScoped, Base):
    """A customer's order (销售单)."""

    __tablename__ = "sales_order"
    __table_args__ = (
        UniqueConstraint("tenant_id", "no"),
        _status_check("draft", "confirmed", "partially_shipped", "shipped", "closed",
                      "cancelled"),
        CheckConstraint("deposit_amount >= 0", name="deposit_not_negative"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    #: A deposit (定金) above zero makes the order's holds expire after ``hold_seconds``.
    deposit_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    hold_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: The sales channel's code; its pool in the warehouse (if any) supplies the order.
    channel: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SalesOrderLine(TenantScoped, Base):
    """One SKU of a sales order, with its reservation and what has shipped and come back."""

    __tablename__ = "sales_order_line"
    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("shipped_qty >= 0 and shipped_qty <= qty", name="shipped_within_qty"),
        CheckConstraint("returned_qty >= 0 and returned_qty <= shipped_qty",
                        name="returned_within_shipped"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    reservation_id: Mapped[str | None] = mapped_column(ForeignKey("reservation.id"),
                                                       nullable=True)
    shipped_qty: Mapped[Decimal] = mapped_column(Quantity(), default=_ZERO)
    returned_qty: Mapped[Decimal] = mapped_column(Quantity(), default=_ZERO)


class PurchaseOrder(TenantScoped, Base):
    """An order to a supplier (采购单)."""

    __tablename__ = "purchase_order"
    __table_args__ = (
        UniqueConstraint("tenant_id", "no"),
        _status_check("draft", "approved", "partially_received", "received", "closed",
                      "cancelled"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    supplier: Mapped[str] = mapped_column(String(200))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PurchaseOrderLine(TenantScoped, Base):
    """One SKU of a purchase order and how much of it has been put away."""

    __tablename__ = "purchase_order_line"
    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("received_qty >= 0 and received_qty <= qty", name="received_within_qty"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    received_qty: Mapped[Decimal] = mapped_column(Quantity(), default=_ZERO)


class Receipt(TenantScoped, Base):
    """Goods arriving against a purchase order (入库单), with their inspection."""

    __tablename__ = "receipt"
    __table_args__ = (
        UniqueConstraint("tenant_id", "no"),
        _status_check("draft", "inspected", "frozen", "put_away", "cancelled"),
        CheckConstraint("photo_count >= 0", name="photo_count_not_negative"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    is_scanned: Mapped[bool] = mapped_column(Boolean, default=False)
    photo_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Weights in kilograms, kept like quantities (3 decimals, exact).
    measured_weight_kg: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    expected_weight_kg: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    weight_tolerance_pct: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    frozen_reason: Mapped[str] = mapped_column(Text, default="")
    released_by: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReceiptLine(TenantScoped, Base):
    """One SKU of a receipt, with its lot."""

    __tablename__ = "receipt_line"
    __table_args__ = (
        UniqueConstraint("receipt_id", "line_no"),
        CheckConstraint("qty > 0", name="qty_positive"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipt.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("purchase_order_line.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(Quantity())
    lot_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    expiry_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class Shipment(TenantScoped, Base):
    """Goods leaving for a sales order (出库单)."""

    __tablename__ = "shipment"
    __table_args__ = (
        UniqueConstraint("tenant_id", "no"),
        _status_check("draft", "picked", "packed", "shipped", "cancelled"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    sales_order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    carrier: Mapped[str] = mapped_column(String(80), default="")
    tracking_no: Mapped[str] = mapped_column(String(80), default="")
    shipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ShipmentLine(TenantScoped, Base):
    """One sales order line (or part of it) on a shipment."""

    __tablename__ = "shipment_line"
    __table_args__ = (
        UniqueConstraint("shipment_id", "line_no"),
        CheckConstraint("qty > 0", name="qty_positive"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("sales_order_line.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(Quantity())


class SalesReturn(TenantScoped, Base):
    """Goods a customer sends back (退货单)."""

    __tablename__ = "sales_return"
    __table_args__ = (
        UniqueConstraint("tenant_id", "no"),
        _status_check("draft", "posted", "cancelled"),
        CheckConstraint("reason in ('damaged','mismatch','late','other')", name="reason"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    sales_order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SalesReturnLine(TenantScoped, Base):
    """One original sales order line coming back."""

    __tablename__ = "sales_return_line"
    __table_args__ = (
        UniqueConstraint("return_id", "line_no"),
        CheckConstraint("qty > 0", name="qty_positive"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("sales_return.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("sales_order_line.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(Quantity())
    lot_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
