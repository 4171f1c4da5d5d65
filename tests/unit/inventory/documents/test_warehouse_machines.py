"""Every (status, action) pair of the transfer, adjustment and stocktake machines.

Allowed → the next status; anything else → ``InvalidTransition`` naming the allowed
actions and the statuses they lead to. The allowed moves are written out here,
independently of the modules' tables, and the tables must equal them.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from itertools import product
from types import ModuleType
from typing import Any

import pytest

from inventory.documents import adjustment, stocktake, transfer
from inventory.documents.errors import InvalidTransition

T, TA = transfer.TransferStatus, transfer.TransferAction
J, JA = adjustment.AdjustmentStatus, adjustment.AdjustmentAction
K, KA = stocktake.StocktakeStatus, stocktake.StocktakeAction

ALLOWED: dict[str, dict[tuple[Any, Any], Any]] = {
    "transfer": {
        (T.DRAFT, TA.DISPATCH): T.IN_TRANSIT,  # 调出: into the source's transit location
        (T.DRAFT, TA.CANCEL): T.CANCELLED,  # nothing moved yet
        (T.IN_TRANSIT, TA.RECEIVE): T.RECEIVED,  # 调入 at the destination
        (T.IN_TRANSIT, TA.RETURN): T.RETURNED,  # back to the source, never arrived
    },
    "adjustment": {
        (J.DRAFT, JA.POST): J.POSTED,  # within the threshold
        (J.DRAFT, JA.SUBMIT): J.AWAITING_APPROVAL,  # above it: a second user decides
        (J.DRAFT, JA.CANCEL): J.CANCELLED,
        (J.AWAITING_APPROVAL, JA.APPROVE): J.POSTED,
        (J.AWAITING_APPROVAL, JA.REJECT): J.REJECTED,
        (J.AWAITING_APPROVAL, JA.CANCEL): J.CANCELLED,
    },
    "stocktake": {
        (K.COUNTING, KA.COUNT): K.COUNTING,  # counts add up while counting
        (K.COUNTING, KA.CLOSE): K.CLOSED,
        (K.COUNTING, KA.CANCEL): K.CANCELLED,
        (K.CLOSED, KA.REOPEN): K.COUNTING,
        (K.CLOSED, KA.POST): K.POSTED,  # variances become an adjustment
        (K.CLOSED, KA.CANCEL): K.CANCELLED,
    },
}
MACHINES: dict[str, tuple[ModuleType, type[StrEnum], type[StrEnum]]] = {
    "transfer": (transfer, T, TA),
    "adjustment": (adjustment, J, JA),
    "stocktake": (stocktake, K, KA),
}
PAIRS = [pytest.param(name, status, action, id=f"{name}-{status}-{action}")
         for name, (_, statuses, actions) in MACHINES.items()
         for status, action in product(statuses, actions)]


@pytest.mark.parametrize(("name", "status", "action"), PAIRS)
def test_every_pair(name: str, status: StrEnum, action: StrEnum) -> None:
    module = MACHINES[name][0]
    move: Callable[..., StrEnum] = module.transition
    allowed = ALLOWED[name]
    if (status, action) in allowed:
        assert move(status, action) is allowed[(status, action)]
        return
    with pytest.raises(InvalidTransition) as info:
        move(status, action, "X-1")
    expected = {a.value: n.value for (s, a), n in allowed.items() if s is status}
    assert dict(zip(info.value.allowed_actions, info.value.next_states, strict=True)) == expected
    assert info.value.code == "document.invalid_transition" and info.value.http_status == 409
    assert info.value.context["document"] == name
    for text in (info.value.render("en"), info.value.render("zh-CN")):
        for action_name, next_state in expected.items():
            assert action_name in text and next_state in text


@pytest.mark.parametrize("name", MACHINES)
def test_the_table_is_exactly_the_allowed_moves(name: str) -> None:
    module = MACHINES[name][0]
    table = {(s, a): n for s, moves in module.TRANSITIONS.items() for a, n in moves.items()}
    assert table == ALLOWED[name]


@pytest.mark.parametrize("name", MACHINES)
def test_every_action_emits_an_event_of_its_document(name: str) -> None:
    module, _, actions = MACHINES[name]
    assert set(module.EVENTS) == set(actions)
    assert all(event.startswith(f"{name}.") for event in module.EVENTS.values())
