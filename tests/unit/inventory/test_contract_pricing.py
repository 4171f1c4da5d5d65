"""Graduated tiers and per-unit prices of metered usage: exact, and refused when malformed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.contracts.pricing import PricingError, charge, plan_from, to_cents

TIERED = {"unit": "次", "pricing": "tiered", "tiers": [
    {"up_to": "1000", "unit_price": "0.05"}, {"up_to": "5000", "unit_price": "0.03"},
    {"unit_price": "0.0125"}]}


def test_each_tier_prices_only_the_units_inside_it() -> None:
    bands = charge(Decimal("6001"), plan_from("api_calls", TIERED))
    assert [(b.low, b.high, b.qty) for b in bands] == [
        (Decimal(0), Decimal(1000), Decimal(1000)), (Decimal(1000), Decimal(5000), Decimal(4000)),
        (Decimal(5000), None, Decimal(1001))]
    # 1001 × 0.0125 = 12.5125 → 12.51 (half-up to the cent, per band)
    assert [b.amount for b in bands] == [Decimal("50.00"), Decimal("120.00"), Decimal("12.51")]


def test_usage_inside_the_first_tier_and_zero_usage() -> None:
    plan = plan_from("api_calls", TIERED)
    assert [(b.qty, b.amount) for b in charge(Decimal("999.5"), plan)] == [
        (Decimal("999.5"), Decimal("49.98"))]  # 49.975 rounds half-up
    assert charge(Decimal(0), plan) == []


@given(st.decimals(min_value=0, max_value=10**7, places=3))
def test_bands_add_up_to_the_usage_and_the_amounts_to_their_rounded_products(qty: Decimal
                                                                            ) -> None:
    bands = charge(qty, plan_from("api_calls", TIERED))
    assert sum((b.qty for b in bands), Decimal(0)) == qty
    assert all(b.amount == to_cents(b.qty * b.unit_price) for b in bands)
    assert all(b.qty > 0 for b in bands)


def test_per_unit_is_one_open_tier() -> None:
    plan = plan_from("hours", {"pricing": "per_unit", "tiers": [{"unit_price": "180.00"}]})
    assert [b.amount for b in charge(Decimal("7.5"), plan)] == [Decimal("1350.00")]


@pytest.mark.parametrize("raw", [
    {"pricing": "monthly", "tiers": [{"unit_price": "1"}]},
    {"pricing": "tiered", "tiers": []},
    {"pricing": "tiered", "tiers": [{"up_to": "10", "unit_price": "1"}]},
    {"pricing": "tiered", "tiers": [{"up_to": "10", "unit_price": "1"},
                                    {"up_to": "5", "unit_price": "1"}, {"unit_price": "1"}]},
    {"pricing": "tiered", "tiers": [{"unit_price": "1"}, {"unit_price": "1"}]},
    {"pricing": "per_unit", "tiers": [{"unit_price": "1"}, {"unit_price": "2"}]},
    {"pricing": "per_unit", "tiers": [{"unit_price": "-1"}]},
    {"pricing": "per_unit", "tiers": [{"unit_price": "0.0000001"}]},
    {"pricing": "per_unit", "tiers": [{"unit_price": "abc"}]},
])
def test_malformed_prices_are_refused_in_both_languages(raw: dict[str, object]) -> None:
    with pytest.raises(PricingError) as caught:
        plan_from("m", raw)
    assert caught.value.reason_en and caught.value.reason_zh != caught.value.reason_en
