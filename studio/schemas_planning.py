"""Request and response models of the planning API: channels and pools, supplier invoices,
replenishment (pydantic at the boundary only)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from studio.schemas import Code, Name, PositiveQty, Sku, Strict
from studio.schemas_documents import Amount, DocNo, Emitted, LineNo, PurchaseOrderOut, Reason

#: A quantity that may be zero (thresholds, targets, typed-in stock levels).
Qty = Annotated[Decimal, Field(ge=0, le=Decimal(10) ** 12, decimal_places=3)]
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=3)]


class ChannelCreate(Strict):
    """A new sales channel (online shop, delivery platform, store…)."""

    code: Code
    name: Name


class ChannelOut(Emitted):
    """A sales channel; a paused one gets no order confirmed."""

    code: str
    name: str
    is_paused: bool
    paused_reason: str
    paused_at: datetime | None


class PauseIn(Strict):
    """Why a channel is paused by hand."""

    reason: Reason


class PoolSettingIn(Strict):
    """A pool line's target (a quantity or a share of central available) and threshold."""

    threshold_qty: Qty
    target_qty: Qty | None = None
    target_share_pct: Percent | None = None


class PoolOut(Emitted):
    """One pool line: what a channel may sell of a SKU in a warehouse."""

    channel: str
    warehouse: str
    sku: str
    qty: Decimal
    target_qty: Decimal | None
    target_share_pct: Decimal | None
    threshold_qty: Decimal
    updated_at: datetime


class RebalanceLineOut(BaseModel):
    """One pool's difference in a rebalance run."""

    channel: str
    warehouse: str
    sku: str
    available: Decimal
    distributable: Decimal
    target: Decimal
    qty_before: Decimal
    qty_after: Decimal
    difference: Decimal
    is_below_threshold: bool


class RebalanceRunOut(Emitted):
    """A rebalance run (its lines only on the run's own page)."""

    id: int
    ran_at: datetime
    actor: str
    line_count: int
    changed_count: int
    paused_channels: list[str]
    task_count: int
    lines: list[RebalanceLineOut] | None = None


class ReplenishmentTaskOut(BaseModel):
    """A pool below its threshold waiting for stock."""

    id: int
    channel: str
    warehouse: str
    sku: str
    #: What the pool needs to reach its target (target − held when opened).
    short_qty: Decimal
    status: Literal["open", "done"]
    run_id: int
    #: Who is to bring the stock (``role:purchasing``).
    assignee: str
    created_at: datetime


class InvoiceLineIn(Strict):
    """What the supplier bills for one purchase order line."""

    order_line_no: LineNo
    qty: PositiveQty
    amount: Amount


class InvoiceCreate(Strict):
    """A supplier invoice against a purchase order (三单匹配 runs at once)."""

    purchase_order_no: DocNo
    invoiced_at: AwareDatetime
    lines: list[InvoiceLineIn] = Field(min_length=1, max_length=200)
    no: DocNo | None = None


class InvoiceLineOut(BaseModel):
    """One line of an invoice."""

    line_no: int
    order_line_no: int
    qty: Decimal
    amount: Decimal


class MatchOut(BaseModel):
    """The last three-way match of an invoice, with every reason it failed."""

    outcome: Literal["matched", "mismatched"]
    tolerance: Decimal
    reasons: list[dict[str, Any]]
    checked_at: datetime


class VoucherOut(BaseModel):
    """A payable voucher (应付凭证)."""

    no: str
    invoice_no: str
    amount: Decimal
    is_tax_trusted: bool
    created_at: datetime


class InvoiceOut(Emitted):
    """A supplier invoice with its last match and voucher."""

    no: str
    status: Literal["recorded", "matched", "mismatched"]
    purchase_order_no: str
    supplier: str
    invoiced_at: datetime
    total_amount: Decimal
    lines: list[InvoiceLineOut]
    match: MatchOut | None
    voucher: VoucherOut | None


class PolicyIn(Strict):
    """Safety stock and reorder point of a SKU × warehouse: typed in, or computed."""

    sku: Sku
    warehouse: Code
    mode: Literal["static", "computed"]
    supplier: Name
    lead_time_days: Annotated[int, Field(ge=1, le=365)]
    service_level_pct: Annotated[Decimal, Field(gt=0, lt=100, decimal_places=3)] = \
        Decimal("95")
    lookback_days: Annotated[int, Field(ge=2, le=366)] = 28
    safety_stock: Qty = Decimal("0")
    reorder_point: Qty = Decimal("0")
    order_up_to: Qty | None = None
    unit_price: Amount = Decimal("0.00")


class PolicyOut(Emitted):
    """A replenishment policy with what it computed."""

    sku: str
    warehouse: str
    mode: Literal["static", "computed"]
    supplier: str
    lead_time_days: int
    service_level_pct: Decimal
    lookback_days: int
    safety_stock: Decimal
    reorder_point: Decimal
    order_up_to: Decimal | None
    unit_price: Decimal
    mean_daily_demand: Decimal | None
    demand_stdev: Decimal | None
    computed_at: datetime | None


class SuggestionOut(BaseModel):
    """A SKU at or below its reorder point and how much to order."""

    id: int
    sku: str
    warehouse: str
    supplier: str
    position: Decimal
    reorder_point: Decimal
    safety_stock: Decimal
    suggested_qty: Decimal
    status: Literal["open", "ordered"]
    purchase_order_no: str | None
    created_at: datetime


class SuggestionsOut(Emitted):
    """The open suggestions after a run."""

    suggestions: list[SuggestionOut]


class DraftOrdersOut(Emitted):
    """The draft purchase orders made from suggestions."""

    purchase_orders: list[PurchaseOrderOut]
