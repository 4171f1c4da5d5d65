"""Every (status, action) pair of the work order machine: allowed → next, else refused."""

from __future__ import annotations

from itertools import product

import pytest

from inventory.documents.errors import InvalidTransition
from inventory.manufacturing.work_order import (
    EVENTS,
    TRANSITIONS,
    WorkOrderAction,
    WorkOrderStatus,
    transition,
)

S, A = WorkOrderStatus, WorkOrderAction

#: The allowed moves, written out independently of the module's table.
ALLOWED = {
    (S.DRAFT, A.RELEASE): S.RELEASED,  # handed to the shop floor
    (S.DRAFT, A.CANCEL): S.CANCELLED,  # nothing done yet
    (S.RELEASED, A.ISSUE): S.ISSUED,  # components leave the warehouse
    (S.RELEASED, A.CANCEL): S.CANCELLED,  # components still in stock
    (S.ISSUED, A.RECEIVE): S.RECEIVED,  # finished goods come in
    (S.RECEIVED, A.CLOSE): S.CLOSED,  # finished, closed
}


@pytest.mark.parametrize(("status", "action"), list(product(S, A)), ids=lambda v: str(v))
def test_every_pair(status: WorkOrderStatus, action: WorkOrderAction) -> None:
    if (status, action) in ALLOWED:
        assert transition(status, action) is ALLOWED[(status, action)]
        return
    with pytest.raises(InvalidTransition) as info:
        transition(status, action, "WO-1")
    allowed = [a.value for (s, a) in ALLOWED if s is status]
    assert sorted(info.value.allowed_actions) == sorted(allowed)
    assert info.value.http_status == 409
    assert info.value.render("zh-CN").startswith("生产工单 WO-1")
    for name in allowed:
        assert name in info.value.render("en") and name in info.value.render("zh-CN")


def test_the_table_is_exactly_the_allowed_moves() -> None:
    table = {(s, a): n for s, moves in TRANSITIONS.items() for a, n in moves.items()}
    assert table == ALLOWED


def test_closed_and_cancelled_are_final() -> None:
    assert S.CLOSED not in TRANSITIONS and S.CANCELLED not in TRANSITIONS


def test_every_action_names_its_event() -> None:
    assert set(EVENTS) == set(A)
    assert all(name.startswith("work_order.") for name in EVENTS.values())
