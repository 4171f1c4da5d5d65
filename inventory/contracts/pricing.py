"""Prices of metered usage (计量计费), the pure part.

A metric is priced **per unit** (one unit price for every unit) or **tiered** (graduated:
each tier's unit price applies to the units that fall within that tier only)::

    tiers = [{up_to = "1000", unit_price = "0.0500"},    # units 0 – 1000
             {up_to = "10000", unit_price = "0.0300"},   # units 1000 – 10000
             {unit_price = "0.0100"}]                    # everything above (no up_to)

Quantities and prices are exact ``Decimal`` (prices with up to 6 places). Each band's amount
is quantity × unit price rounded half-up to the cent (分); the metric's charge is the sum of
its band amounts. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

CENT = Decimal("0.01")
_ZERO = Decimal("0")
Pricing = Literal["per_unit", "tiered"]


class PricingError(ValueError):
    """A price plan that is not a valid per-unit or tiered price."""

    def __init__(self, reason_en: str, reason_zh: str) -> None:
        super().__init__(reason_en)
        self.reason_en = reason_en
        self.reason_zh = reason_zh


@dataclass(frozen=True, slots=True)
class Tier:
    """Units up to ``up_to`` (None: no upper bound) cost ``unit_price`` each."""

    up_to: Decimal | None
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class PricePlan:
    """How one metric of a contract is priced."""

    metric: str
    unit: str
    pricing: Pricing
    tiers: tuple[Tier, ...]


@dataclass(frozen=True, slots=True)
class Band:
    """The units of one tier and what they cost."""

    low: Decimal
    high: Decimal | None
    qty: Decimal
    unit_price: Decimal
    amount: Decimal


def plan_from(metric: str, raw: Mapping[str, Any]) -> PricePlan:
    """A price plan from its stored or typed form (decimals as text), validated.

    Raises:
        PricingError: unknown pricing, no tiers, a negative or over-precise price, tiers not
            rising, or a last tier with an upper bound.
    """
    pricing = raw.get("pricing")
    if pricing not in ("per_unit", "tiered"):
        raise PricingError("pricing must be per_unit or tiered", "计价方式须为 per_unit 或 tiered")
    tiers = tuple(Tier(_decimal(t.get("up_to")) if t.get("up_to") is not None else None,
                       _price(t.get("unit_price"))) for t in raw.get("tiers", ()))
    check_tiers(tiers, pricing)
    return PricePlan(metric=metric, unit=str(raw.get("unit", "")), pricing=pricing, tiers=tiers)


def plan_data(plan: PricePlan) -> dict[str, Any]:
    """The stored form of ``plan`` (decimals as text, exact)."""
    return {"unit": plan.unit, "pricing": plan.pricing,
            "tiers": [{"up_to": None if t.up_to is None else str(t.up_to),
                       "unit_price": str(t.unit_price)} for t in plan.tiers]}


def check_tiers(tiers: Sequence[Tier], pricing: Pricing) -> None:
    """Raise :class:`PricingError` unless ``tiers`` fit ``pricing``."""
    if not tiers:
        raise PricingError("give at least one tier", "至少给出一档价格")
    if pricing == "per_unit" and (len(tiers) != 1 or tiers[0].up_to is not None):
        raise PricingError("a per-unit price has one tier without up_to",
                           "按量单价只有一档，且不设上限")
    if tiers[-1].up_to is not None:
        raise PricingError("the last tier has no up_to", "最后一档不设上限")
    bounds = [t.up_to for t in tiers[:-1]]
    if any(b is None for b in bounds):
        raise PricingError("only the last tier may omit up_to", "只有最后一档可以不设上限")
    limits = [b for b in bounds if b is not None]
    if any(b <= 0 for b in limits) or limits != sorted(set(limits)):
        raise PricingError("up_to must be positive and rising", "各档上限须为正且递增")


def charge(qty: Decimal, plan: PricePlan) -> list[Band]:
    """The bands ``qty`` units fall into and what each costs (graduated tiers). Pure.

    Raises:
        ValueError: a negative quantity.
    """
    if qty < 0:
        raise ValueError("usage cannot be negative")
    bands: list[Band] = []
    low = _ZERO
    for tier in plan.tiers:
        high = tier.up_to
        inside = (qty if high is None else min(qty, high)) - low
        if inside <= 0:
            break
        bands.append(Band(low=low, high=high, qty=inside, unit_price=tier.unit_price,
                          amount=to_cents(inside * tier.unit_price)))
        if high is None:
            break
        low = high
    return bands


def to_cents(amount: Decimal) -> Decimal:
    """``amount`` rounded half-up to the cent."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(value: Any) -> Decimal:
    try:
        found = Decimal(str(value))
    except InvalidOperation as exc:
        raise PricingError(f"{value!r} is not a number", f"{value!r} 不是数字") from exc
    if not found.is_finite():
        raise PricingError(f"{value!r} is not a number", f"{value!r} 不是数字")
    return found


def _price(value: Any) -> Decimal:
    price = _decimal(value)
    if price < 0 or price != price.quantize(Decimal("0.000001")):
        raise PricingError("a unit price is ≥ 0 with at most 6 decimal places",
                           "单价须 ≥ 0，最多 6 位小数")
    return price
