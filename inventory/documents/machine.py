"""The one pure step every document state machine shares: look the pair up, or refuse."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from inventory.documents.errors import InvalidTransition

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)

#: status → {action → next status}; a status absent from the table is final.
Transitions = Mapping[S, Mapping[A, S]]


def step(table: Transitions[S, A], document: str, status: S, action: A, no: str = "") -> S:
    """The status after ``action``, from the document's transition table.

    Raises:
        InvalidTransition: ``status`` does not allow ``action``; lists the allowed ones.
    """
    allowed = table.get(status, {})
    if action not in allowed:
        raise InvalidTransition(document=document, status=status.value, action=action.value,
                                allowed=[a.value for a in allowed],
                                next_states=[n.value for n in allowed.values()], no=no)
    return allowed[action]
