"""Tables of planning: channel stock pools, their rebalance reports, supplier invoices with
three-way match, and replenishment policies and suggestions.

Quantities are thousandths (``Quantity``), money cents (``Money``), like the rest of the core.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
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

_ZERO = Decimal("0.000")


class SalesChannel(TenantScoped, Base):
    """A sales channel (online shop, delivery platform, store…); a paused one sells nothing."""

    __tablename__ = "sales_channel"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    is_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Why it is paused; "rebalance:<run id>" when a rebalance run paused it.
    paused_reason: Mapped[str] = mapped_column(Text, default="")
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ChannelPool(TenantScoped, Base):
    """What one channel may sell of one SKU in one warehouse (渠道库存池 line)."""

    __tablename__ = "channel_pool"
    __table_args__ = (
        UniqueConstraint("channel_id", "warehouse_id", "item_id"),
        CheckConstraint("qty >= 0", name="qty_not_negative"),
        CheckConstraint("threshold_qty >= 0", name="threshold_not_negative"),
        CheckConstraint("target_qty is null or target_qty >= 0", name="target_not_negative"),
        CheckConstraint("target_share_pct is null or (target_share_pct >= 0 "
                        "and target_share_pct <= 100000)", name="share_within_100"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("sales_channel.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    #: What the pool holds now; orders of the channel take from it.
    qty: Mapped[Decimal] = mapped_column(Quantity(), default=_ZERO)
    #: The quantity a rebalance aims for, or (when None) ``target_share_pct`` of available.
    target_qty: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    target_share_pct: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    #: Below this after a rebalance, the channel pauses and a replenishment task opens.
    threshold_qty: Mapped[Decimal] = mapped_column(Quantity(), default=_ZERO)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ChannelPoolEntry(TenantScoped, Base):
    """One change of a pool (append-only): an order's take, a cancel's give-back, a rebalance."""

    __tablename__ = "channel_pool_entry"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("channel_pool.id"), index=True)
    #: Signed: positive into the pool.
    qty: Mapped[Decimal] = mapped_column(Quantity())
    #: order, cancel, rebalance
    reason: Mapped[str] = mapped_column(String(20))
    document_ref: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("pool_rebalance_run.id"),
                                               nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PoolRebalanceRun(TenantScoped, Base):
    """One rebalance run (scheduled every 15 minutes, or asked for); its lines are the report."""

    __tablename__ = "pool_rebalance_run"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    ran_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    changed_count: Mapped[int] = mapped_column(Integer, default=0)
    paused_channels: Mapped[list[str]] = mapped_column(Json, default=list)
    task_count: Mapped[int] = mapped_column(Integer, default=0)


class PoolRebalanceLine(TenantScoped, Base):
    """One pool's difference in one run."""

    __tablename__ = "pool_rebalance_line"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pool_rebalance_run.id"), index=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("channel_pool.id"))
    #: Central available (on hand − reserved) of the SKU in the warehouse.
    available: Mapped[Decimal] = mapped_column(Quantity())
    #: Available minus what every pool of the SKU held before the run.
    distributable: Mapped[Decimal] = mapped_column(Quantity())
    target: Mapped[Decimal] = mapped_column(Quantity())
    qty_before: Mapped[Decimal] = mapped_column(Quantity())
    qty_after: Mapped[Decimal] = mapped_column(Quantity())
    is_below_threshold: Mapped[bool] = mapped_column(Boolean, default=False)


