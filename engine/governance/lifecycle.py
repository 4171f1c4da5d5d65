"""The lifecycle of a rule-set version as data: states, allowed transitions, one pure check.

draft → sandbox (rule tests pass) → shadow (live beside production, or a fast replay) →
awaiting review → production → retired. A rejected or withdrawn version goes back to
draft; a retired version that was once in production can be promoted again (rollback).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from engine.governance.errors import InvalidVersionTransition


class VersionState(StrEnum):
    """Where a version stands."""

    DRAFT = "draft"  # written, editable by saving a new version; tests not yet green
    SANDBOX = "sandbox"  # every rule test passed; try it against copies of real stock
    SHADOW = "shadow"  # evaluated beside production on live or replayed events
    AWAITING_REVIEW = "awaiting_review"  # divergence measured; waiting for a reviewer
    PRODUCTION = "production"  # changes real stock (for all keys, or a gray share)
    RETIRED = "retired"  # replaced or withdrawn; kept for lineage and rollback


S = VersionState
#: state → states it may go to next. Anything else is refused with this list.
TRANSITIONS: Final[dict[VersionState, tuple[VersionState, ...]]] = {
    S.DRAFT: (S.SANDBOX, S.RETIRED),
    S.SANDBOX: (S.SHADOW, S.DRAFT, S.RETIRED),
    S.SHADOW: (S.AWAITING_REVIEW, S.DRAFT, S.RETIRED),
    S.AWAITING_REVIEW: (S.PRODUCTION, S.DRAFT, S.RETIRED),
    S.PRODUCTION: (S.RETIRED,),
    S.RETIRED: (S.PRODUCTION,),
}


def allowed_next(state: str) -> tuple[VersionState, ...]:
    """The states a version in ``state`` may move to."""
    return TRANSITIONS[VersionState(state)]


def check_transition(version_id: int, state: str, target: str) -> VersionState:
    """Return ``target`` as a state when ``state → target`` is allowed.

    Raises:
        InvalidVersionTransition: the move is not in the table (names the allowed ones).
    """
    allowed = allowed_next(state)
    try:
        wanted = VersionState(target)
    except ValueError:
        wanted = None
    if wanted is None or wanted not in allowed:
        raise InvalidVersionTransition(
            version_id=version_id, state=state, target=target,
            allowed=", ".join(s.value for s in allowed) or "none")
    return wanted
