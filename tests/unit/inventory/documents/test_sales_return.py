"""Every (status, action) pair of the sales return machine, and its fixed reasons."""

from __future__ import annotations

from itertools import product

import pytest

from inventory.documents.errors import InvalidTransition
from inventory.documents.sales_return import (
    EVENTS,
    TRANSITIONS,
    ReturnReason,
    SalesReturnAction,
    SalesReturnStatus,
    transition,
)

S, A = SalesReturnStatus, SalesReturnAction

#: The allowed moves, written out independently of the module's table.
ALLOWED = {
    (S.DRAFT, A.POST): S.POSTED,  # goods received back
    (S.DRAFT, A.CANCEL): S.CANCELLED,  # the customer kept them
}


@pytest.mark.parametrize(("status", "action"), list(product(S, A)),
                         ids=lambda v: str(v))
def test_every_pair(status: SalesReturnStatus, action: SalesReturnAction) -> None:
    if (status, action) in ALLOWED:
        assert transition(status, action) is ALLOWED[(status, action)]
        return
    with pytest.raises(InvalidTransition) as info:
        transition(status, action, "RT-1")
    allowed = [a.value for (s, a) in ALLOWED if s is status]
    assert sorted(info.value.allowed_actions) == sorted(allowed)
    assert info.value.code == "document.invalid_transition"


def test_the_table_is_exactly_the_allowed_moves() -> None:
    table = {(s, a): n for s, moves in TRANSITIONS.items() for a, n in moves.items()}
    assert table == ALLOWED


def test_reasons_are_the_fixed_list() -> None:
    assert {r.value for r in ReturnReason} == {"damaged", "mismatch", "late", "other"}


def test_every_action_emits_a_sales_return_event() -> None:
    assert set(EVENTS) == set(A)
    assert EVENTS[A.POST] == "sales_return.posted"
