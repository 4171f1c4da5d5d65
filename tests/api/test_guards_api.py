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


def test_a_guard_refuses_a_sales_order_confirm_over_http(make_tenant, database, clock):
    tenant = make_tenant(roles=("admin", "warehouse"))
    tenant.item("TEA-1")
    tenant.warehouse("WH-A")
    tenant.receive("TEA-1", "WH-A", 50)
    rule = RULE.with_name("big_order_needs_deposit.rule").read_text(encoding="utf-8")
    with database.write(tenant.tenant_id) as s:
        put_in_production(s, save_version(s, tenant.tenant_id, "orders", rule,
                                          default_registry(), "author", clock.now()))
    assert tenant.post("/customers", {"code": "C-1", "name": "华东商贸"}).status_code == 201
    created = tenant.post("/sales-orders", {"customer": "C-1", "warehouse": "WH-A",
                                            "no": "SO-BIG", "lines": [
                                                {"sku": "TEA-1", "qty": "20",
                                                 "unit_price": "600.00"}]})
    assert created.status_code == 201, created.text
    before = tenant.snapshot()
    response = tenant.post("/sales-orders/SO-BIG/confirm", {}, role="warehouse",
                           **{"Idempotency-Key": "confirm-1"})
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["code"] == "engine.guard_refused"
    assert problem["context"]["rule"] == "big_order_needs_deposit"
    assert tenant.snapshot() == before
    assert tenant.get("/sales-orders/SO-BIG").json()["status"] == "draft"
