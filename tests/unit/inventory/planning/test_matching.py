"""Three-way match, the pure check: amounts within a tolerance, dates within 72 h."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from inventory.planning.matching import LineAmounts, check

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
TOL = Decimal("1.00")


def line(ordered: str = "125.00", accepted: str = "125.00", invoiced: str = "125.00"
         ) -> LineAmounts:
    return LineAmounts(line_no=1, sku="SKU-1", ordered=Decimal(ordered),
                       accepted=Decimal(accepted), invoiced=Decimal(invoiced))


def test_equal_amounts_within_72_hours_match():
    assert check([line()], T0, T0 + timedelta(hours=30), T0 + timedelta(hours=72), TOL) == []


def test_a_difference_within_the_tolerance_matches():
    assert check([line(invoiced="125.99")], T0, T0, T0, TOL) == []


@pytest.mark.parametrize(("amounts", "subject", "actual"), [
    ({"invoiced": "126.01"}, "invoice", "126.01"),  # one cent past the tolerance
    ({"accepted": "100.00"}, "receipt", "100.00"),  # part of the order never arrived
])
def test_an_amount_off_names_the_document_and_both_amounts(amounts, subject, actual):
    [reason] = check([line(**amounts)], T0, T0, T0, TOL)
    assert (reason.check, reason.subject, reason.expected, reason.actual, reason.line_no) == (
        "amount", subject, "125.00", actual, 1)
    assert actual in reason.message_en and actual in reason.message_zh


def test_dates_further_than_72_hours_apart_name_the_pair():
    reasons = check([line()], T0, T0 + timedelta(hours=20), T0 + timedelta(hours=83), TOL)
    assert [(r.check, r.subject, r.actual) for r in reasons] == [
        ("date", "purchase_order/invoice", "83 h")]
    assert "72" in reasons[0].message_zh


def test_nothing_put_away_is_a_reason_of_its_own():
    reasons = check([line(accepted="0.00")], T0, None, T0, TOL)
    assert {r.check for r in reasons} == {"amount", "receipt"}
