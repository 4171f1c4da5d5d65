"""Tables of manufacturing: bills of materials with their operations, emission factors,
work orders with their component lines and energy readings.

Quantities of stock are thousandths (``Quantity``) like the rest of the core. Emission
factors and energy figures need more places (0.5703 kg CO2e per kWh), so they are kept as
exact decimal text (:class:`ExactDecimal`): never a float, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from kernel.models import Base, Id, Json
from kernel.tenancy import TenantScoped
from kernel.types import Quantity, UtcDateTime


class ExactDecimal(TypeDecorator[Decimal]):
    """A ``Decimal`` stored as its text, so that no digit is ever lost."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class Bom(TenantScoped, Base):
    """The bill of materials (物料清单) of one item: what one unit of it is made of."""

    __tablename__ = "bom"
    __table_args__ = (UniqueConstraint("tenant_id", "item_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BomLine(TenantScoped, Base):
    """One component and how much of it goes into ONE unit of the parent item."""

    __tablename__ = "bom_line"
    __table_args__ = (
        UniqueConstraint("bom_id", "line_no"),
        CheckConstraint("qty > 0", name="qty_positive"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    bom_id: Mapped[int] = mapped_column(ForeignKey("bom.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(Quantity())


class BomOperation(TenantScoped, Base):
    """One operation (工序) making the parent, and the energy it takes per unit made."""

    __tablename__ = "bom_operation"
    __table_args__ = (UniqueConstraint("bom_id", "seq"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    bom_id: Mapped[int] = mapped_column(ForeignKey("bom.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    #: The energy carrier's emission-factor code (``electricity``, ``natural_gas`` …).
    energy_carrier: Mapped[str] = mapped_column(String(40))
    #: Energy per unit made, in the carrier's unit (kWh, m³ …), from the meter readings.
    energy_per_unit: Mapped[Decimal] = mapped_column(ExactDecimal())


class EmissionFactor(TenantScoped, Base):
    """kg CO2e per unit of a material (by SKU) or of an energy carrier (排放因子)."""

    __tablename__ = "emission_factor"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "code"),
        CheckConstraint("kind in ('material','energy')", name="kind"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    #: The material's SKU, or the energy carrier's code.
    code: Mapped[str] = mapped_column(String(64))
    #: The unit the factor is per (kg, pc, kWh, m3 …).
    unit: Mapped[str] = mapped_column(String(16))
    kg_co2e_per_unit: Mapped[Decimal] = mapped_column(ExactDecimal())
    #: Where the figure comes from (a database and year, a supplier's EPD …).
    source: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WorkOrder(TenantScoped, Base):
    """A work order (生产工单): make ``qty`` of an item from its bill of materials."""

    __tablename__ = "work_order"
    __table_args__ = (
        UniqueConstraint("tenant_id", "no"),
        CheckConstraint("status in ('draft','released','issued','received','closed',"
                        "'cancelled')", name="status"),
        CheckConstraint("qty > 0", name="qty_positive"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    no: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    qty: Mapped[Decimal] = mapped_column(Quantity())
    status: Mapped[str] = mapped_column(String(20), default="draft")
    #: The finished-goods lot received (the work order number unless one is given).
    lot_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: The bill's operations as they were when the order was written.
    operations: Mapped[list[Any]] = mapped_column(Json, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    issued_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WorkOrderLine(TenantScoped, Base):
    """One component the work order issues: the bill's quantity times the order's."""

    __tablename__ = "work_order_line"
    __table_args__ = (
        UniqueConstraint("work_order_id", "line_no"),
        CheckConstraint("qty > 0", name="qty_positive"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(Quantity())
    #: ``[[lot_no, qty], …]`` taken at issue.
    lots: Mapped[list[Any]] = mapped_column(Json, default=list)


class EnergyReading(TenantScoped, Base):
    """A meter reading of energy one operation of a work order used (能耗读数)."""

    __tablename__ = "work_order_energy"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id"), index=True)
    operation: Mapped[str] = mapped_column(String(80))
    energy_carrier: Mapped[str] = mapped_column(String(40))
    qty: Mapped[Decimal] = mapped_column(ExactDecimal())
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
