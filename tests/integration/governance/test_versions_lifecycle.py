"""Versions through governance on both databases: tests gate draft, evidence gates review,
the author never approves, a second approver when the rule set asks, an append-only audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from engine.governance import review, versions
from engine.governance.errors import (
    AlreadyReviewed,
    InvalidVersionTransition,
    NoShadowEvidence,
    RuleTestsNotPassed,
    SelfApproval,
)
from engine.governance.models import AuditEntry, VersionGovernance
from tests.integration.governance.conftest import (
    AUTHOR,
    PASSING_TESTS,
    REVIEWER,
    REVIEWER_2,
    deposit_rules,
)


def test_a_version_walks_draft_to_production_and_every_act_is_audited(gov):
    v = gov.version(deposit_rules())
    with pytest.raises(RuleTestsNotPassed, match="no rule tests were run"):
        gov.advance(v, "sandbox")
    failing = PASSING_TESTS.replace('deposit_amount = 0,', 'deposit_amount = 1,')
    assert gov.test(v, failing) is False
    with pytest.raises(RuleTestsNotPassed) as refused:
        gov.advance(v, "sandbox")
    assert "1 of 3 rule tests failed" in str(refused.value)
    assert gov.test(v) is True
    gov.advance(v, "sandbox")
    gov.advance(v, "shadow")
    with gov.db.read(gov.tenant_id) as s:
        row = s.get(VersionGovernance, v)
        assert row.shadow_until == gov.clock.now() + timedelta(hours=72)
    with pytest.raises(NoShadowEvidence):
        gov.advance(v, "awaiting_review")
    gov.replay(v)
    gov.advance(v, "awaiting_review")
    with pytest.raises(InvalidVersionTransition, match="approval by a reviewer"):
        gov.advance(v, "production")
    with pytest.raises(SelfApproval) as own:
        gov.approve(v, reviewer=AUTHOR)
    assert own.value.http_status == 403
    assert gov.state(v) == "awaiting_review"
    gov.approve(v)
    assert gov.state(v) == "production"
    with gov.db.read(gov.tenant_id) as s:
        acts = [(a.act, a.actor, a.from_state, a.to_state)
                for a in s.scalars(select(AuditEntry).where(AuditEntry.version_id == v)
                                   .order_by(AuditEntry.id))]
    assert acts == [
        ("created", AUTHOR, None, "draft"), ("tested", AUTHOR, None, None),
        ("tested", AUTHOR, None, None), ("transition", AUTHOR, "draft", "sandbox"),
        ("transition", AUTHOR, "sandbox", "shadow"),
        ("transition", AUTHOR, "shadow", "awaiting_review"),
        ("approve", REVIEWER, None, None), ("promote", REVIEWER, "awaiting_review",
                                            "production")]


def test_saving_the_same_rules_twice_is_one_version(gov):
    assert gov.version(deposit_rules()) == gov.version(deposit_rules() + "\n")


@pytest.mark.parametrize("statement", [
    lambda: update(AuditEntry).values(comment="rewritten"),  # history rewritten
    lambda: delete(AuditEntry),  # history erased
])
def test_the_audit_log_refuses_update_and_delete_in_the_database(gov, statement):
    gov.version(deposit_rules())
    with pytest.raises(DBAPIError, match="append-only"), gov.db.write(gov.tenant_id) as s:
        s.execute(statement())
    with gov.db.read(gov.tenant_id) as s:
        assert s.scalar(select(AuditEntry.comment)) == ""


def test_a_second_approver_when_the_rule_set_requires_two(gov):
    with gov.db.write(gov.tenant_id) as s:
        review.set_policy(s, gov.tenant_id, "deposit", 2, "user:admin", gov.clock.now())
    v = gov.version(deposit_rules())
    gov.to_review(v)
    gov.approve(v)
    assert gov.state(v) == "awaiting_review"
    with pytest.raises(AlreadyReviewed):
        gov.approve(v)  # the same reviewer counts once
    gov.approve(v, reviewer=REVIEWER_2)
    assert gov.state(v) == "production"


def test_reject_sends_back_to_draft_with_the_comment(gov):
    v = gov.version(deposit_rules())
    gov.to_review(v)
    with gov.db.write(gov.tenant_id) as s:
        review.reject(s, versions.get_version(s, v), REVIEWER, "hold too short",
                      gov.clock.now())
    assert gov.state(v) == "draft"
    with gov.db.read(gov.tenant_id) as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (last.act, last.comment, last.to_state) == ("reject", "hold too short", "draft")
    with pytest.raises(InvalidVersionTransition), gov.db.write(gov.tenant_id) as s:
        review.reject(s, versions.get_version(s, v), REVIEWER, "again", gov.clock.now())


def test_bad_steps_change_nothing(gov):
    v = gov.version(deposit_rules())
    with gov.db.read(gov.tenant_id) as s:
        before = s.execute(text("select count(*) from governance_audit where tenant_id = :t"),
                           {"t": gov.tenant_id}).scalar()
    for target in ("shadow", "awaiting_review", "production", "draft"):
        with pytest.raises(InvalidVersionTransition):
            gov.advance(v, target)
    with gov.db.read(gov.tenant_id) as s:
        after = s.execute(text("select count(*) from governance_audit where tenant_id = :t"),
                          {"t": gov.tenant_id}).scalar()
    assert after == before and gov.state(v) == "draft"
