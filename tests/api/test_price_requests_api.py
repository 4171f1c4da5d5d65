"""Prices in production, as the conflict check predicts them: a promotion rule set and a
rebate rule set in production, a price request for YEAST-500G (list ¥25) → 20 % then −¥5
stack to ¥15.00 on the item, each step with its rule_write row (old → new)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from engine import Worker
from engine.models import RuleWrite
from engine.rule_handler import RuleHandler
from kernel.models import OutboxEvent
from tests.api.conftest import TenantFactory, assert_problem, walk_to_review
from tests.api.test_conflicts_api import (
    PROMOTION,
    PROMOTION_TESTS,
    REBATE,
    REBATE_TESTS,
    in_production,
    ok,
    shop,
)


def test_a_price_request_stacks_promotion_then_rebate_as_the_conflict_check_said(
        make_tenant: TenantFactory) -> None:
    t = shop(make_tenant)
    in_production(t, "promotion", PROMOTION.format(rate="80%"), PROMOTION_TESTS)
    rebate = ok(t.post("/rule-versions", {"name": "rebate", "source": REBATE}, "author"), 201)
    [conflict] = ok(t.get(f"/rule-versions/{rebate['id']}/conflicts", "reviewer"))
    assert conflict["values"]["stacked"] == "15.00"  # what the check predicts
    walk_to_review(t, rebate["id"], tests=REBATE_TESTS)
    ok(t.post(f"/rule-versions/{rebate['id']}/conflicts/acknowledge",
              {"key": conflict["key"], "comment": "试算"}, "reviewer"))
    assert ok(t.post(f"/rule-versions/{rebate['id']}/approve", {}, "reviewer"))[
        "state"] == "production"

    queued = ok(t.post("/prices/requests", {"sku": "YEAST-500G"}, "admin"), 202)
    app = t.client.app  # type: ignore[attr-defined]
    Worker(t.db, app.state.clock, handler=RuleHandler()).run_once()

    decided = ok(t.get("/items/YEAST-500G"))["attributes"]["decided_prices"]["final_price"]
    assert Decimal(str(decided["value"])) == Decimal("15.00")
    assert decided["rule_id"] == "key_account_rebate"
    assert decided["event_id"] == queued["event_id"]
    with t.db.read(t.tenant_id) as session:
        writes = session.scalars(select(RuleWrite).where(
            RuleWrite.target == "item:YEAST-500G").order_by(RuleWrite.id)).all()
        steps = [(w.rule_id, w.detail["old"], w.detail["new"]) for w in writes]
    assert [(r, None if o is None else Decimal(str(o)), Decimal(str(n)))
            for r, o, n in steps] == [
        ("double11_promotion", None, Decimal("20.00")),
        ("key_account_rebate", Decimal("20.00"), Decimal("15.00"))]


GUARD = """
guard promotion_above_cost "促销价不得低于成本"
  when price.change_requested
  if price.promotion_price < item.cost_price
  then
    block "{item.sku}: promotion price below cost"
end
"""
GUARD_TESTS = """[[test]]
name = "below cost is blocked"
event = "price.change_requested"
payload.item = { sku = "YEAST-500G" }
facts.item = { cost_price = 18 }
payload.price = { list_price = 25, promotion_price = 10 }
expect = []
blocked = true
"""


def test_a_guard_refuses_a_price_request_in_its_transaction_and_nothing_is_queued(
        make_tenant: TenantFactory) -> None:
    t = shop(make_tenant)
    in_production(t, "price_guard", GUARD, GUARD_TESTS)
    refused = assert_problem(t.post("/prices/requests", {"sku": "YEAST-500G",
                                                         "promotion_price": "10.00"}),
                             409, "engine.guard_refused")
    assert "promotion_above_cost" in refused["detail"]
    with t.db.read(t.tenant_id) as session:
        queued = session.scalars(select(OutboxEvent.event_id).where(
            OutboxEvent.type == "price.change_requested")).all()
    assert queued == []
    ok(t.post("/prices/requests", {"sku": "YEAST-500G", "promotion_price": "20.00"}), 202)
