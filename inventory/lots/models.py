"""Tables of the lots module: which lots are frozen in which location, and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kernel.models import Base, Id
from kernel.tenancy import TenantScoped
from kernel.types import UtcDateTime


class LotFreeze(TenantScoped, Base):
    """A lot held in one location (冻结批次): it is left out of picking suggestions.

    One row per lot and location; freezing again while frozen changes nothing, and the
    row keeps the provenance of the freeze (the rule version and node, or the person).
    """

    __tablename__ = "lot_freeze"
    __table_args__ = (
        UniqueConstraint("tenant_id", "lot_id", "warehouse_id"),
        CheckConstraint("status in ('frozen','released')", name="status"),
        Index("ix_lot_freeze_status", "tenant_id", "warehouse_id", "status"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouse.id"))
    status: Mapped[str] = mapped_column(String(10), default="frozen")
    reason: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(120), default="")
    #: The event, rule version and node that froze it (empty when a person did).
    cause_event_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    rule_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rule_node: Mapped[str | None] = mapped_column(String(240), nullable=True)
    frozen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    released_by: Mapped[str] = mapped_column(String(120), default="")
