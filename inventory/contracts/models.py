"""Tables of contracts and metering (no stock): contracts with deliverables and
milestones, metered usage, and invoice drafts per period.

None of these tables points at items, warehouses or the ledger: a services tenant keeps
its business here without a single stock row. Usage is in thousandths (``Quantity``),
amounts in cents (``Money``); unit prices are kept as exact decimal text (up to 6 places).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kernel.models import Base, Id, Json
from kernel.tenancy import TenantScoped
from kernel.types import Money, Quantity, UtcDateTime


class Contract(TenantScoped, Base):
    """A service contract with one customer and the prices of its metrics."""

    __tablename__ = "service_contract"
    __table_args__ = (UniqueConstraint("tenant_id", "no"),
                      CheckConstraint("status in ('active','closed')", name="status"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    customer: Mapped[str] = mapped_column(String(80), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="active")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    #: metric → {unit, pricing: per_unit | tiered, tiers: [{up_to, unit_price}]} (text).
    prices: Mapped[dict[str, Any]] = mapped_column(Json)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Deliverable(TenantScoped, Base):
    """Something the contract promises to hand over (a report, an installation …)."""

    __tablename__ = "contract_deliverable"
    __table_args__ = (UniqueConstraint("contract_id", "code"),
                      CheckConstraint("status in ('open','delivered')", name="status"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("service_contract.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    delivered_by: Mapped[str | None] = mapped_column(String(120), nullable=True)


class Milestone(TenantScoped, Base):
    """A billable step, reached when all its deliverables are delivered."""

    __tablename__ = "contract_milestone"
    __table_args__ = (UniqueConstraint("contract_id", "code"),
                      CheckConstraint("status in ('open','reached','invoiced')", name="status"),
                      CheckConstraint("amount >= 0", name="amount_not_negative"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("service_contract.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    #: Codes of the deliverables that must be delivered first.
    deliverables: Mapped[list[str]] = mapped_column(Json)
    status: Mapped[str] = mapped_column(String(10), default="open")
    reached_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_draft.id"),
                                                   nullable=True)


class UsageRecord(TenantScoped, Base):
    """Metered consumption of one metric under one contract, once per meter event id."""

    __tablename__ = "usage_record"
    __table_args__ = (UniqueConstraint("tenant_id", "event_id"),
                      CheckConstraint("qty > 0", name="qty_positive"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("service_contract.id"), index=True)
    metric: Mapped[str] = mapped_column(String(40))
    qty: Mapped[Decimal] = mapped_column(Quantity())
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    event_id: Mapped[str] = mapped_column(String(80))
    recorded_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InvoiceDraft(TenantScoped, Base):
    """The invoice draft of one contract for one month: metered usage and milestones."""

    __tablename__ = "invoice_draft"
    __table_args__ = (UniqueConstraint("tenant_id", "no"),
                      UniqueConstraint("contract_id", "period"),
                      CheckConstraint("status in ('draft')", name="status"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(60))
    contract_id: Mapped[int] = mapped_column(ForeignKey("service_contract.id"), index=True)
    customer: Mapped[str] = mapped_column(String(80))
    #: ``YYYY-MM``; usage from the first day 00:00 UTC up to the next month's first day.
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Money())
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InvoiceDraftLine(TenantScoped, Base):
    """One line of an invoice draft: a usage band of a metric, or a reached milestone."""

    __tablename__ = "invoice_draft_line"
    __table_args__ = (UniqueConstraint("invoice_id", "line_no"),
                      CheckConstraint("kind in ('usage','milestone')", name="kind"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice_draft.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str | None] = mapped_column(String(40), nullable=True)
    qty: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[str] = mapped_column(String(24))
    amount: Mapped[Decimal] = mapped_column(Money())
