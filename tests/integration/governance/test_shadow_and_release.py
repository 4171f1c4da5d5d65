"""Shadow live through the worker, fast replay with progress, the divergence gate, gray
release, widening and rollback — on both databases."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from engine import Worker
from engine.governance import review, versions
from engine.governance.errors import DivergenceTooHigh, NoPreviousVersion
from engine.governance.models import AuditEntry, ReplayJob, ShadowJournal
from engine.rule_handler import RuleHandler
from inventory import queries
from inventory.models import LedgerEntry
from tests.integration.governance.conftest import REVIEWER, deposit_rules

STRICTER = deposit_rules().replace("order.deposit_amount > 0", "order.deposit_amount > ¥50")


def reserved(gov, warehouse: str = "WH-A") -> Decimal:
    with gov.db.read(gov.tenant_id) as s:
        rows, _ = queries.balances(s, sku="TEA-1", warehouse=warehouse, offset=0, limit=1)
    return Decimal(rows[0]["reserved"])


def versions_on_ledger(gov) -> dict[str, int]:
    with gov.db.read(gov.tenant_id) as s:
        return dict(s.execute(select(LedgerEntry.rule_version, func.count())
                              .where(LedgerEntry.rule_version.is_not(None))
                              .group_by(LedgerEntry.rule_version)).all())


@pytest.fixture
def live(gov):
    """v1 (deposit > 0) in production and v2 (deposit > ¥50) in live shadow."""
    v1 = gov.version(deposit_rules())
    gov.to_production(v1)
    v2 = gov.version(STRICTER)
    assert gov.test(v2)
    gov.advance(v2, "sandbox")
    gov.advance(v2, "shadow")
    return v1, v2, Worker(gov.db, gov.clock, handler=RuleHandler(gov.cache))


def test_shadow_journals_beside_production_and_changes_nothing_real(gov, live):
    v1, v2, worker = live
    for n in range(20):
        gov.shop_order(f"SO-{n}", 5)  # both versions hold these
    gov.shop_order("SO-small", 5, deposit="30.00")  # only production holds this one
    worker.run_once()
    worker.run_once()
    assert reserved(gov) == 105  # production's holds only
    assert versions_on_ledger(gov) == {gov.get(v1).version_hash: 21}
    with gov.db.read(gov.tenant_id) as s:
        journal = s.scalars(select(ShadowJournal).where(ShadowJournal.version_id == v2)).all()
    # 21 orders, the 21 stock.reserved events they raised and the 2 opening receipts
    # (still pending when the shadow opened) were all seen by the shadow.
    assert len(journal) == 44
    small = [j for j in journal if j.production_actions and not j.candidate_actions]
    assert len(small) == 1 and small[0].production_actions[0]["lines"] == [
        {"sku": "TEA-1", "qty": "5"}]
    # Live journal and fast replay agree: |0 − 5| ÷ 105.
    with gov.db.read(gov.tenant_id) as s:
        from engine.governance.divergence_gate import journal_divergence
        shadow = journal_divergence(s, versions.get_version(s, v2), Decimal("0.05"))
    report = gov.replay(v2)
    for measured in (shadow, report):
        assert Decimal(measured["ratio"]) == Decimal(5) / Decimal(105)
        assert measured["is_above_limit"] is False
        assert measured["actions_removed"] == [
            {"rule": "deposit_locks_stock", "kind": "reserve", "count": 1}]
    with gov.db.read(gov.tenant_id) as s:
        job = s.scalars(select(ReplayJob).order_by(ReplayJob.id.desc())).first()
    assert (job.status, job.done, job.total) == ("done", 44, 44)
    gov.advance(v2, "awaiting_review")
    gov.approve(v2)  # 4.76 % is within 5 %
    assert (gov.state(v1), gov.state(v2)) == ("retired", "production")


def test_divergence_above_the_limit_needs_a_written_override(gov, live):
    _v1, v2, worker = live
    for n in range(20):
        gov.shop_order(f"SO-{n}", 5)
    for n in range(2):
        gov.shop_order(f"SO-small-{n}", 5, deposit="30.00")
    worker.run_once()
    report = gov.replay(v2)
    assert Decimal(report["ratio"]) == Decimal(10) / Decimal(110)  # 9.09 %
    gov.advance(v2, "awaiting_review")
    with pytest.raises(DivergenceTooHigh) as refused:
        gov.approve(v2)
    assert "9.09%" in str(refused.value)
    with pytest.raises(DivergenceTooHigh):
        gov.approve(v2, override_reason="   ")  # a reason must be written
    assert gov.state(v2) == "awaiting_review"
    gov.approve(v2, override_reason="小额定金订单不再锁库存，业务已确认")
    assert gov.state(v2) == "production"
    with gov.db.read(gov.tenant_id) as s:
        override = s.scalar(select(AuditEntry).where(AuditEntry.act == "override"))
    assert override.actor == REVIEWER and "业务已确认" in override.comment


def test_gray_release_by_warehouse_then_widen_then_roll_back(gov, live):
    v1, v2, worker = live
    gov.shop_order("SO-0", 5)
    worker.run_once()
    gov.replay(v2)
    gov.advance(v2, "awaiting_review")
    gov.approve(v2, rollout={"warehouses": ["WH-B"]})
    assert (gov.state(v1), gov.state(v2)) == ("production", "production")
    h1, h2 = gov.get(v1).version_hash, gov.get(v2).version_hash
    gov.shop_order("A-small", 3, warehouse="WH-A", deposit="30.00")  # v1 holds it
    gov.shop_order("B-small", 3, warehouse="WH-B", deposit="30.00")  # v2 does not
    gov.shop_order("B-big", 4, warehouse="WH-B")  # v2 holds it
    worker.run_once()
    assert (reserved(gov, "WH-A"), reserved(gov, "WH-B")) == (8, 4)
    assert versions_on_ledger(gov) == {h1: 2, h2: 1}

    with gov.db.write(gov.tenant_id) as s:  # widening to everyone is one action
        review.widen(s, versions.get_version(s, v2), REVIEWER, gov.clock.now(), None)
    assert (gov.state(v1), gov.state(v2)) == ("retired", "production")
    gov.shop_order("A-small-2", 2, warehouse="WH-A", deposit="30.00")
    worker.run_once()
    assert reserved(gov, "WH-A") == 8  # v2 everywhere now: no hold for a small deposit

    with gov.db.write(gov.tenant_id) as s:  # rollback is one action
        back = review.rollback(s, "deposit", REVIEWER, gov.clock.now(), "客户投诉")
    assert back.id == v1
    assert (gov.state(v1), gov.state(v2)) == ("production", "retired")
    gov.shop_order("A-small-3", 2, warehouse="WH-A", deposit="30.00")
    worker.run_once()
    assert reserved(gov, "WH-A") == 10
    with pytest.raises(NoPreviousVersion), gov.db.write(gov.tenant_id) as s:
        review.rollback(s, "deposit", REVIEWER, gov.clock.now(), "again")


# PostgreSQL only, by design: on SQLite writers are serialised, so there is no in-flight
# event for a rollback to overtake (the rollback simply waits for the event's transaction).
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_an_event_in_flight_finishes_under_the_version_it_started_with(gov, live, monkeypatch):
    """A rollback committed while an event is being applied does not switch that event's
    version; the next event runs under the rolled-back-to version. (PostgreSQL: on SQLite
    writers are serialised, so a rollback simply waits for the event's transaction.)"""
    import threading

    import engine.rule_handler as handler_module

    assert gov.db.engine.dialect.name == "postgresql"
    v1, v2, worker = live
    gov.shop_order("SO-0", 1)
    worker.run_once()
    gov.replay(v2)
    gov.advance(v2, "awaiting_review")
    gov.approve(v2)
    original, fired = handler_module.route, []

    def route_then_roll_back(session, cache, event):
        routed = original(session, cache, event)
        if not fired:
            fired.append(True)

            def roll_back() -> None:
                with gov.db.write(gov.tenant_id) as s:
                    review.rollback(s, "deposit", REVIEWER, gov.clock.now(), "mid-flight")
            thread = threading.Thread(target=roll_back)
            thread.start()
            thread.join(timeout=30)
            assert not thread.is_alive()
        return routed

    monkeypatch.setattr(handler_module, "route", route_then_roll_back)
    gov.shop_order("SO-small-1", 3, deposit="30.00")  # v2 holds nothing for it
    worker.run_once()
    assert gov.state(v1) == "production" and fired
    assert reserved(gov) == 1  # the in-flight event ran under v2 (no hold)
    gov.shop_order("SO-small-2", 3, deposit="30.00")
    worker.run_once()
    assert reserved(gov) == 4  # the next one under v1 again
