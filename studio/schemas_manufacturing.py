"""Request and response models of manufacturing: bills of materials, emission factors,
work orders and carbon footprints (pydantic at the boundary)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from studio.schemas import Code, LotNo, PositiveQty, Sku, Strict, Text
from studio.schemas_documents import DocNo, Emitted

#: An emission factor or energy figure: non-negative, at most 9 decimals (exact).
ExactNumber = Annotated[Decimal, Field(ge=0, le=Decimal(10) ** 12, decimal_places=9,
                                       examples=["0.5703", "2.1"])]
Label = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]
Unit = Annotated[str, StringConstraints(min_length=1, max_length=16, strip_whitespace=True)]
WorkOrderStatusName = Literal["draft", "released", "issued", "received", "closed", "cancelled"]


class BomLineIn(Strict):
    """A component and its quantity in ONE unit of the parent."""

    sku: Sku
    qty: PositiveQty


class OperationIn(Strict):
    """An operation (工序) and the energy it takes per unit made."""

    name: Label
    energy_carrier: Code
    energy_per_unit: ExactNumber


class BomBody(Strict):
    """The components and operations of a bill of materials."""

    lines: list[BomLineIn] = Field(min_length=1, max_length=200)
    operations: list[OperationIn] = Field(default_factory=list, max_length=50)
    note: Text = ""


class BomCreate(BomBody):
    """A new bill of materials for an item."""

    sku: Sku


class BomLineOut(BaseModel):
    """One component line."""

    line_no: int
    sku: str
    qty: Decimal


class OperationOut(BaseModel):
    """One operation."""

    seq: int
    name: str
    energy_carrier: str
    energy_per_unit: str


class BomOut(Emitted):
    """A bill of materials."""

    sku: str
    note: str
    created_at: datetime
    updated_at: datetime
    lines: list[BomLineOut]
    operations: list[OperationOut]


class FactorIn(Strict):
    """An emission factor: kg CO2e per unit of a material (its SKU) or energy carrier."""

    kind: Literal["material", "energy"]
    code: Sku
    unit: Unit
    kg_co2e_per_unit: ExactNumber
    source: Text = ""


class FactorOut(Emitted):
    """An emission factor (the number as exact text)."""

    kind: str
    code: str
    unit: str
    kg_co2e_per_unit: str
    source: str
    updated_at: datetime


class ContributionOut(BaseModel):
    """One term of a footprint."""

    kind: Literal["material", "energy"]
    name: str
    code: str
    path: list[str]
    amount: str
    unit: str
    kg_co2e_per_unit: str
    kg_co2e: str


class FootprintOut(BaseModel):
    """A carbon footprint in kg CO2e, every number exact decimal text."""

    no: str | None = None
    sku: str
    qty: str
    unit: str
    total_kg_co2e: str
    per_unit_kg_co2e: str
    is_rounded: bool
    contributions: list[ContributionOut]


class WorkOrderCreate(Strict):
    """A new work order: make ``qty`` of ``sku`` in ``warehouse`` from its bill."""

    sku: Sku
    qty: PositiveQty
    warehouse: Code
    no: DocNo | None = None
    lot_no: LotNo | None = None
    note: Text = ""


class EnergyReadingIn(Strict):
    """A meter reading of the energy one operation used (in its carrier's unit)."""

    operation: Label
    qty: ExactNumber


class WorkOrderLineOut(BaseModel):
    """A component the order issues; ``lots`` are the [lot_no, qty] pairs issue took."""

    line_no: int
    sku: str
    qty: Decimal
    lots: list[list[str]]


class EnergyReadingOut(BaseModel):
    """A recorded energy reading."""

    operation: str
    energy_carrier: str
    qty: str
    recorded_by: str
    recorded_at: datetime


class WorkOrderOut(Emitted):
    """A work order."""

    no: str
    status: WorkOrderStatusName
    sku: str
    qty: Decimal
    warehouse: str
    lot_no: str | None
    note: str
    operations: list[dict[str, Any]]
    allowed_actions: list[str]
    issued_at: datetime | None
    received_at: datetime | None
    created_at: datetime
    updated_at: datetime
    lines: list[WorkOrderLineOut]
    energy_readings: list[EnergyReadingOut]