class ReplenishmentTask(TenantScoped, Base):
    """A pool below its threshold: someone must bring stock (open until done)."""

    __tablename__ = "replenishment_task"
    __table_args__ = (CheckConstraint("status in ('open','done')", name="status"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("channel_pool.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pool_rebalance_run.id"))
    #: What the pool needs to reach its target (target − held when the task was opened).
    short_qty: Mapped[Decimal] = mapped_column(Quantity())
    status: Mapped[str] = mapped_column(String(10), default="open")
    #: Who is to bring the stock: ``role:purchasing`` unless the tenant says otherwise.
    assignee: Mapped[str] = mapped_column(String(120), default="role:purchasing")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class SupplierInvoice(TenantScoped, Base):
    """A supplier's invoice (供应商发票) against a purchase order."""

    __tablename__ = "supplier_invoice"
    __table_args__ = (
        UniqueConstraint("tenant_id", "no"),
        CheckConstraint("status in ('recorded','matched','mismatched')", name="status"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id"), index=True)
    invoiced_at: Mapped[datetime] = mapped_column(UtcDateTime())
    total_amount: Mapped[Decimal] = mapped_column(Money())
    status: Mapped[str] = mapped_column(String(12), default="recorded")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SupplierInvoiceLine(TenantScoped, Base):
    """The amount a supplier bills for one purchase order line."""

    __tablename__ = "supplier_invoice_line"
    __table_args__ = (UniqueConstraint("invoice_id", "line_no"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("supplier_invoice.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("purchase_order_line.id"))
    qty: Mapped[Decimal] = mapped_column(Quantity())
    amount: Mapped[Decimal] = mapped_column(Money())


class ThreeWayMatch(TenantScoped, Base):
    """One check of an invoice against its order and receipts, with every reason it failed."""

    __tablename__ = "three_way_match"
    __table_args__ = (CheckConstraint("outcome in ('matched','mismatched')", name="outcome"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("supplier_invoice.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(12))
    tolerance: Mapped[Decimal] = mapped_column(Money())
    #: [{check, line_no, subject, expected, actual, message_en, message_zh}, …]
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PayableVoucher(TenantScoped, Base):
    """What the company owes on a matched invoice (应付凭证); tax-trusted when three-way matched."""

    __tablename__ = "payable_voucher"
    __table_args__ = (UniqueConstraint("tenant_id", "no"), UniqueConstraint("invoice_id"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    #: ``PV-<invoice no>``.
    no: Mapped[str] = mapped_column(String(48))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("supplier_invoice.id"))
    match_id: Mapped[int] = mapped_column(ForeignKey("three_way_match.id"))
    amount: Mapped[Decimal] = mapped_column(Money())
    is_tax_trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReplenishmentPolicy(TenantScoped, Base):
    """Safety stock and reorder point of one SKU in one warehouse, typed in or computed."""

    __tablename__ = "replenishment_policy"
    __table_args__ = (
        UniqueConstraint("item_id", "warehouse_id"),
        CheckConstraint("mode in ('static','computed')", name="mode"),
        CheckConstraint("lead_time_days > 0", name="lead_time_positive"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    mode: Mapped[str] = mapped_column(String(10))
    supplier: Mapped[str] = mapped_column(String(200))
    #: The supplier's lead time for this SKU (days).
    lead_time_days: Mapped[int] = mapped_column(Integer)
    #: Probability of not running out during a lead time, in thousandths (95 % = 95.000).
    service_level_pct: Mapped[Decimal] = mapped_column(Quantity())
    lookback_days: Mapped[int] = mapped_column(Integer, default=28)
    safety_stock: Mapped[Decimal] = mapped_column(Quantity(), default=_ZERO)
    reorder_point: Mapped[Decimal] = mapped_column(Quantity(), default=_ZERO)
    #: Order up to this position; None: reorder point + one lead time of mean demand.
    order_up_to: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    unit_price: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    mean_daily_demand: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    demand_stdev: Mapped[Decimal | None] = mapped_column(Quantity(), nullable=True)
    computed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReplenishmentSuggestion(TenantScoped, Base):
    """A SKU at or below its reorder point, and how much to order (becomes a draft PO)."""

    __tablename__ = "replenishment_suggestion"
    __table_args__ = (
        CheckConstraint("status in ('open','ordered')", name="status"),
        CheckConstraint("suggested_qty > 0", name="qty_positive"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("replenishment_policy.id"), index=True)
    #: Available + still to arrive on open purchase orders, when suggested.
    position: Mapped[Decimal] = mapped_column(Quantity())
    reorder_point: Mapped[Decimal] = mapped_column(Quantity())
    safety_stock: Mapped[Decimal] = mapped_column(Quantity())
    suggested_qty: Mapped[Decimal] = mapped_column(Quantity())
    status: Mapped[str] = mapped_column(String(10), default="open")
    purchase_order_no: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
