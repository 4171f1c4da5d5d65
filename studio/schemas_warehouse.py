"""Request and response models of the warehouse documents: transfers, adjustments,
stocktakes, shift snapshots, suppliers and customer freezes (pydantic at the boundary)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from studio.schemas import Code, LotNo, Name, PositiveQty, SignedQty, Sku, Strict, Text
from studio.schemas_documents import Amount, DocNo, Emitted, Reason

#: A reference to one photo in the evidence store (a file name or URL).
PhotoRef = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
Photos = Annotated[list[PhotoRef], Field(min_length=1, max_length=50)]
CountedQty = Annotated[Decimal, Field(ge=0, le=Decimal(10) ** 12, decimal_places=3)]


class TransferLineIn(Strict):
    """One SKU to move (from a named lot, else first-expiry-first-out)."""

    sku: Sku
    qty: PositiveQty
    lot_no: LotNo | None = None


class TransferCreate(Strict):
    """A new transfer between two warehouses."""

    from_warehouse: Code
    to_warehouse: Code
    lines: list[TransferLineIn] = Field(min_length=1, max_length=200)
    no: DocNo | None = None
    note: Text = ""


class TransferLineOut(BaseModel):
    """One line of a transfer; ``lots`` are the [lot_no, qty] pairs dispatch took."""

    line_no: int
    sku: str
    qty: Decimal
    lot_no: str | None
    lots: list[list[str]]


class TransferOut(Emitted):
    """A transfer."""

    no: str
    status: Literal["draft", "in_transit", "received", "returned", "cancelled"]
    from_warehouse: str
    to_warehouse: str
    transit_warehouse: str | None
    note: str
    dispatched_at: datetime | None
    received_at: datetime | None
    created_at: datetime
    updated_at: datetime
    lines: list[TransferLineOut]


AdjustmentReasonIn = Literal["count_gain", "count_loss", "damaged", "expired", "lost", "found",
                             "stocktake", "other"]


class AdjustmentLineIn(Strict):
    """One SKU corrected: positive adds, negative removes."""

    sku: Sku
    qty: SignedQty
    unit_cost: Amount = Decimal("0.00")
    lot_no: LotNo | None = None


class AdjustmentCreate(Strict):
    """A new adjustment: 盘盈 count_gain, 盘亏 count_loss, 破损 damaged, 过期 expired, 丢失 lost,
    找回 found, 盘点差异 stocktake, 其他 other; at least one photo."""

    warehouse: Code
    reason: AdjustmentReasonIn
    photo_refs: Photos
    lines: list[AdjustmentLineIn] = Field(min_length=1, max_length=200)
    no: DocNo | None = None
    note: Text = ""


class RejectIn(Strict):
    """Why the approver refuses an adjustment."""

    reason: Reason


class AdjustmentLineOut(BaseModel):
    """One line of an adjustment."""

    line_no: int
    sku: str
    qty: Decimal
    unit_cost: Decimal
    lot_no: str | None


class AdjustmentOut(Emitted):
    """An adjustment."""

    no: str
    status: Literal["draft", "awaiting_approval", "posted", "rejected", "cancelled"]
    reason: str
    warehouse: str
    photo_count: int
    photo_refs: list[str]
    stocktake_no: str | None
    is_above_threshold: bool
    created_by: str
    approved_by: str
    note: str
    posted_at: datetime | None
    created_at: datetime
    updated_at: datetime
    lines: list[AdjustmentLineOut]


class StocktakeCreate(Strict):
    """A new stocktake: all SKUs of the warehouse, the ``skus`` named, or a blind check of
    ``sample_size`` SKUs drawn with ``seed``."""

    warehouse: Code
    scope: Literal["all", "selected", "blind_check"] = "all"
    skus: list[Sku] = Field(default_factory=list, max_length=2000)
    sample_size: Annotated[int, Field(ge=0, le=10_000)] = 0
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    no: DocNo | None = None
    note: Text = ""


class CountIn(Strict):
    """What a counter found of one SKU (zero is a count too)."""

    sku: Sku
    counted_qty: CountedQty


class CountsIn(Strict):
    """Counts of one round."""

    counts: list[CountIn] = Field(min_length=1, max_length=2000)


class StocktakePostIn(Strict):
    """Photos of the count sheets; they go on the adjustment the variances become."""

    photo_refs: Photos


class BlindLineOut(BaseModel):
    """One line as counters see it: never the system quantity."""

    line_no: int
    sku: str
    counted_qty: Decimal | None
    counted_by: str
    counted_at: datetime | None


class StocktakeOut(Emitted):
    """A stocktake as counters see it (blind)."""

    no: str
    status: Literal["counting", "closed", "posted", "cancelled"]
    scope: str
    warehouse: str
    note: str
    created_by: str
    adjustment_no: str | None
    posted_at: datetime | None
    created_at: datetime
    updated_at: datetime
    lines: list[BlindLineOut]
    #: The count-variance rate of the whole count (only on the post answer).
    variance_rate: Decimal | None = None


class VarianceLineOut(BaseModel):
    """One SKU's system and counted quantity, variance and count-variance rate."""

    line_no: int
    sku: str
    system_qty: Decimal
    counted_qty: Decimal
    variance: Decimal
    variance_rate: Decimal | None


class VariancesOut(BaseModel):
    """The variances of a closed or posted stocktake."""

    no: str
    status: str
    variance_rate: Decimal | None
    adjustment_no: str | None
    lines: list[VarianceLineOut]


class ShiftCreate(Strict):
    """A shift of a warehouse, ending daily at ``end_time`` (HH:MM) in ``timezone``."""

    warehouse: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=40, strip_whitespace=True)]
    end_time: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=60)] = "Asia/Shanghai"


class ShiftOut(BaseModel):
    """A shift."""

    id: int
    warehouse: str
    name: str
    end_time: str
    timezone: str


class SnapshotLineOut(BaseModel):
    """One SKU at a shift end; flagged when it moved more than ±3 %."""

    sku: str
    on_hand: Decimal
    previous_on_hand: Decimal | None
    is_flagged: bool


class SnapshotOut(BaseModel):
    """A shift-end snapshot (lines only on the single-snapshot answer)."""

    id: int
    shift: str
    warehouse: str
    shift_end_at: datetime
    taken_at: datetime
    flagged_count: int
    lines: list[SnapshotLineOut] | None = None


class SupplierCreate(Strict):
    """A new supplier."""

    code: Code
    name: Name


class QualificationIn(Strict):
    """A licence or certificate of a supplier."""

    kind: Literal["business_licence", "production_licence", "food_licence",
                  "quality_certificate", "other"]
    number: Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]
    expiry_date: date


class QualificationOut(BaseModel):
    """A qualification and whether it is still valid today."""

    kind: str
    number: str
    expiry_date: date
    is_current: bool


class SupplierOut(BaseModel):
    """A supplier with its qualifications."""

    code: str
    name: str
    qualifications: list[QualificationOut]


class CustomerFreezeIn(Strict):
    """Why a customer is frozen."""

    reason: Reason
