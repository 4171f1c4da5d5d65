"""Request and response models of the document API (pydantic at the boundary only)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from studio.schemas import Code, LotNo, Name, PositiveQty, Sku, Strict, Text

#: A document number (单号): letters, digits, ``_ . -``.
DocNo = Annotated[str, StringConstraints(min_length=1, max_length=40, strip_whitespace=True,
                                         pattern=r"^[\w.\-]+$")]
#: An amount of money, at most 2 decimals.
Amount = Annotated[Decimal, Field(ge=0, le=Decimal(10) ** 13, decimal_places=2,
                                  examples=["88.80"])]
LineNo = Annotated[int, Field(ge=1, le=10_000)]
Weight = Annotated[Decimal, Field(ge=0, le=Decimal(10) ** 9, decimal_places=3)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500, strip_whitespace=True)]


class Emitted(BaseModel):
    """What every action answer adds: the event it emitted, and whether it is a replay."""

    event_id: str | None = None
    replayed: bool | None = None


class CustomerCreate(Strict):
    """A new customer."""

    code: Code
    name: Name
    #: Rules read it as ``customer.level`` (客户.等级).
    level: Literal["normal", "vip", "key_account"] = "normal"


class CustomerPublic(BaseModel):
    """A customer."""

    code: str
    name: str
    level: str = "normal"
    is_frozen: bool
    frozen_reason: str


class ConfirmationCodeIn(Strict):
    """The code a warehouse confirms shipments with (出库确认码); only its hash is kept."""

    code: Annotated[str, StringConstraints(min_length=4, max_length=32)]


class SalesOrderLineIn(Strict):
    """One SKU of a new sales order."""

    sku: Sku
    qty: PositiveQty
    unit_price: Amount = Decimal("0.00")


class SalesOrderCreate(Strict):
    """A new sales order; a deposit makes its holds lapse after ``hold_seconds`` (2 h)."""

    customer: Code
    warehouse: Code
    lines: list[SalesOrderLineIn] = Field(min_length=1, max_length=200)
    deposit_amount: Amount = Decimal("0.00")
    hold_seconds: Annotated[int, Field(ge=1, le=366 * 86400)] | None = None
    #: The sales channel (渠道); its pool in the warehouse, if any, supplies the order.
    channel: Code | None = None
    no: DocNo | None = None
    note: Text = ""


class SalesOrderLineOut(BaseModel):
    """One line of a sales order."""

    line_no: int
    sku: str
    qty: Decimal
    unit_price: Decimal
    shipped_qty: Decimal
    returned_qty: Decimal
    reservation_id: str | None


class SalesOrderOut(Emitted):
    """A sales order."""

    no: str
    status: Literal["draft", "confirmed", "partially_shipped", "shipped", "closed",
                    "cancelled"]
    customer: str
    warehouse: str
    deposit_amount: Decimal
    hold_seconds: int | None
    channel: str | None = None
    note: str
    created_at: datetime
    updated_at: datetime
    lines: list[SalesOrderLineOut]


class PurchaseOrderLineIn(Strict):
    """One SKU of a new purchase order."""

    sku: Sku
    qty: PositiveQty
    unit_price: Amount = Decimal("0.00")


class PurchaseOrderCreate(Strict):
    """A new purchase order."""

    supplier: Name
    warehouse: Code
    lines: list[PurchaseOrderLineIn] = Field(min_length=1, max_length=200)
    no: DocNo | None = None
    note: Text = ""


class PurchaseOrderLineOut(BaseModel):
    """One line of a purchase order."""

    line_no: int
    sku: str
    qty: Decimal
    unit_price: Decimal
    received_qty: Decimal


class PurchaseOrderOut(Emitted):
    """A purchase order."""

    no: str
    status: Literal["draft", "approved", "partially_received", "received", "closed",
                    "cancelled"]
    supplier: str
    warehouse: str
    note: str
    created_at: datetime
    updated_at: datetime
    lines: list[PurchaseOrderLineOut]


class ReceiptLineIn(Strict):
    """A quantity of one purchase order line arriving, in a lot."""

    order_line_no: LineNo
    qty: PositiveQty
    lot_no: LotNo | None = None
    expiry_date: date | None = None


class ReceiptCreate(Strict):
    """A new receipt against a purchase order."""

    purchase_order_no: DocNo
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=200)
    expected_weight_kg: Weight | None = None
    weight_tolerance_pct: Annotated[Decimal, Field(ge=0, le=100, decimal_places=3)] = \
        Decimal("2")
    no: DocNo | None = None
    note: Text = ""


class InspectionIn(Strict):
    """What the inspector recorded; a failed check freezes the receipt."""

    is_scanned: bool
    photo_count: Annotated[int, Field(ge=0, le=1000)]
    measured_weight_kg: Weight | None = None
    #: Overrides the receipt's expected weight when given.
    expected_weight_kg: Weight | None = None


class ReturnCheckIn(InspectionIn):
    """What came back from a subcontractor (外协回厂), checked at the dock; rules judge it."""

    process: Literal["plating", "painting", "heat_treatment", "machining"]


class FreezeIn(Strict):
    """Why a receipt is frozen."""

    reason: Reason


class ReceiptLineOut(BaseModel):
    """One line of a receipt."""

    line_no: int
    order_line_no: int
    sku: str
    qty: Decimal
    lot_no: str | None
    expiry_date: date | None


class ReceiptOut(Emitted):
    """A receipt with its inspection."""

    no: str
    status: Literal["draft", "inspected", "frozen", "put_away", "cancelled"]
    purchase_order_no: str
    warehouse: str
    is_scanned: bool
    photo_count: int
    measured_weight_kg: Decimal | None
    expected_weight_kg: Decimal | None
    weight_tolerance_pct: Decimal | None
    frozen_reason: str
    released_by: str
    note: str
    created_at: datetime
    updated_at: datetime
    lines: list[ReceiptLineOut]
    #: Why the inspection failed (only on the inspect answer).
    failures: list[str] | None = None


class ShipmentLineIn(Strict):
    """A quantity of one sales order line to ship."""

    order_line_no: LineNo
    qty: PositiveQty


class ShipmentCreate(Strict):
    """A new shipment; without lines it ships everything still open on the order."""

    sales_order_no: DocNo
    lines: list[ShipmentLineIn] = Field(default_factory=list, max_length=200)
    no: DocNo | None = None


class ShipIn(Strict):
    """The warehouse's confirmation code and the carrier's tracking number."""

    confirmation_code: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    carrier: Annotated[str, StringConstraints(max_length=80, strip_whitespace=True)] = ""
    tracking_no: Annotated[str, StringConstraints(min_length=1, max_length=80,
                                                  strip_whitespace=True)]


class ShipmentLineOut(BaseModel):
    """One line of a shipment."""

    line_no: int
    order_line_no: int
    sku: str
    qty: Decimal


class ShipmentOut(Emitted):
    """A shipment."""

    no: str
    status: Literal["draft", "picked", "packed", "shipped", "cancelled"]
    sales_order_no: str
    warehouse: str
    carrier: str
    tracking_no: str
    shipped_at: datetime | None
    created_at: datetime
    updated_at: datetime
    lines: list[ShipmentLineOut]


class SalesReturnLineIn(Strict):
    """A quantity of one original sales order line coming back."""

    order_line_no: LineNo
    qty: PositiveQty
    lot_no: LotNo | None = None


class SalesReturnCreate(Strict):
    """A new return: damaged (破损), mismatch (不符), late (超时) or other (其他)."""

    sales_order_no: DocNo
    reason: Literal["damaged", "mismatch", "late", "other"]
    lines: list[SalesReturnLineIn] = Field(min_length=1, max_length=200)
    warehouse: Code | None = None
    note: Text = ""
    no: DocNo | None = None


class SalesReturnLineOut(BaseModel):
    """One line of a sales return."""

    line_no: int
    order_line_no: int
    sku: str
    qty: Decimal
    lot_no: str | None


class SalesReturnOut(Emitted):
    """A sales return."""

    no: str
    status: Literal["draft", "posted", "cancelled"]
    reason: str
    note: str
    sales_order_no: str
    warehouse: str
    created_at: datetime
    updated_at: datetime
    lines: list[SalesReturnLineOut]
