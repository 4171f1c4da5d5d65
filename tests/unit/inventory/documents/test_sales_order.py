"""Every (status, action) pair of the sales order machine: allowed → next, else refused."""

from __future__ import annotations

from itertools import product

import pytest

from inventory.documents.errors import InvalidTransition
from inventory.documents.sales_order import (
    EVENTS,
    TRANSITIONS,
    SalesOrderAction,
    SalesOrderStatus,
    transition,
)

S, A = SalesOrderStatus, SalesOrderAction

#: The allowed moves, written out independently of the module's table.
ALLOWED = {
    (S.DRAFT, A.CONFIRM): S.CONFIRMED,  # confirming reserves stock
    (S.DRAFT, A.CANCEL): S.CANCELLED,  # a draft may be dropped
    (S.CONFIRMED, A.SHIP_PART): S.PARTIALLY_SHIPPED,  # first shipment leaves some open
    (S.CONFIRMED, A.SHIP_ALL): S.SHIPPED,  # one shipment takes everything
    (S.CONFIRMED, A.CANCEL): S.CANCELLED,  # holds are released
    (S.PARTIALLY_SHIPPED, A.SHIP_PART): S.PARTIALLY_SHIPPED,  # another partial shipment
    (S.PARTIALLY_SHIPPED, A.SHIP_ALL): S.SHIPPED,  # the last shipment
    (S.PARTIALLY_SHIPPED, A.CANCEL): S.CANCELLED,  # the rest is released
    (S.SHIPPED, A.CLOSE): S.CLOSED,  # filed
}


@pytest.mark.parametrize(("status", "action"), list(product(S, A)),
                         ids=lambda v: str(v))
def test_every_pair(status: SalesOrderStatus, action: SalesOrderAction) -> None:
    if (status, action) in ALLOWED:
        assert transition(status, action) is ALLOWED[(status, action)]
        return
    with pytest.raises(InvalidTransition) as info:
        transition(status, action, "SO-1")
    allowed = [a.value for (s, a) in ALLOWED if s is status]
    assert sorted(info.value.allowed_actions) == sorted(allowed)
    assert info.value.code == "document.invalid_transition"
    assert info.value.http_status == 409
    for name in allowed:
        assert name in info.value.render("en") and name in info.value.render("zh-CN")
    assert "SO-1" in info.value.render("zh-CN")


def test_the_table_is_exactly_the_allowed_moves() -> None:
    table = {(s, a): n for s, moves in TRANSITIONS.items() for a, n in moves.items()}
    assert table == ALLOWED


def test_final_statuses_allow_nothing() -> None:
    for status in (S.CLOSED, S.CANCELLED):
        with pytest.raises(InvalidTransition) as info:
            transition(status, A.CONFIRM)
        assert info.value.allowed_actions == ()
        assert "—" in info.value.render("en")


def test_every_action_emits_a_sales_order_event() -> None:
    assert set(EVENTS) == set(A)
    assert all(e.startswith("sales_order.") for e in EVENTS.values())
    assert EVENTS[A.CONFIRM] == "sales_order.confirmed"
