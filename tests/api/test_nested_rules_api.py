"""A version whose rule has nested if / else, over the HTTP API: saved, its rule tests run
each branch (a wrong expectation fails), and its passport (JSON and the review page)
describes the branches."""

from __future__ import annotations

from tests.api.conftest import assert_problem, walk_to_review
from tests.api.test_studio_pages import sign_in_page

NESTED = """rule vip_orders "VIP 大单"
  when sales_order.confirmed
  if order.total_amount > ¥100
  then
    if customer.level = "vip"
    then
      alert role:sales_manager "VIP 订单 {order.no}"
    else
      notify role:sales_manager "大单 {order.no}"
    end
    reserve order.lines for 2h
  else
    notify role:sales_manager "小单 {order.no}"
end
"""
def _case(name: str, no: str, total: int, level: str, *expect: str) -> str:
    """One rule test in TOML: the order as payload, its total and the customer as facts."""
    wanted = ",\n  ".join(expect)
    return (f'[[test]]\nname = "{name}"\nevent = "sales_order.confirmed"\n'
            f"expect = [\n  {wanted},\n]\n"
            f'[test.payload.order]\nid = "{no}"\nno = "{no}"\n'
            f'lines = [{{ sku = "TEA-1", warehouse = "WH-A", qty = 2 }}]\n'
            f'[test.facts.order]\ntotal_amount = {total}\n'
            f'[test.facts.customer]\nlevel = "{level}"\n\n')


HOLD = '{ kind = "reserve", rule = "vip_orders" }'
TESTS = (
    _case("a VIP's big order alerts and holds", "SO-1", 500, "vip",
          '{ kind = "alert", rule = "vip_orders", args = { message = "VIP 订单 SO-1" } }', HOLD)
    + _case("another customer's big order notifies and holds", "SO-2", 500, "normal",
            '{ kind = "notify", rule = "vip_orders", args = { message = "大单 SO-2" } }', HOLD)
    + _case("a small order takes the rule's else", "SO-3", 50, "vip",
            '{ kind = "notify", rule = "vip_orders", args = { message = "小单 SO-3" } }'))


def test_nested_rule_is_saved_tested_and_described_by_its_passport(make_tenant):
    t = make_tenant()
    created = t.post("/rule-versions", {"name": "vip", "source": NESTED}, "author")
    assert created.status_code == 201, created.text
    version = created.json()
    base = f"/rule-versions/{version['id']}"
    run = t.post(f"{base}/tests", {"source": TESTS}, "author")
    assert run.status_code == 200, run.text
    assert run.json()["is_passed"], run.text
    wrong = t.post(f"{base}/tests", {"source": TESTS.replace('"大单 SO-2"', '"VIP 订单 SO-2"')},
                   "author")
    assert wrong.status_code == 200 and not wrong.json()["is_passed"]
    passport = t.get(f"{base}/passport", "author")
    assert passport.status_code == 200, passport.text
    [rule] = passport.json()["rules"]
    assert rule["branches"] == [{
        "id": "vip_orders/then/0", "condition": 'customer.level = "vip"',
        "then": [{"id": "vip_orders/then/0/then/0", "kind": "alert"}],
        "else": [{"id": "vip_orders/then/0/else/0", "kind": "notify"}]}]
    assert "customer.level" in passport.json()["fields_read"]
    assert passport.json()["balances_written"] == ["reserved"]
    # The reviewer's page shows the branch in the passport.
    walk_to_review(t, version["id"], tests=TESTS)
    sign_in_page(t, "reviewer")
    page = t.client.get(f"/rules/versions/{version['id']}/review").text
    assert page.count('data-testid="passport-branch"') == 1 and "vip_orders/then/0" in page
    # A nested if the language refuses (a time clause inside a branch) is never saved.
    bad = NESTED.replace('customer.level = "vip"', "no shipment.shipped within 2h")
    assert_problem(t.post("/rule-versions", {"name": "vip", "source": bad}, "author"), 422,
                   "dsl.check_failed")
