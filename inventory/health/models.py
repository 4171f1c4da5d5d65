"""Tables of the data-health self-assessment: what was measured on real requests.

Both tables are written by the studio's recorder after the response has been sent, in
batches, and stay bounded: at most :data:`SAMPLES_PER_MINUTE` latency samples per tenant,
route and minute are kept, and rows older than the retention period are pruned.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel.models import Base, Id
from kernel.tenancy import TenantScoped
from kernel.types import UtcDateTime

#: Latency samples kept per tenant × route × minute (the rest of that minute is skipped).
SAMPLES_PER_MINUTE = 60


class StockQuerySample(TenantScoped, Base):
    """How long one stock query request took to answer (a sampled latency record)."""

    __tablename__ = "stock_query_sample"
    __table_args__ = (
        Index("ix_stock_query_sample_at", "tenant_id", "measured_at"),
        CheckConstraint("duration_us >= 0", name="duration_not_negative"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    #: The route template, e.g. ``/api/v1/stock/lots/{sku}``.
    route: Mapped[str] = mapped_column(String(120))
    status: Mapped[int] = mapped_column(Integer)
    #: From the first byte of the request to the last byte of the response, in µs.
    duration_us: Mapped[int] = mapped_column(Integer)
    measured_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InputOutcome(TenantScoped, Base):
    """An abnormal input and what became of it: refused (intercepted) or a server error.

    Refused: the request was answered 400 / 409 / 413 / 422 with a problem code (bad
    input, a guard rule, a balance, a state machine). Escaped: it was answered 5xx, so no
    check caught it before it broke something.
    """

    __tablename__ = "input_outcome"
    __table_args__ = (
        Index("ix_input_outcome_at", "tenant_id", "occurred_at"),
        CheckConstraint("outcome in ('refused','escaped')", name="outcome"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    outcome: Mapped[str] = mapped_column(String(10))
    #: The problem code answered (``request.invalid``, ``engine.guard_refused`` …).
    code: Mapped[str] = mapped_column(String(80))
    status: Mapped[int] = mapped_column(Integer)
    route: Mapped[str] = mapped_column(String(120))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
