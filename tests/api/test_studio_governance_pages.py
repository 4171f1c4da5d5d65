"""The governance pages over HTTP: a version's lifecycle (rule tests, sandbox, shadow, replay
progress, request review) and its review (diff, passport, conflicts, divergence chart,
approve / override / reject, gray release, rollback, audit). Buttons follow the role, every
form needs the CSRF token, and a refusal is shown on the page and changes nothing."""

from __future__ import annotations

import re
from pathlib import Path

from tests.api.conftest import ApiTenant, TenantFactory, walk_to_review
from tests.api.test_studio_pages import sign_in_page

ROOT = Path(__file__).parents[2]
#: Goods received on a receipt are held for two hours (a ledger row of the rule's own).
HOLD = """rule hold_received "入库暂扣"
  when stock.received
  if stock.document_type == "receipt"
  then reserve stock.entries for 2h
end
"""
GREEN = """[[test]]
name = "a receipt holds what it received"
event = "stock.received"
expect = [{ kind = "reserve", rule = "hold_received" }]
[test.payload.stock]
document_type = "receipt"
entries = [{ sku = "SKU-G", warehouse = "WH-G", qty = 2 }]

[[test]]
name = "an adjustment holds nothing"
event = "stock.received"
payload = { stock = { document_type = "adjustment" } }
expect = []
"""
RED = GREEN.replace('expect = []', 'expect = [{ kind = "alert" }]')


def state(tenant: ApiTenant, version_id: int) -> str:
    return str(tenant.get(f"/rule-versions/{version_id}", role="admin").json()["state"])


def audit_count(tenant: ApiTenant, version_id: int) -> int:
    return int(tenant.get(f"/rule-versions/{version_id}/audit", role="admin").json()["count"])


def ids_in(page: str) -> set[str]:
    return set(re.findall(r'data-testid="([\w-]+)"', page))


