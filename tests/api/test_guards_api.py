"""A guard rule in production refuses a reservation over HTTP with a problem naming the rule."""

from __future__ import annotations

from pathlib import Path

from dsl import default_registry
from engine.rulesets import put_in_production, save_version

RULE = Path(__file__).parents[2] / "examples" / "rules" / "fake_address_no_reserve.rule"


def test_fake_address_is_refused_with_the_rules_message_and_nothing_changes(make_tenant,
                                                                            database, clock):
    tenant = make_tenant(roles=("admin", "warehouse"))
    tenant.item("TEA-1")
    tenant.warehouse("WH-A")
    tenant.receive("TEA-1", "WH-A", 10)
    with database.write(tenant.tenant_id) as s:
        put_in_production(s, save_version(s, tenant.tenant_id, "guards", RULE.read_text(
            encoding="utf-8"), default_registry(), "author", clock.now()))
    before = tenant.snapshot()
    body = {"sku": "TEA-1", "warehouse": "WH-A", "qty": 2,
            "address": {"text": "火星路 1 号", "is_real": False}}
    response = tenant.post("/reservations", body, role="warehouse")
    # Not assert_problem: the English text quotes the rule's own (Chinese) name and message.
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "engine.guard_refused"
    assert problem["message"]["en"].startswith("Refused by rule 地址不实禁止预占")
    assert problem["context"]["rule"] == "地址不实禁止预占"
    assert "火星路 1 号" in problem["message"]["zh-CN"]
    assert tenant.snapshot() == before
    ok = tenant.post("/reservations", {**body, "address": {
        "text": "杭州市文三路 1 号", "is_real": True}}, role="warehouse")
    assert ok.status_code == 201, ok.text
