"""Request and response models of the JSON API (pydantic at the boundary only)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")

Code = Annotated[str, StringConstraints(min_length=1, max_length=40, strip_whitespace=True,
                                        pattern=r"^[\w.\-]+$")]
Sku = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True,
                                       pattern=r"^[\w.\-/]+$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Text = Annotated[str, StringConstraints(max_length=500)]
#: A positive quantity with at most 3 decimals and at most 10^12.
PositiveQty = Annotated[Decimal, Field(gt=0, le=Decimal(10) ** 12, decimal_places=3,
                                       examples=["5", "12.5"])]
#: A signed, non-zero quantity for adjustments.
SignedQty = Annotated[Decimal, Field(ge=-(Decimal(10) ** 12), le=Decimal(10) ** 12,
                                     decimal_places=3, examples=["-2", "3"])]
#: An amount of money (yuan) with at most 2 decimals.
MoneyAmount = Annotated[Decimal, Field(ge=0, le=Decimal(10) ** 13, decimal_places=2,
                                       examples=["18.00"])]
LotNo = Annotated[str, StringConstraints(max_length=64, strip_whitespace=True)]


class Strict(BaseModel):
    """Unknown fields are an error, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid")


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    count: int
    offset: int
    limit: int


class DocumentIn(Strict):
    """The business document a movement belongs to."""

    type: Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z_]+$")]
    ref: Annotated[str, StringConstraints(min_length=1, max_length=80)]


class TokenOut(BaseModel):
    """A bearer token (shown once)."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int | None = None


class ApiTokenCreate(Strict):
    """A new API token for a scanner or another system."""

    name: Name
    scopes: list[Annotated[str, StringConstraints(max_length=40)]] = Field(min_length=1,
                                                                          max_length=10)
    expires_in_days: Annotated[int, Field(ge=1, le=3650)] | None = None


class ApiTokenOut(BaseModel):
    """An API token without its secret."""

    id: int
    name: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreated(ApiTokenOut):
    """A new API token, with the secret shown this one time."""

    token: str


class Me(BaseModel):
    """Who the caller is."""

    tenant: str
    username: str | None
    role: str | None
    permissions: list[str]


class ItemCreate(Strict):
    """A new item."""

    sku: Sku
    name_zh: Name
    name_en: Annotated[str, StringConstraints(max_length=200)] = ""
    unit: Annotated[str, StringConstraints(min_length=1, max_length=20)] = "件"
    barcode: Annotated[str, StringConstraints(max_length=64)] | None = None
    category: Annotated[str, StringConstraints(max_length=60)] = ""
    shelf_life_days: Annotated[int, Field(ge=1, le=36500)] | None = None
    attributes: dict[str, Annotated[str, StringConstraints(max_length=200)] | int | bool] = {}
    list_price: MoneyAmount | None = None
    cost_price: MoneyAmount | None = None


class ItemPublic(BaseModel):
    """An item."""

    model_config = ConfigDict(from_attributes=True)
    sku: str
    name_zh: str
    name_en: str
    unit: str
    barcode: str | None
    category: str
    shelf_life_days: int | None
    attributes: dict[str, Any]
    list_price: Decimal | None = None
    cost_price: Decimal | None = None


class WarehouseCreate(Strict):
    """A new warehouse, store or transit location."""

    code: Code
    name_zh: Name
    name_en: Annotated[str, StringConstraints(max_length=200)] = ""
    kind: Literal["warehouse", "store", "transit"] = "warehouse"


class WarehousePublic(BaseModel):
    """A warehouse."""

    model_config = ConfigDict(from_attributes=True)
    code: str
    name_zh: str
    name_en: str
    kind: str


class BinCreate(Strict):
    """A new bin (货位) in a warehouse."""

    code: Code


class BinPublic(BaseModel):
    """A bin."""

    model_config = ConfigDict(from_attributes=True)
    code: str


class AddressIn(Strict):
    """A delivery address; guard rules may refuse a hold on it."""

    text: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    is_real: bool | None = None


class ReservationIn(Strict):
    """A hold on available stock, optionally with a time to live."""

    sku: Sku
    warehouse: Code
    qty: PositiveQty
    ttl_seconds: Annotated[int, Field(ge=1, le=366 * 86400)] | None = None
    document: DocumentIn | None = None
    address: AddressIn | None = None


class EntryOut(BaseModel):
    """One ledger row written by a command."""

    id: int
    sku: str
    warehouse: str
    lot_no: str | None
    bucket: Literal["on_hand", "reserved"]
    qty: Decimal
    reason: str


class BalanceOut(BaseModel):
    """Stock of one SKU in one warehouse."""

    sku: str
    warehouse: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal


class BalanceRow(BalanceOut):
    """A balance with the item's names."""

    name_zh: str
    name_en: str
    unit: str


class ReservationOut(BaseModel):
    """A reservation."""

    id: str
    sku: str
    warehouse: str
    qty: Decimal
    original_qty: Decimal
    status: Literal["active", "released", "consumed", "expired"]
    expires_at: datetime | None
    document: dict[str, str | None] | None


class MovementOut(BaseModel):
    """The result of a stock command (returned again, unchanged, for a repeated key)."""

    event_id: str
    command: str
    replayed: bool
    entries: list[EntryOut]
    balances: list[BalanceOut]
    reservation: ReservationOut | None = None


class LotRow(BaseModel):
    """One lot's stock in one warehouse."""

    sku: str
    warehouse: str
    lot_no: str
    expiry_date: date | None
    on_hand: Decimal


class LedgerRow(BaseModel):
    """One ledger row."""

    id: int
    sku: str
    warehouse: str
    lot_no: str | None
    bucket: str
    qty: Decimal
    reason: str
    note: str
    document_type: str | None
    document_ref: str | None
    event_id: str
    cause_event_id: str | None
    rule_version: str | None
    rule_node: str | None
    actor: str
    created_at: datetime


class Problem(BaseModel):
    """An RFC 9457 problem, with the message in zh-CN and English."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    message: dict[str, str]
    context: dict[str, Any] = {}
    #: ``request.invalid``: one entry per error, ``{loc, type, field, message, ctx}``.
    errors: list[dict[str, Any]] = []
    #: Rule-text problems (``dsl.*``): every diagnostic with line, column, code, message and
    #: suggestion in zh-CN and English.
    diagnostics: list[dict[str, Any]] | None = None
