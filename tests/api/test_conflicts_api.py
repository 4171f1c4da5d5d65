"""Conflicts across rule sets over HTTP, as a reviewer sees them: a promotion rule set in
production and a rebate rule set's candidate sell a SKU below its cost; the candidate's
review names both rules, the SKU and the figures before promotion, and promotion waits for
the acknowledgement. A safe 5 % stack is not flagged; a SKU without a cost price is reported
as not checked."""

from __future__ import annotations

from tests.api.conftest import ApiTenant, TenantFactory, assert_problem, walk_to_review

PROMOTION = """
rule double11_promotion "双十一烘焙八折"
  when price.change_requested
  if item.category = "baking"
  then
    set price.final_price to price.final_price * {rate}
end
"""
PROMOTION_TESTS = """[[test]]
name = "baking is on promotion"
event = "price.change_requested"
facts.item = { category = "baking" }
payload.price = { list_price = 25, final_price = 25 }
expect = [{ kind = "set", rule = "double11_promotion" }]
"""
REBATE = """
rule key_account_rebate "大客户返利五元"
  when price.change_requested
  then
    set price.final_price to price.final_price - ¥5
end
"""
REBATE_TESTS = """[[test]]
name = "five yuan off"
event = "price.change_requested"
payload.price = { list_price = 25, final_price = 25 }
expect = [{ kind = "set", rule = "key_account_rebate" }]
"""


def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


def shop(make_tenant: TenantFactory) -> ApiTenant:
    t = make_tenant()
    for sku, category, list_price, cost in (("YEAST-500G", "baking", "25.00", "18.00"),
                                            ("FLOUR-5KG", "baking", "60.00", "30.00"),
                                            ("SUGAR-1KG", "baking", "12.00", None)):
        body = {"category": category, "list_price": list_price,
                **({"cost_price": cost} if cost else {})}
        t.item(sku, **body)
    return t


def in_production(t: ApiTenant, name: str, source: str, tests: str) -> dict:
    version = ok(t.post("/rule-versions", {"name": name, "source": source}, "author"), 201)
    walk_to_review(t, version["id"], tests=tests)
    ok(t.post(f"/rule-versions/{version['id']}/approve", {"comment": "ok"}, "reviewer"))
    return version


def test_a_rebate_candidate_on_top_of_a_promotion_in_production_is_caught_per_sku(
        make_tenant: TenantFactory):
    t = shop(make_tenant)
    promotion = in_production(t, "promotion", PROMOTION.format(rate="80%"), PROMOTION_TESTS)
    rebate = ok(t.post("/rule-versions", {"name": "rebate", "source": REBATE}, "author"), 201)

    [conflict] = ok(t.get(f"/rule-versions/{rebate['id']}/conflicts", "reviewer"))
    assert conflict["kind"] == "below_cost" and conflict["sku"] == "YEAST-500G"
    assert [(r["rule_set"], r["rule_id"], r["version_id"]) for r in conflict["rules"]] == [
        ("promotion", "double11_promotion", promotion["id"]),
        ("rebate", "key_account_rebate", rebate["id"])]
    assert conflict["message_en"] == (
        "YEAST-500G: list ¥25.00, promotion:double11_promotion −20 % then "
        "key_account_rebate −¥5.00 → ¥15.00 < cost ¥18.00")
    assert conflict["message_zh"].endswith("→ ¥15.00 < 成本 ¥18.00")
    assert conflict["values"] == {"list": "25.00", "stacked": "15.00", "cost": "18.00"}
    assert conflict["acknowledged_by"] is None
    # Flour (60 → 48 → 43 ≥ 30) is checked and passes; sugar has no cost price.
    check = ok(t.get(f"/rule-versions/{rebate['id']}/conflict-check", "reviewer"))
    coverage = check["coverage"]
    assert (coverage["skus_priced"], coverage["skus_checked"]) == (2, 2)
    assert coverage["production_versions"] == [
        {"rule_set": "promotion", "version_id": promotion["id"],
         "version_hash": promotion["version_hash"]}]
    assert coverage["not_checked"] == [{"sku": "SUGAR-1KG",
                                        "reason_en": "no cost price: not checked",
                                        "reason_zh": "没有成本价，未检查"}]

    walk_to_review(t, rebate["id"], tests=REBATE_TESTS)
    refused = assert_problem(t.post(f"/rule-versions/{rebate['id']}/approve", {}, "reviewer"),
                             409, "governance.conflicts_not_acknowledged")
    assert conflict["key"] in refused["detail"]
    ok(t.post(f"/rule-versions/{rebate['id']}/conflicts/acknowledge",
              {"key": conflict["key"], "comment": "酵母返利另行控制"}, "reviewer"))
    approved = ok(t.post(f"/rule-versions/{rebate['id']}/approve", {}, "reviewer"))
    assert approved["state"] == "production"


def test_a_five_percent_promotion_with_the_rebate_keeps_the_margin_and_is_not_flagged(
        make_tenant: TenantFactory):
    t = shop(make_tenant)
    in_production(t, "promotion", PROMOTION.format(rate="95%"), PROMOTION_TESTS)
    rebate = ok(t.post("/rule-versions", {"name": "rebate", "source": REBATE}, "author"), 201)
    # Yeast: 25 → 23.75 → 18.75 ≥ 18; flour keeps its margin too.
    check = ok(t.get(f"/rule-versions/{rebate['id']}/conflict-check", "reviewer"))
    assert check["conflicts"] == [] and check["coverage"]["skus_checked"] == 2
    assert [n["sku"] for n in check["coverage"]["not_checked"]] == ["SUGAR-1KG"]
