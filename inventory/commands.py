"""Commands that change stock, as frozen values checked on construction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from inventory.errors import InvalidQuantity, SameWarehouseTransfer
from kernel.types import QTY_MAX, QTY_PLACES


def checked_qty(value: Decimal | int | str, *, signed: bool = False) -> Decimal:
    """Return ``value`` as a Decimal with 3 places, refusing zero, negatives, NaN and huge numbers.

    Raises:
        InvalidQuantity: the value is not a finite positive (or, if ``signed``, non-zero)
            number of at most 3 decimals and at most 10^12.
    """
    try:
        qty = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidQuantity(qty=value, reason="not a number", reason_zh="不是数字") from exc
    if not qty.is_finite():
        raise InvalidQuantity(qty=value, reason="not a finite number", reason_zh="不是有限数")
    if qty == 0 or (qty < 0 and not signed):
        reason = ("must not be zero", "不能为零") if signed else ("must be greater than zero",
                                                                  "必须大于零")
        raise InvalidQuantity(qty=value, reason=reason[0], reason_zh=reason[1])
    if abs(qty) > QTY_MAX:
        raise InvalidQuantity(qty=value, reason=f"larger than {QTY_MAX}",
                              reason_zh=f"超过上限 {QTY_MAX}")
    if qty != qty.quantize(QTY_PLACES):
        raise InvalidQuantity(qty=value, reason="more than 3 decimal places",
                              reason_zh="小数位超过 3 位")
    return qty.quantize(QTY_PLACES)


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentRef:
    """The business document a movement belongs to (e.g. ``sales_order`` ``SO-1001``)."""

    type: str
    ref: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """A delivery address as the order or the shop gave it."""

    text: str
    #: Whether an address check found it real (None: not checked).
    is_real: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """Which event, rule version and node caused a command (filled by the engine)."""

    cause_event_id: str | None = None
    rule_version: str | None = None
    rule_node: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiveStock:
    """Goods arrive in a warehouse (入库)."""

    sku: str
    warehouse: str
    qty: Decimal
    lot_no: str | None = None
    expiry_date: date | None = None
    bin: str | None = None
    document: DocumentRef | None = None
    note: str = ""
    name = "receive"

    def __post_init__(self) -> None:
        object.__setattr__(self, "qty", checked_qty(self.qty))


@dataclass(frozen=True, slots=True, kw_only=True)
class ShipStock:
    """Goods leave a warehouse (出库); FEFO picks lots when none is named."""

    sku: str
    warehouse: str
    qty: Decimal
    lot_no: str | None = None
    reservation_id: str | None = None
    document: DocumentRef | None = None
    note: str = ""
    name = "ship"

    def __post_init__(self) -> None:
        object.__setattr__(self, "qty", checked_qty(self.qty))


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferStock:
    """Goods move between two warehouses, both legs in one transaction (调拨)."""

    sku: str
    from_warehouse: str
    to_warehouse: str
    qty: Decimal
    lot_no: str | None = None
    document: DocumentRef | None = None
    note: str = ""
    name = "transfer"

    def __post_init__(self) -> None:
        object.__setattr__(self, "qty", checked_qty(self.qty))
        if self.from_warehouse == self.to_warehouse:
            raise SameWarehouseTransfer(warehouse=self.from_warehouse)


@dataclass(frozen=True, slots=True, kw_only=True)
class AdjustStock:
    """A counted correction (库存调整): signed quantity and a reason, always."""

    sku: str
    warehouse: str
    qty: Decimal
    reason: str
    lot_no: str | None = None
    expiry_date: date | None = None
    document: DocumentRef | None = None
    name = "adjust"

    def __post_init__(self) -> None:
        object.__setattr__(self, "qty", checked_qty(self.qty, signed=True))
        if not self.reason.strip():
            raise InvalidQuantity(qty=self.qty, reason="an adjustment needs a reason",
                                  reason_zh="库存调整必须填写原因")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReserveStock:
    """Hold available stock for an order, optionally until ``ttl_seconds`` pass (预占)."""

    sku: str
    warehouse: str
    qty: Decimal
    ttl_seconds: int | None = None
    document: DocumentRef | None = None
    #: The delivery address, when the caller knows it (guards may refuse on it).
    address: Address | None = None
    name = "reserve"

    def __post_init__(self) -> None:
        object.__setattr__(self, "qty", checked_qty(self.qty))
        if self.ttl_seconds is not None and not 0 < self.ttl_seconds <= 366 * 86400:
            raise InvalidQuantity(qty=self.ttl_seconds, reason="ttl must be 1 s to 366 days",
                                  reason_zh="有效期必须在 1 秒到 366 天之间")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseReservation:
    """Give a hold back to available stock."""

    reservation_id: str
    name = "release"


Command = ReceiveStock | ShipStock | TransferStock | AdjustStock | ReserveStock | ReleaseReservation


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandContext:
    """Who runs a command, when, and why."""

    tenant_id: int
    actor: str
    idempotency_key: str | None = None
    provenance: Provenance = field(default_factory=Provenance)
