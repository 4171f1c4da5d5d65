"""Request and response models of the lots, cold-chain and recall routes (food pack, #11)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from studio.schemas import Code, LotNo, Sku, Strict

Celsius = Annotated[Decimal, Field(ge=-100, le=100, decimal_places=2, examples=["-18.5"])]
DeviceId = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True,
                                            pattern=r"^[\w.\-:]+$")]


class ReadingIn(Strict):
    """A freezer's temperature reading."""

    freezer: DeviceId
    #: The warehouse code the freezer stands in: its lots are the lots on hand there.
    location: Code
    celsius: Celsius
    #: When the sensor read it (default: now on the tenant's clock).
    at: datetime | None = None


class ReadingOut(BaseModel):
    """The event a reading raised."""

    event_id: str
    type: str
    freezer: str
    location: str
    celsius: str
    at: str
    occurred_at: str
    replayed: bool


class ReleaseIn(Strict):
    """Lift one lot's freeze in one location."""

    sku: Sku
    lot_no: Annotated[str, StringConstraints(min_length=1, max_length=64,
                                             strip_whitespace=True)]
    warehouse: Code


class FreezeOut(BaseModel):
    """A lot frozen (or released) in one location, with who or which rule froze it."""

    sku: str
    lot_no: LotNo
    warehouse: str
    expiry_date: str | None
    status: str
    reason: str
    actor: str
    cause_event_id: str | None
    rule_version: str | None
    rule_node: str | None
    frozen_at: str
    released_at: str | None
    released_by: str


class PickOut(BaseModel):
    """One lot to pick from."""

    lot_no: str
    expiry_date: str | None
    on_hand: str
    take: str
    days_left: int | None


class SkippedLotOut(BaseModel):
    """A lot with stock that is not suggested, and why (frozen, expired)."""

    lot_no: str
    expiry_date: str | None
    on_hand: str
    reason: str


class FefoOut(BaseModel):
    """The FEFO picking suggestion for one SKU in one warehouse."""

    sku: str
    warehouse: str
    qty: str
    picks: list[PickOut]
    #: What the suggested lots cannot cover.
    short: str
    skipped: list[SkippedLotOut]


class ReceiverOut(BaseModel):
    """A customer who received the lot, on one shipment."""

    customer: str
    customer_name: str
    sales_order: str
    shipment: str
    warehouse: str
    sku: str
    lot_no: str
    qty: str
    shipped_at: str | None


class RecallOut(BaseModel):
    """The recall report of one lot."""

    sku: str
    lot_no: str
    expiry_date: str | None
    customers: list[str]
    shipped_qty: str
    receivers: list[ReceiverOut]
    count: int
    offset: int
    limit: int


class LossPointOut(BaseModel):
    """One day of a category's loss curve."""

    day: str
    received: str
    lost: str
    #: Cumulative loss ÷ cumulative receipts up to this day (None before any receipt).
    loss_rate: str | None


class LossCurveOut(BaseModel):
    """The loss curve of one category."""

    category: str
    received: str
    lost: str
    points: list[LossPointOut]


class BundleOut(BaseModel):
    """A near-expiry lot offered with a partner item at a discount."""

    sku: str
    name: str
    category: str
    lot_no: str
    warehouse: str
    expiry_date: str
    days_left: int
    on_hand: str
    partner_sku: str | None
    discount_pct: int
