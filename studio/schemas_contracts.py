"""Request and response models of contracts and metering (pydantic at the boundary only)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from studio.schemas import Code, Name, PositiveQty, Strict
from studio.schemas_documents import Amount, Emitted

Metric = Annotated[str, StringConstraints(min_length=1, max_length=40,
                                          pattern=r"^[a-z][a-z0-9_]*$")]
Period = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
UnitPrice = Annotated[Decimal, Field(ge=0, le=Decimal(10) ** 9, decimal_places=6)]
Bound = Annotated[Decimal, Field(gt=0, le=Decimal(10) ** 12, decimal_places=3)]


class TierIn(Strict):
    """Units up to ``up_to`` (none: no upper bound) cost ``unit_price`` each."""

    up_to: Bound | None = None
    unit_price: UnitPrice


class PriceIn(Strict):
    """How a metric is priced: one unit price, or graduated tiers."""

    unit: Annotated[str, StringConstraints(max_length=20)] = ""
    pricing: Literal["per_unit", "tiered"]
    tiers: Annotated[list[TierIn], Field(min_length=1, max_length=20)]


class DeliverableIn(Strict):
    """Something the contract promises to hand over."""

    code: Code
    title: Name
    due_on: date | None = None


class MilestoneIn(Strict):
    """A billable step and the deliverables it waits for."""

    code: Code
    title: Name
    amount: Amount
    deliverables: Annotated[list[Code], Field(max_length=50)] = []
    due_on: date | None = None


class ContractIn(Strict):
    """A new service contract."""

    no: Code
    customer: Code
    title: Name
    starts_on: date
    ends_on: date | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "CNY"
    prices: Annotated[dict[Metric, PriceIn], Field(max_length=20)] = {}
    deliverables: Annotated[list[DeliverableIn], Field(max_length=100)] = []
    milestones: Annotated[list[MilestoneIn], Field(max_length=100)] = []


class DeliverableOut(BaseModel):
    """A deliverable and whether it was delivered."""

    code: str
    title: str
    status: Literal["open", "delivered"]
    due_on: date | None
    delivered_at: datetime | None


class MilestoneOut(BaseModel):
    """A milestone, its amount and state."""

    code: str
    title: str
    status: Literal["open", "reached", "invoiced"]
    amount: Decimal
    deliverables: list[str]
    due_on: date | None
    reached_at: datetime | None


class ContractOut(Emitted):
    """A contract with its prices, deliverables and milestones."""

    no: str
    customer: str
    title: str
    status: Literal["active", "closed"]
    starts_on: date
    ends_on: date | None
    currency: str
    prices: dict[str, PriceIn]
    deliverables: list[DeliverableOut]
    milestones: list[MilestoneOut]


class UsageIn(Strict):
    """Metered consumption of one metric; a meter sends ``event_id`` so a retry is harmless."""

    contract: Code
    metric: Metric
    qty: PositiveQty
    occurred_at: AwareDatetime
    event_id: Annotated[str, StringConstraints(min_length=1, max_length=80)]


class UsageOut(Emitted):
    """A usage record (``duplicate``: this meter event was already recorded)."""

    id: int
    contract: str
    metric: str
    qty: Decimal
    occurred_at: datetime
    event_id: str
    recorded_by: str
    duplicate: bool | None = None


class InvoiceRequestIn(Strict):
    """Draft the invoice of a contract for an ended month."""

    contract: Code
    period: Period


class InvoiceLineOut(BaseModel):
    """A usage band of a metric, or a reached milestone."""

    line_no: int
    kind: Literal["usage", "milestone"]
    description: str
    metric: str | None
    qty: Decimal
    unit_price: str
    amount: Decimal


class InvoiceOut(Emitted):
    """An invoice draft of one contract and month."""

    no: str
    contract: str
    customer: str
    period: str
    status: Literal["draft"]
    currency: str
    total: Decimal
    lines: list[InvoiceLineOut]
    created_at: datetime
