"""The author builds a rule on the canvas, edits it as text, tries it, submits it, runs its
rule tests and walks it through sandbox, shadow and a replay to review; a reviewer reads the
diff, passport and divergence and approves it; a command through the API triggers it; the
lineage page shows the chain and offers the PDF audit report."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.e2e.studio.conftest import ConsoleErrors, login, shot

API = "/api/v1"
#: Assertions wait for the server's answers (text ⇄ canvas sync, replay) up to this long: the
#: machine running the suite may be shared and slow; a passing step never waits this long.
expect.set_options(timeout=20_000)


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


#: The rule tests of the journey's rule, run on the version page (red first, then green).
GREEN = """[[test]]
name = "a receipt holds what it received"
event = "stock.received"
expect = [{ kind = "reserve", rule = "rule_1", args = { hold = 7200000 } }]
[test.payload.stock]
document_type = "receipt"
entries = [{ sku = "TEA-1", warehouse = "WH-HZ", qty = 5 }]

[[test]]
name = "an adjustment holds nothing"
event = "stock.received"
payload = { stock = { document_type = "adjustment" } }
expect = []
"""
RED = GREEN.replace("hold = 7200000", "hold = 3600000")


def test_author_builds_reviewer_approves_command_triggers_lineage_shows(browser, studio_url):
    errors = ConsoleErrors()
    page = login(browser, studio_url, "author", errors)
    expect(page.locator("[data-testid=moves-chart] canvas")).to_have_count(1)
    shot(page, "dashboard")
    page.goto("/rules/edit")
    page.fill("[data-testid=ruleset-name]", "hold_e2e")

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
    page.fill(".drawflow-node.n-trigger input[df-title]", "入库暂扣")
    expect(page.locator(".CodeMirror")).to_contain_text('rule rule_1 "入库暂扣"')

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

    # Try it in the sandbox: the decision names rule, node and version.
    page.click("[data-testid=try-run]")
    decision = page.locator("[data-testid=decision]")
    expect(decision).to_contain_text("reserve")
    expect(decision).to_contain_text("rule_1/then/0")
    expect(decision).to_contain_text("将执行")
    expect(page.locator("[data-testid=try-stock]")).to_be_visible()
    shot(page, "try-it")

    # A confirmed order's lines are held by the order itself; the author makes the rule hold
    # what a receipt brings in instead (a ledger row of the rule's own), on the node forms.
    page.fill(".drawflow-node.n-trigger input[df-event]", "stock.received")
    page.fill(".drawflow-node.n-condition input[df-expr]", 'stock.document_type == "receipt"')
    page.fill(".drawflow-node.n-action input[df-text]", "reserve stock.entries for 2h")
    expect(page.locator(".CodeMirror")).to_contain_text("when stock.received")
    expect(page.locator(".CodeMirror")).to_contain_text("reserve stock.entries for 2h")
    expect(page.locator("[data-testid=sync-state]")).to_have_text(re.compile("已同步"))
    expect(page.locator(".drawflow-node.error")).to_have_count(0)
    shot(page, "rule-editor")

    # Submit: a draft version; its page is the lifecycle.
    page.click("[data-testid=submit]")
    page.wait_for_url(re.compile(r"/rules/versions/\d+$"))
    version_id = int(page.url.rsplit("/", 1)[1])
    state = page.locator("[data-testid=version-state]")
    expect(state).to_have_text("草稿")
    expect(page.locator("[data-testid=tests-text]")).to_contain_text("stock.received")
    # Red rule tests: each case's result, and the sandbox refuses the version.
    page.fill("[data-testid=tests-text]", RED)
    page.click("[data-testid=run-tests]")
    expect(page.locator("[data-testid=test-row].bad")).to_have_count(1)
    expect(page.locator("[data-testid=tests-red]")).to_be_visible()
    page.click("[data-testid=to-sandbox]")
    expect(page.locator("[data-testid=refusal]")).to_contain_text("规则测试")
    expect(state).to_have_text("草稿")
    expect(page.locator("[data-testid=tests-text]")).to_have_value(RED)
    page.fill("[data-testid=tests-text]", GREEN)
    page.click("[data-testid=run-tests]")
    expect(page.locator("[data-testid=test-row].ok")).to_have_count(2)
    page.click("[data-testid=to-sandbox]")
    expect(state).to_have_text("沙箱")
    page.click("[data-testid=to-shadow]")
    expect(state).to_have_text("影子运行")
    # A 72 h replay: the progress bar is polled until the replay is done.
    page.click("[data-testid=start-replay]")
    expect(page.locator("[data-testid=replay-bar]")).to_be_visible()
    expect(page.locator("[data-testid=replay-progress]")).to_have_attribute("data-status",
                                                                           "done")
    expect(page.locator("[data-testid=divergence-summary]")).to_be_visible()
    shot(page, "version-lifecycle")
    page.click("[data-testid=to-awaiting_review]")
    expect(state).to_have_text("待审核")
    expect(page.locator("[data-testid=review-note]")).to_be_visible()
    # The author's own approve button is absent, and the API refuses the author too.
    page.goto(f"/rules/versions/{version_id}/review")
    expect(page.locator("[data-testid=passport]")).to_be_visible()
    expect(page.locator("[data-testid=approve]")).to_have_count(0)
    refused = httpx.post(f"{studio_url}{API}/rule-versions/{version_id}/approve", json={},
                         headers=token(studio_url, "author"))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")

    # The reviewer, in a second browser context, reads the review and approves.
    reviewer = login(browser, studio_url, "reviewer", errors)
    reviewer.goto(f"/rules/versions/{version_id}/review")
    expect(reviewer.locator("[data-testid=diff-text]")).to_contain_text("when stock.received")
    expect(reviewer.locator("[data-testid=passport-balances]")).to_contain_text("reserved")
    expect(reviewer.locator("[data-testid=divergence-chart]")).to_be_visible()
    expect(reviewer.locator("[data-testid=limit-line]")).to_have_count(1)
    shot(reviewer, "version-review")
    reviewer.fill("[data-testid=approve-form] textarea[name=comment]", "入库暂扣两小时，同意")
    reviewer.click("[data-testid=approve]")
    expect(reviewer.locator("[data-testid=version-state]")).to_have_text("生产中")
    expect(reviewer.locator("[data-testid=passport-reviews]")).to_contain_text("reviewer")
    shot(reviewer, "version-approved")

    # A command through the API now triggers the rule in the embedded worker.
    admin = token(studio_url, "admin")
    sku = httpx.get(f"{studio_url}{API}/stock?warehouse=WH-HZ&limit=1",
                    headers=admin).json()["items"][0]["sku"]
    # Goods arrive the way they do for users: a purchase order, a receipt, put away.
    def call(path: str, body: object, key: str) -> dict:
        answer = httpx.post(f"{studio_url}{API}{path}", json=body,
                            headers={**admin, "Idempotency-Key": key})
        answer.raise_for_status()
        return answer.json()

    order = call("/purchase-orders", {"supplier": "端到端供应商", "warehouse": "WH-HZ",
                                      "lines": [{"sku": sku, "qty": "5"}]}, "e2e-po")
    call(f"/purchase-orders/{order['no']}/approve", None, "e2e-po-approve")
    receipt = call("/receipts", {"purchase_order_no": order["no"],
                                 "lines": [{"order_line_no": 1, "qty": "5"}]}, "e2e-rc")["no"]
    call(f"/receipts/{receipt}/inspect", {"is_scanned": True, "photo_count": 1}, "e2e-inspect")
    call(f"/receipts/{receipt}/put-away", None, "e2e-put-away")
    put = httpx.get(f"{studio_url}{API}/ledger?document_ref={receipt}", headers=admin).json()
    # The receipt's own rows (the rule's hold will name the receipt too, with its provenance).
    cause = next(r["event_id"] for r in put["items"] if r["rule_node"] is None)
    entry = None
    # The embedded worker is another thread, and may still be working through the demo's
    # recorded events on a busy machine: wait for the row the receipt's event caused.
    deadline = time.monotonic() + 90
    while entry is None and time.monotonic() < deadline:
        rows = httpx.get(f"{studio_url}{API}/ledger?sku={sku}&limit=50",
                         headers=admin).json()["items"]
        entry = next((r for r in rows if r["cause_event_id"] == cause
                      and r["rule_node"] == "rule_1/then/0"), None)
        if entry is None:
            time.sleep(0.2)
    assert entry is not None, "the approved rule did not hold the received stock"

    # The lineage page draws the chain, and the PDF audit report downloads.
    page.goto(f"/lineage/ledger/{entry['id']}")
    expect(page.locator("[data-testid=cause-event]")).to_have_text("stock.received")
    expect(page.locator("[data-testid=rule-node]")).to_have_text("rule_1/then/0")
    expect(page.locator("[data-testid=rule-version]")).to_contain_text("hold_e2e")
    chain = page.locator("[data-testid=lineage-chain] li")
    expect(chain.first).to_contain_text(f"receipt:{receipt}")  # the receipt's own ledger row
    expect(chain.nth(1)).to_contain_text("stock.received")
    expect(chain.last).to_contain_text(f"#{entry['id']}")
    page.wait_for_function("window.lineageGraph && window.lineageGraph.nodes().length >= 4"
                           " && window.lineageGraph.edges().length >= 3")
    shot(page, "lineage")
    with page.expect_download() as download:
        page.click("[data-testid=lineage-pdf]")
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    assert errors == [], errors
