"""The author builds a rule on the canvas, edits it as text, tries it, submits it; a reviewer
approves it; a command through the API triggers it; the lineage page shows the chain."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.studio.conftest import ConsoleErrors, login, shot

API = "/api/v1"


def token(url: str, username: str) -> dict[str, str]:
    r = httpx.post(f"{url}{API}/auth/token", data={"tenant": "demo", "username": username,
                                                   "password": f"{username}-demo-2026"})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def drop(page: Any, palette: str, x: int, y: int) -> None:
    page.drag_and_drop(f"[data-testid=pal-{palette}]", "#canvas",
                       target_position={"x": x, "y": y})


def connect(page: Any, source: int, target: int) -> None:
    out = page.locator(f"#node-{source} .output_1").bounding_box()
    inp = page.locator(f"#node-{target} .input_1").bounding_box()
    page.mouse.move(out["x"] + out["width"] / 2, out["y"] + out["height"] / 2)
    page.mouse.down()
    page.mouse.move(inp["x"] + 2, inp["y"] + 2, steps=8)
    page.mouse.move(inp["x"] + inp["width"] / 2, inp["y"] + inp["height"] / 2, steps=2)
    page.mouse.up()


def text_of(page: Any) -> str:
    return str(page.evaluate("window.ruleText.getValue()"))


def replace_in_text(page: Any, old: str, new: str) -> None:
    """Select ``old`` in the editor and type ``new`` over it with the keyboard."""
    page.evaluate("""([old]) => { const cm = window.ruleText; const i = cm.getValue().indexOf(old);
        cm.focus(); cm.setSelection(cm.posFromIndex(i), cm.posFromIndex(i + old.length)); }""",
                  [old])
    page.keyboard.type(new)


@pytest.mark.xfail(strict=True, reason=(
    "Since the engine gave sales orders one owner for their holds, the journey's rule "
    "(reserve order.lines on sales_order.confirmed) meets lines the confirm already holds and "
    "records 'already done', so no ledger row carries the rule's provenance for the lineage "
    "step. The journey needs a rule whose action writes something of its own (next session)."))
def test_author_builds_reviewer_approves_command_triggers_lineage_shows(browser, studio_url):
    errors = ConsoleErrors()
    page = login(browser, studio_url, "author", errors)
    expect(page.locator("[data-testid=moves-chart] canvas")).to_have_count(1)
    shot(page, "dashboard")
    page.goto("/rules/edit")
    page.fill("[data-testid=ruleset-name]", "deposit_e2e")

    # Build on the canvas: trigger + condition + action, two connections.
    drop(page, "trigger", 30, 40)
    drop(page, "condition", 270, 40)
    drop(page, "reserve", 510, 40)
    expect(page.locator(".drawflow-node")).to_have_count(3)
    connect(page, 1, 2)
    connect(page, 2, 3)
    expect(page.locator(".drawflow .connection")).to_have_count(2)
    expect(page.locator(".CodeMirror")).to_contain_text("when sales_order.confirmed")
    expect(page.locator(".CodeMirror")).to_contain_text("if order.deposit_amount > 0")
    expect(page.locator(".CodeMirror")).to_contain_text("reserve order.lines for 2h")
    expect(page.locator("[data-testid=sync-state]")).to_have_text(re.compile("已同步"))
    # A node's form field edits the text too.
    page.fill(".drawflow-node.n-trigger input[df-title]", "定金锁库")
    expect(page.locator(".CodeMirror")).to_contain_text('rule rule_1 "定金锁库"')

    # Edit the text: the threshold changes on the canvas node.
    replace_in_text(page, "> 0", "> 100")
    condition = page.locator(".drawflow-node.n-condition input[df-expr]")
    expect(condition).to_have_value("order.deposit_amount > 100")

    # A type error: marked on its line in the text and on its node on the canvas.
    replace_in_text(page, "100", '"lots"')
    expect(page.locator(".CodeMirror .line-error")).to_have_count(1)
    expect(page.locator(".drawflow-node.n-condition.error")).to_have_count(1)
    line = page.evaluate("window.ruleText.getValue().split('\\n')"
                         ".findIndex(l => l.includes('lots')) + 1")
    expect(page.locator("[data-testid=markers] li").first).to_contain_text(f"{line}:")
    replace_in_text(page, '"lots"', "100")
    expect(page.locator(".drawflow-node.error")).to_have_count(0)
    expect(page.locator(".CodeMirror .line-error")).to_have_count(0)
    shot(page, "rule-editor")

    # Try it in the sandbox: the decision names rule, node and version.
    page.click("[data-testid=try-run]")
    decision = page.locator("[data-testid=decision]")
    expect(decision).to_contain_text("reserve")
    expect(decision).to_contain_text("rule_1/then/0")
    expect(decision).to_contain_text("将执行")
    expect(page.locator("[data-testid=try-stock]")).to_be_visible()
    shot(page, "try-it")

    # Submit: the author sees no approve button, and the API refuses the author too.
    page.click("[data-testid=submit]")
    page.wait_for_url(re.compile(r"/rules/versions/\d+$"))
    version_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("[data-testid=version-state]")).to_have_text("待审核")
    expect(page.locator("[data-testid=approve]")).to_have_count(0)
    refused = httpx.post(f"{studio_url}{API}/rule-versions/{version_id}/approve",
                         headers=token(studio_url, "author"))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")

    # The reviewer, in a second browser context, approves.
    reviewer = login(browser, studio_url, "reviewer", errors)
    reviewer.goto(f"/rules/versions/{version_id}")
    reviewer.click("[data-testid=approve]")
    expect(reviewer.locator("[data-testid=version-state]")).to_have_text("生产中")
    shot(reviewer, "version-approved")

    # A command through the API now triggers the rule in the embedded worker.
    admin = token(studio_url, "admin")
    sku_row = httpx.get(f"{studio_url}{API}/stock?warehouse=WH-HZ&limit=200",
                        headers=admin).json()["items"]
    line_ = next(r for r in sku_row if float(r["available"]) >= 10)
    httpx.post(f"{studio_url}{API}/customers", json={"code": "C-E2E", "name": "端到端客户"},
               headers=admin).raise_for_status()
    order = {"customer": "C-E2E", "warehouse": "WH-HZ", "no": "SO-E2E", "deposit_amount": "500",
             "lines": [{"sku": line_["sku"], "qty": "2"}]}
    httpx.post(f"{studio_url}{API}/sales-orders", json=order,
               headers={**admin, "Idempotency-Key": "e2e-so"}).raise_for_status()
    httpx.post(f"{studio_url}{API}/sales-orders/SO-E2E/confirm",
               headers={**admin, "Idempotency-Key": "e2e-confirm"}).raise_for_status()
    entry = None
    deadline = time.monotonic() + 20
    while entry is None and time.monotonic() < deadline:  # the worker is another thread
        rows = httpx.get(f"{studio_url}{API}/ledger?sku={line_['sku']}&limit=20",
                         headers=admin).json()["items"]
        entry = next((r for r in rows if r["rule_node"] == "rule_1/then/0"), None)
        if entry is None:
            time.sleep(0.2)
    assert entry is not None, "the approved rule did not reserve stock for SO-E2E"

    # The lineage page draws the chain the ledger row carries.
    page.goto(f"/lineage/ledger/{entry['id']}")
    expect(page.locator("[data-testid=cause-event]")).to_have_text("sales_order.confirmed")
    expect(page.locator("[data-testid=rule-node]")).to_have_text("rule_1/then/0")
    expect(page.locator("[data-testid=rule-version]")).to_contain_text("deposit_e2e")
    assert errors == [], errors
    page.wait_for_function("window.lineageGraph && window.lineageGraph.nodes().length >= 4"
                           " && window.lineageGraph.edges().length >= 3")
    shot(page, "lineage")
    assert errors == [], errors
