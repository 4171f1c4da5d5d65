"""Every (state, target) pair of the version lifecycle: allowed ones pass, others are
refused with the allowed next states named."""

from __future__ import annotations

import pytest

from engine.governance.errors import InvalidVersionTransition
from engine.governance.lifecycle import TRANSITIONS, VersionState, check_transition

S = VersionState
ALLOWED = {
    (S.DRAFT, S.SANDBOX), (S.DRAFT, S.RETIRED),
    (S.SANDBOX, S.SHADOW), (S.SANDBOX, S.DRAFT), (S.SANDBOX, S.RETIRED),
    (S.SHADOW, S.AWAITING_REVIEW), (S.SHADOW, S.DRAFT), (S.SHADOW, S.RETIRED),
    (S.AWAITING_REVIEW, S.PRODUCTION), (S.AWAITING_REVIEW, S.DRAFT),
    (S.AWAITING_REVIEW, S.RETIRED),
    (S.PRODUCTION, S.RETIRED),
    (S.RETIRED, S.PRODUCTION),  # rollback
}
PAIRS = [(a, b) for a in S for b in S]


def test_the_table_is_exactly_the_documented_one():
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED


@pytest.mark.parametrize(("state", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_each_pair_is_allowed_or_refused_with_the_allowed_states(state, target):
    if (state, target) in ALLOWED:
        assert check_transition(7, state, target) is target
        return
    with pytest.raises(InvalidVersionTransition) as refused:
        check_transition(7, state, target)
    error = refused.value
    assert error.http_status == 409
    assert error.context["allowed"] == ", ".join(s.value for s in TRANSITIONS[state])
    assert str(state.value) in error.render("zh-CN") and target.value in error.render("en")


def test_an_unknown_state_name_is_refused_too():
    with pytest.raises(InvalidVersionTransition):
        check_transition(1, "draft", "live")
