"""Every (status, action) pair of the shipment machine: allowed → next, else refused."""

from __future__ import annotations

from itertools import product

import pytest

from inventory.documents.errors import InvalidTransition
from inventory.documents.shipment import (
    EVENTS,
    TRANSITIONS,
    ShipmentAction,
    ShipmentStatus,
    transition,
)

S, A = ShipmentStatus, ShipmentAction

#: The allowed moves, written out independently of the module's table.
ALLOWED = {
    (S.DRAFT, A.PICK): S.PICKED,  # goods taken from their bins
    (S.DRAFT, A.CANCEL): S.CANCELLED,  # nothing done yet
    (S.PICKED, A.PACK): S.PACKED,  # goods packed
    (S.PICKED, A.CANCEL): S.CANCELLED,  # put back, nothing left
    (S.PACKED, A.SHIP): S.SHIPPED,  # handed to the carrier
    (S.PACKED, A.CANCEL): S.CANCELLED,  # unpacked, nothing left
}


@pytest.mark.parametrize(("status", "action"), list(product(S, A)),
                         ids=lambda v: str(v))
def test_every_pair(status: ShipmentStatus, action: ShipmentAction) -> None:
    if (status, action) in ALLOWED:
        assert transition(status, action) is ALLOWED[(status, action)]
        return
    with pytest.raises(InvalidTransition) as info:
        transition(status, action, "SH-1")
    allowed = [a.value for (s, a) in ALLOWED if s is status]
    assert sorted(info.value.allowed_actions) == sorted(allowed)
    assert info.value.code == "document.invalid_transition"
    for name in allowed:
        assert name in info.value.render("en") and name in info.value.render("zh-CN")


def test_the_table_is_exactly_the_allowed_moves() -> None:
    table = {(s, a): n for s, moves in TRANSITIONS.items() for a, n in moves.items()}
    assert table == ALLOWED


def test_every_action_emits_a_shipment_event() -> None:
    assert set(EVENTS) == set(A)
    assert EVENTS[A.SHIP] == "shipment.shipped"