def submit(tenant: ApiTenant, token: str, name: str, text: str) -> int:
    r = tenant.client.post("/rules/submit", data={"csrf_token": token, "name": name,
                                                  "text": text}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def post(tenant: ApiTenant, path: str, token: str, **fields: str) -> object:
    return tenant.client.post(path, data={"csrf_token": token, **fields},
                              follow_redirects=False)


def receive_on_receipt(tenant: ApiTenant, sku: str, warehouse: str, qty: int, ref: str) -> None:
    # Stock arrives as it does for users: a purchase order and a receipt put away.
    tenant.receive(sku, warehouse, qty)


def test_the_author_walks_a_version_through_its_lifecycle(make_tenant: TenantFactory):
    tenant = make_tenant(roles=("admin", "author", "reviewer", "viewer"))
    tenant.item("SKU-G")
    tenant.warehouse("WH-G")
    receive_on_receipt(tenant, "SKU-G", "WH-G", 10, "RC-1")
    token = sign_in_page(tenant, "author")
    version_id = submit(tenant, token, "holds", HOLD)
    base = f"/rules/versions/{version_id}"
    page = tenant.client.get(base).text
    assert {"lifecycle", "tests-text", "run-tests", "to-sandbox", "to-retired"} <= ids_in(page)
    assert 'data-state="draft"' in page and 'class="now" data-state="draft"' in page
    # The skeleton offered before any run names the event the rules listen to.
    assert 'event = &#34;stock.received&#34;' in page or 'event = "stock.received"' in page

    # Red tests: each case's result and message, and sandbox refused while they are red.
    r = post(tenant, f"{base}/tests", token, tests=RED)
    assert r.status_code == 303
    page = tenant.client.get(base).text
    assert page.count('data-testid="test-row"') == 2 and "tests-red" in ids_in(page)
    assert "expected [&#39;alert&#39;], got []" in page
    assert "an adjustment holds nothing" in page  # the textarea keeps the last run's text
    before = audit_count(tenant, version_id)
    refused = post(tenant, f"{base}/transition", token, to="sandbox")
    assert refused.status_code == 200 and 'data-testid="refusal"' in refused.text
    assert "1" in refused.text and "规则测试" in refused.text
    assert state(tenant, version_id) == "draft" and audit_count(tenant, version_id) == before
    # Without the session's CSRF token nothing moves either.
    assert tenant.client.post(f"{base}/transition", data={"to": "sandbox"}).status_code == 403
    # Bad TOML is refused, shown, and kept out of the record.
    bad = post(tenant, f"{base}/tests", token, tests="[[test]\nname=")
    assert bad.status_code == 200 and 'role="alert"' in bad.text
    assert audit_count(tenant, version_id) == before

    # Green tests, sandbox, shadow, a replay with its progress, then review.
    assert post(tenant, f"{base}/tests", token, tests=GREEN).status_code == 303
    assert "tests-red" not in ids_in(tenant.client.get(base).text)
    for target in ("sandbox", "shadow"):
        assert post(tenant, f"{base}/transition", token, to=target).status_code == 303
        assert state(tenant, version_id) == target
    page = tenant.client.get(base).text
    assert {"start-replay", "to-awaiting_review", "to-draft"} <= ids_in(page)
    assert "run-tests" not in ids_in(page)
    assert post(tenant, f"{base}/replays", token, hours="72").status_code == 303
    page = tenant.client.get(base).text
    job_id = re.search(r'hx-get="/rules/replays/(\d+)/progress"', page) or re.search(
        r"#(\d+) ·", page)
    assert 'data-status="done"' in page and "divergence-summary" in ids_in(page)
    assert job_id is not None
    progress = f"/rules/replays/{job_id.group(1)}/progress"
    assert 'data-testid="replay-bar"' in tenant.client.get(progress).text
    # A finished replay polled by htmx reloads the page (to show the result).
    done = tenant.client.get(progress, headers={"HX-Request": "true"})
    assert done.headers.get("HX-Refresh") == "true"
    assert post(tenant, f"{base}/transition", token, to="awaiting_review").status_code == 303
    page = tenant.client.get(base).text
    assert "review-note" in ids_in(page) and "go-review" not in ids_in(page)

    # The reviewer sees no author steps; a viewer sees no version page at all.
    sign_in_page(tenant, "reviewer")
    page = tenant.client.get(base).text
    assert "go-review" in ids_in(page)
    assert not {"to-draft", "to-retired", "run-tests", "start-replay"} & ids_in(page)
    sign_in_page(tenant, "viewer")
    assert tenant.client.get(base).status_code == 403
    assert tenant.client.get(f"{base}/review").status_code == 403


def test_the_reviewer_reads_the_review_and_approves(make_tenant: TenantFactory):
    tenant = make_tenant(roles=("admin", "author", "reviewer"))
    tenant.item("SKU-G")
    tenant.warehouse("WH-G")
    receive_on_receipt(tenant, "SKU-G", "WH-G", 10, "RC-1")
    version_id = tenant.post("/rule-versions", {"name": "holds", "source": HOLD},
                             role="author").json()["id"]
    walk_to_review(tenant, version_id, tests=GREEN)
    base = f"/rules/versions/{version_id}"
    # The author's review page: everything to read, no decision to take.
    token = sign_in_page(tenant, "author")
    page = tenant.client.get(f"{base}/review").text
    assert {"diff-text", "passport", "divergence-chart", "audit"} <= ids_in(page)
    assert not {"approve", "reject", "acknowledge"} & ids_in(page)
    assert "balance:reserved" in page or "reserved" in page
    refused = post(tenant, f"{base}/approve", token)
    assert 'data-testid="refusal"' in refused.text and "rules:review" in refused.text
    assert state(tenant, version_id) == "awaiting_review"

    token = sign_in_page(tenant, "reviewer")
    page = tenant.client.get(f"{base}/review").text
    assert {"approve", "reject", "rollout-percent"} <= ids_in(page)
    # A first version has no production: the whole text is new, and no override is asked.
    assert "+  when stock.received" in page and "override-reason" not in ids_in(page)
    # The replay saw the receipt: the candidate alone holds SKU-G (an unbounded bar).
    assert re.search(r'data-sku="SKU-G"', page) and "∞" in page
    assert 'data-testid="limit-line"' in page
    # Reject needs a comment; a bad share is refused; neither changes anything.
    before = audit_count(tenant, version_id)
    assert post(tenant, f"{base}/reject", token, comment="").status_code == 422
    bad = post(tenant, f"{base}/approve", token, percent="abc")
    assert 'data-testid="refusal"' in bad.text and "abc" in bad.text
    assert state(tenant, version_id) == "awaiting_review"
    assert audit_count(tenant, version_id) == before
    # Approve for 30 % of keys; the release section offers widening and rollback.
    r = post(tenant, f"{base}/approve", token, comment="看过差异", percent="30")
    assert r.status_code == 303 and state(tenant, version_id) == "production"
    page = tenant.client.get(f"{base}/review").text
    assert {"rollout-now", "widen-all", "rollback"} <= ids_in(page)
    assert "看过差异" in page and page.count('data-testid="audit-row"') >= 7
    assert post(tenant, f"{base}/rollout", token, percent="100").status_code == 303
    rollout = tenant.get(f"/rule-versions/{version_id}", role="admin").json()["rollout"]
    assert rollout is None
    # Nothing to roll back to yet: refused on the page, still in production.
    refused = post(tenant, f"{base}/rollback", token, reason="试试")
    assert 'data-testid="refusal"' in refused.text
    assert state(tenant, version_id) == "production"


def test_divergence_above_the_limit_needs_an_override_and_rollback_restores(
        make_tenant: TenantFactory):
    tenant = make_tenant(roles=("admin", "author", "reviewer"))
    tenant.item("SKU-G")
    tenant.warehouse("WH-G")
    first = tenant.post("/rule-versions", {"name": "holds", "source": HOLD},
                        role="author").json()["id"]
    walk_to_review(tenant, first, tests=GREEN)
    assert tenant.post(f"/rule-versions/{first}/approve", {}, role="reviewer").status_code == 200
    receive_on_receipt(tenant, "SKU-G", "WH-G", 4, "RC-2")
    # The candidate holds nothing on receipts: 100 % divergence on SKU-G.
    looser = HOLD.replace('"receipt"', '"transfer"')
    second = tenant.post("/rule-versions", {"name": "holds", "source": looser},
                         role="author").json()["id"]
    tests = GREEN.replace('expect = [{ kind = "reserve", rule = "hold_received" }]',
                          "expect = []")
    walk_to_review(tenant, second, tests=tests)
    base = f"/rules/versions/{second}"
    token = sign_in_page(tenant, "reviewer")
    page = tenant.client.get(f"{base}/review").text
    assert "override-reason" in ids_in(page)
    assert '- if stock.document_type == &#34;receipt&#34;' in page \
        or '-  if stock.document_type == &#34;receipt&#34;' in page
    assert re.search(r'data-testid="divergence-overall">100\.00 %<', page)
    assert 'class="above"' in page
    before = audit_count(tenant, second)
    refused = post(tenant, f"{base}/approve", token)
    assert 'data-testid="refusal"' in refused.text and "5.00%" in refused.text
    assert state(tenant, second) == "awaiting_review" and audit_count(tenant, second) == before
    r = post(tenant, f"{base}/approve", token, override_reason="调拨单才暂扣，已与仓库确认")
    assert r.status_code == 303
    assert state(tenant, second) == "production" and state(tenant, first) == "retired"
    audit = tenant.client.get(f"{base}/review").text
    assert "调拨单才暂扣" in audit and "越限放行" in audit
    # Rollback on the rule set: the first version is back, the page follows it.
    back = post(tenant, f"{base}/rollback", token, reason="仓库要求恢复")
    assert back.status_code == 303 and back.headers["location"].endswith(f"/{first}/review")
    assert state(tenant, first) == "production" and state(tenant, second) == "retired"


def test_conflicts_are_acknowledged_on_the_review_page(make_tenant: TenantFactory):
    tenant = make_tenant(roles=("admin", "author", "reviewer"))
    pricing = (ROOT / "examples/governance/promotion_and_rebate.rule").read_text("utf-8")
    tenant.item("TOY-1", category="toys", list_price="100.00", cost_price="70.00")
    tests = """[[test]]
name = "a toy at list price 100 is on promotion"
event = "price.change_requested"
facts.item = { category = "toys" }
payload.price = { list_price = 100, final_price = 100, rebate_rate = 0 }
expect = [{ kind = "set", rule = "double11_toy_promotion" }]
"""
    version_id = tenant.post("/rule-versions", {"name": "pricing", "source": pricing},
                             role="author").json()["id"]
    walk_to_review(tenant, version_id, tests=tests)
    base = f"/rules/versions/{version_id}"
    token = sign_in_page(tenant, "reviewer")
    page = tenant.client.get(f"{base}/review").text
    assert page.count('data-testid="conflict"') >= 1 and "acknowledge" in ids_in(page)
    assert "低于成本" in page and "TOY-1：标价 ¥100.00" in page
    assert "→ ¥64.00 &lt; 成本 ¥70.00" in page  # the SKU's own figures, from its list and cost
    refused = post(tenant, f"{base}/approve", token)
    assert 'data-testid="refusal"' in refused.text
    assert state(tenant, version_id) == "awaiting_review"
    conflicts = tenant.get(f"{base.replace('/rules/versions', '/rule-versions')}/conflicts",
                           role="admin").json()
    for conflict in conflicts:
        r = post(tenant, f"{base}/acknowledge", token, key=conflict["key"], comment="叠加可接受")
        assert r.status_code == 303
    page = tenant.client.get(f"{base}/review").text
    assert "acknowledge" not in ids_in(page) and "叠加可接受" in page
    assert post(tenant, f"{base}/approve", token).status_code == 303
    assert state(tenant, version_id) == "production"


def test_another_tenants_version_and_replay_are_not_found_and_stay_as_they_were(
        make_tenant: TenantFactory):
    a = make_tenant(roles=("admin", "author"))
    b = make_tenant(roles=("admin", "author", "reviewer"))
    version_id = a.post("/rule-versions", {"name": "holds", "source": HOLD},
                        role="author").json()["id"]
    a.post(f"/rule-versions/{version_id}/tests", {"source": GREEN}, "author")
    a.post(f"/rule-versions/{version_id}/transitions", {"to": "sandbox"}, "author")
    job_id = a.post(f"/rule-versions/{version_id}/replays", {"hours": 72},
                    "author").json()["id"]
    before = audit_count(a, version_id)
    token = sign_in_page(b, "author")
    base = f"/rules/versions/{version_id}"
    for path in (base, f"{base}/review", f"/rules/replays/{job_id}/progress"):
        found = b.client.get(path)
        assert found.status_code == 404 and 'data-testid="page-error"' in found.text, path
    for path, fields in ((f"{base}/transition", {"to": "shadow"}),
                         (f"{base}/tests", {"tests": GREEN}),
                         (f"{base}/replays", {"hours": "72"})):
        refused = post(b, path, token, **fields)
        assert refused.status_code == 404, path
    token = sign_in_page(b, "reviewer")
    assert post(b, f"{base}/approve", token).status_code == 404
    assert state(a, version_id) == "sandbox" and audit_count(a, version_id) == before
    assert a.get(f"/rule-versions/{version_id}/tests", role="admin").json()[0]["actor"] \
        == "user:author"
    assert len(a.get(f"/rule-versions/{version_id}/tests", role="admin").json()) == 1
