"""Every (status, action) pair of the purchase order machine: allowed → next, else refused."""

from __future__ import annotations

from itertools import product

import pytest

from inventory.documents.errors import InvalidTransition
from inventory.documents.purchase_order import (
    EVENTS,
    TRANSITIONS,
    PurchaseOrderAction,
    PurchaseOrderStatus,
    transition,
)

S, A = PurchaseOrderStatus, PurchaseOrderAction

#: The allowed moves, written out independently of the module's table.
ALLOWED = {
    (S.DRAFT, A.APPROVE): S.APPROVED,  # sent to the supplier
    (S.DRAFT, A.CANCEL): S.CANCELLED,  # a draft may be dropped
    (S.APPROVED, A.RECEIVE_PART): S.PARTIALLY_RECEIVED,  # first receipt leaves some open
    (S.APPROVED, A.RECEIVE_ALL): S.RECEIVED,  # one receipt brings everything
    (S.APPROVED, A.CANCEL): S.CANCELLED,  # nothing arrived yet
    (S.PARTIALLY_RECEIVED, A.RECEIVE_PART): S.PARTIALLY_RECEIVED,  # another partial receipt
    (S.PARTIALLY_RECEIVED, A.RECEIVE_ALL): S.RECEIVED,  # the last receipt
    (S.PARTIALLY_RECEIVED, A.CLOSE): S.CLOSED,  # closed short (强制结案)
    (S.RECEIVED, A.CLOSE): S.CLOSED,  # filed
}


@pytest.mark.parametrize(("status", "action"), list(product(S, A)),
                         ids=lambda v: str(v))
def test_every_pair(status: PurchaseOrderStatus, action: PurchaseOrderAction) -> None:
    if (status, action) in ALLOWED:
        assert transition(status, action) is ALLOWED[(status, action)]
        return
    with pytest.raises(InvalidTransition) as info:
        transition(status, action, "PO-1")
    allowed = [a.value for (s, a) in ALLOWED if s is status]
    assert sorted(info.value.allowed_actions) == sorted(allowed)
    assert info.value.code == "document.invalid_transition"
    for name in allowed:
        assert name in info.value.render("en") and name in info.value.render("zh-CN")


def test_the_table_is_exactly_the_allowed_moves() -> None:
    table = {(s, a): n for s, moves in TRANSITIONS.items() for a, n in moves.items()}
    assert table == ALLOWED


def test_every_action_emits_a_purchase_order_event() -> None:
    assert set(EVENTS) == set(A)
    assert all(e.startswith("purchase_order.") for e in EVENTS.values())
