"""Every (status, action) pair of the receipt machine, and the inspection check."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

import pytest

from inventory.documents.errors import InvalidTransition
from inventory.documents.receipt import (
    EVENTS,
    TRANSITIONS,
    Inspection,
    ReceiptAction,
    ReceiptStatus,
    inspection_failures,
    transition,
)

S, A = ReceiptStatus, ReceiptAction

#: The allowed moves, written out independently of the module's table.
ALLOWED = {
    (S.DRAFT, A.INSPECT): S.INSPECTED,  # the check is recorded
    (S.DRAFT, A.FREEZE): S.FROZEN,  # a rule may freeze before inspection
    (S.DRAFT, A.CANCEL): S.CANCELLED,  # goods refused at the door
    (S.INSPECTED, A.FREEZE): S.FROZEN,  # a failed check (same transaction) or a rule
    (S.INSPECTED, A.PUT_AWAY): S.PUT_AWAY,  # goods posted to stock
    (S.FROZEN, A.RELEASE): S.INSPECTED,  # a quality user lifts the freeze
    (S.FROZEN, A.CANCEL): S.CANCELLED,  # goods sent back
}


@pytest.mark.parametrize(("status", "action"), list(product(S, A)),
                         ids=lambda v: str(v))
def test_every_pair(status: ReceiptStatus, action: ReceiptAction) -> None:
    if (status, action) in ALLOWED:
        assert transition(status, action) is ALLOWED[(status, action)]
        return
    with pytest.raises(InvalidTransition) as info:
        transition(status, action, "RC-1")
    allowed = [a.value for (s, a) in ALLOWED if s is status]
    assert sorted(info.value.allowed_actions) == sorted(allowed)
    assert info.value.code == "document.invalid_transition"


def test_the_table_is_exactly_the_allowed_moves() -> None:
    table = {(s, a): n for s, moves in TRANSITIONS.items() for a, n in moves.items()}
    assert table == ALLOWED


def test_a_frozen_receipt_cannot_be_put_away() -> None:
    with pytest.raises(InvalidTransition) as info:
        transition(S.FROZEN, A.PUT_AWAY)
    assert set(info.value.allowed_actions) == {"release", "cancel"}


def _check(**kw: object) -> Inspection:
    fields: dict[str, object] = {"is_scanned": True, "photo_count": 1,
                                 "measured_weight_kg": Decimal("100"),
                                 "expected_weight_kg": Decimal("100")}
    return Inspection(**{**fields, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(("check", "failures"), [
    (_check(), []),  # scanned, one photo, exact weight
    (_check(measured_weight_kg=Decimal("102")), []),  # exactly at +2 %
    (_check(measured_weight_kg=Decimal("97.999")), ["weight"]),  # just below −2 %
    (_check(is_scanned=False), ["not scanned"]),  # no scan
    (_check(photo_count=0), ["no photo"]),  # no photo
    (_check(measured_weight_kg=None), ["weight not measured"]),  # expected but not weighed
    (_check(expected_weight_kg=None, measured_weight_kg=None), []),  # no weight check asked
    (_check(measured_weight_kg=Decimal("104"), tolerance_pct=Decimal("5")), []),  # wider band
    (_check(is_scanned=False, photo_count=0), ["not scanned", "no photo"]),  # both reported
])
def test_inspection(check: Inspection, failures: list[str]) -> None:
    found = inspection_failures(check)
    assert len(found) == len(failures)
    for got, want in zip(found, failures, strict=True):
        assert got.startswith(want)


def test_every_action_emits_a_receipt_event() -> None:
    assert set(EVENTS) == set(A)
    assert EVENTS[A.FREEZE] == "receipt.frozen"
