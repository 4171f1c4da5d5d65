"""The editor draws a nested if as condition nodes with labelled then/else outputs, and
refuses (marks the node, keeps the text, disables submit) a connection the language cannot
say."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.studio.conftest import ConsoleErrors, login

expect.set_options(timeout=20_000)
NESTED = """rule vip_orders
  when sales_order.confirmed
  if order.total_amount > ¥100
  then
    if customer.level = "vip"
    then
      alert role:sales_manager "VIP {order.no}"
    else
      notify role:sales_manager "大单 {order.no}"
    end
    reserve order.lines for 2h
end
"""


def test_nested_if_on_the_canvas_and_a_refused_connection(browser, studio_url):
    errors = ConsoleErrors()
    page = login(browser, studio_url, "author", errors)
    page.goto("/rules/edit")
    page.evaluate("([t]) => window.ruleText.setValue(t)", [NESTED])
    conditions = page.locator(".drawflow-node.n-condition")
    expect(conditions).to_have_count(2)
    expect(page.locator(".drawflow-node.n-action")).to_have_count(3)
    expect(page.locator("[data-testid=sync-state]")).to_have_text(re.compile("已同步"))
    expect(conditions.first.locator(".output_1")).to_have_attribute("data-label", "则")
    expect(conditions.first.locator(".output_2")).to_have_attribute("data-label", "否则")
    before = page.evaluate("window.ruleText.getValue()")
    # Wire the nested condition's else output back into the rule's own condition: a loop.
    page.evaluate("""() => {
        const ed = window.ruleCanvas, data = ed.export().drawflow.Home.data;
        const id = key => Object.keys(data).find(k => data[k].data.key === key);
        ed.addConnection(id("vip_orders/then/0"), id("vip_orders/when"), "output_2", "input_1");
    }""")
    expect(page.locator(".drawflow-node.n-condition.error")).to_have_count(2)
    expect(page.locator("[data-testid=markers] li").first).to_contain_text("环路")
    expect(page.locator("[data-testid=sync-state]")).to_have_text(re.compile("问题"))
    expect(page.locator("[data-testid=submit]")).to_be_disabled()
    assert page.evaluate("window.ruleText.getValue()") == before
    assert errors == []
