"""The studio pages over HTTP: session sign-in, CSRF, role-aware menus, review rules."""

from __future__ import annotations

import html
import re

from tests.api.conftest import (
    PASSWORD,
    RULES_DIR,
    ApiTenant,
    TenantFactory,
    assert_problem,
    walk_to_review,
)

RULES = """rule deposit_alert
  when sales_order.confirmed
  if order.deposit_amount > 0
  then
    alert role:sales_manager "{order.no}"
end
"""
LOCKING_RULES = (RULES_DIR / "deposit_locks_stock.rule").read_text("utf-8")


def csrf(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found
    return found.group(1)


def sign_in_page(tenant: ApiTenant, username: str) -> str:
    """Sign in through the login form; returns the CSRF token of the new session."""
    client = tenant.client
    client.cookies.clear()
    token = csrf(client.get("/login").text)
    r = client.post("/login", data={"csrf_token": token, "tenant": tenant.code,
                                    "username": username, "password": PASSWORD, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    return csrf(client.get("/").text)


def test_pages_need_a_session_and_forms_need_the_csrf_token(make_tenant: TenantFactory):
    tenant = make_tenant(roles=("viewer", "admin"))
    client = tenant.client
    client.cookies.clear()
    r = client.get("/stock/ledger", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    # A login form without the session's CSRF token is refused and starts no session.
    r = client.post("/login", data={"tenant": tenant.code, "username": "viewer",
                                    "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303
    token = sign_in_page(tenant, "viewer")
    home = client.get("/").text
    assert "/stock/ledger" in home and "/inbox" in home
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    r = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_menus_and_buttons_follow_the_role(make_tenant: TenantFactory):
    tenant = make_tenant(roles=("viewer", "author"))
    sign_in_page(tenant, "viewer")
    rules = tenant.client.get("/rules").text
    assert 'data-testid="new-rule"' not in rules
    sign_in_page(tenant, "author")
    assert 'data-testid="new-rule"' in tenant.client.get("/rules").text


def test_an_author_never_approves_their_own_version(make_tenant: TenantFactory):
    tenant = make_tenant(roles=("admin", "author", "reviewer"))
    mine = tenant.post("/rule-versions", {"name": "deposit", "source": LOCKING_RULES},
                       role="admin")
    assert mine.status_code == 201 and mine.json()["state"] == "draft"
    version_id = mine.json()["id"]
    walk_to_review(tenant, version_id, role="admin")
    # The admin may review, but wrote this version: refused, and nothing changes.
    assert_problem(tenant.post(f"/rule-versions/{version_id}/approve", {}, role="admin"),
                   403, "governance.self_approval")
    # An author may not review at all.
    assert_problem(tenant.post(f"/rule-versions/{version_id}/approve", {}, role="author"),
                   403, "auth.forbidden")
    assert tenant.get(f"/rule-versions/{version_id}", role="admin").json()["state"] \
        == "awaiting_review"
    # The page shows the reviewer an approve button, and the author none.
    token = sign_in_page(tenant, "admin")
    page = tenant.client.get(f"/rules/versions/{version_id}/review").text
    assert 'data-testid="approve"' not in page
    # Posting the page's form anyway is refused by governance and shown on the page.
    refused = tenant.client.post(f"/rules/versions/{version_id}/approve",
                                 data={"csrf_token": token}, follow_redirects=False)
    assert 'role="alert"' in refused.text
    assert tenant.get(f"/rule-versions/{version_id}", role="admin").json()["state"] \
        == "awaiting_review"
    token = sign_in_page(tenant, "reviewer")
    assert 'data-testid="approve"' in tenant.client.get(
        f"/rules/versions/{version_id}/review").text
    r = tenant.client.post(f"/rules/versions/{version_id}/approve",
                           data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert tenant.get(f"/rule-versions/{version_id}", role="admin").json()["state"] \
        == "production"
    again = tenant.post(f"/rule-versions/{version_id}/approve", {}, role="reviewer")
    assert_problem(again, 409)


def test_bad_rule_text_is_refused_with_its_line(make_tenant: TenantFactory):
    tenant = make_tenant(roles=("author",))
    r = tenant.post("/rule-versions", {"name": "bad", "source": RULES.replace("> 0", '> "x"')},
                    role="author")
    body = assert_problem(r, 422)
    assert body["code"].startswith("dsl.")
    assert tenant.get("/rule-versions", role="author").json()["items"] == []


def test_document_page_shows_only_the_transitions_its_state_allows(make_tenant: TenantFactory):
    tenant = make_tenant(roles=("admin", "warehouse", "viewer"))
    tenant.item("SKU-D")
    tenant.warehouse("WH-D")
    tenant.receive("SKU-D", "WH-D", 10)
    tenant._created("/customers", {"code": "C-D", "name": "客户"})
    tenant._created("/sales-orders", {"customer": "C-D", "warehouse": "WH-D", "no": "SO-D",
                                      "lines": [{"sku": "SKU-D", "qty": "2"}]})
    token = sign_in_page(tenant, "warehouse")
    page = tenant.client.get("/documents/sales_order/SO-D").text
    assert re.findall(r'data-action="(\w+)"', page) == ["confirm", "cancel"]
    r = tenant.client.post("/documents/sales_order/SO-D/confirm", data={"csrf_token": token},
                           follow_redirects=True)
    assert r.status_code == 200
    assert re.findall(r'data-action="(\w+)"', r.text) == ["cancel"]
    # The ledger page finds the order's reservation by document, one page of one row.
    ledger = tenant.client.get("/stock/ledger", params={"document_ref": "SO-D"}).text
    assert "SKU-D" in ledger and 'data-testid="next"' not in ledger
    sign_in_page(tenant, "viewer")
    assert "data-action=" not in tenant.client.get("/documents/sales_order/SO-D").text


def test_ledger_pages_and_filters(make_tenant: TenantFactory):
    tenant = make_tenant(roles=("admin",))
    tenant.item("SKU-L")
    tenant.warehouse("WH-L")
    for _ in range(60):
        tenant.receive("SKU-L", "WH-L", 1)
    sign_in_page(tenant, "admin")
    first = tenant.client.get("/stock/ledger", params={"sku": "SKU-L"}).text
    assert first.count("/lineage/ledger/") == 50 and 'data-testid="next"' in first
    second = tenant.client.get("/stock/ledger", params={"sku": "SKU-L", "offset": 50}).text
    assert second.count("/lineage/ledger/") == 10 and 'data-testid="next"' not in second
    unknown = tenant.client.get("/stock/ledger", params={"sku": "NOPE"})
    assert unknown.status_code == 200 and 'role="alert"' in unknown.text


def test_lineage_page_of_a_direct_command_and_of_another_tenants_row(
        make_tenant: TenantFactory):
    a = make_tenant(roles=("admin",))
    b = make_tenant(roles=("admin",))
    a.item("SKU-A")
    a.warehouse("WH-A")
    entry_id = a.receive("SKU-A", "WH-A", 3)["entries"][0]["id"]
    sign_in_page(a, "admin")
    page = a.client.get(f"/lineage/ledger/{entry_id}").text
    assert "SKU-A" in page and "无（直接操作）" in page
    sign_in_page(b, "admin")
    foreign = b.client.get(f"/lineage/ledger/{entry_id}")
    assert foreign.status_code == 404 and foreign.headers["content-type"].startswith("text/html")
    assert 'data-testid="page-error"' in foreign.text
    assert b.client.get("/documents/sales_order/SO-A").status_code == 404


def test_try_it_on_a_recorded_event_changes_nothing(make_tenant: TenantFactory):
    tenant = make_tenant(roles=("admin", "author"))
    tenant.item("SKU-T")
    tenant.warehouse("WH-T")
    tenant.receive("SKU-T", "WH-T", 10)
    tenant._created("/customers", {"code": "C-T", "name": "客户"})
    tenant._created("/sales-orders", {"customer": "C-T", "warehouse": "WH-T", "no": "SO-T",
                                      "deposit_amount": "50",
                                      "lines": [{"sku": "SKU-T", "qty": "3"}]})
    tenant.post("/sales-orders/SO-T/confirm", None)
    token = sign_in_page(tenant, "author")
    editor = tenant.client.get("/rules/edit").text
    event_id = re.search(r'<option value="([0-9a-f-]{36})"[^>]*>[^<]*sales_order\.confirmed',
                         editor)
    assert event_id, "the confirmed order is offered as a recorded event"
    fields = tenant.client.get("/rules/try/event", params={"event_id": event_id.group(1)}).text
    payload = re.search(r'data-testid="try-payload">(.*?)</textarea>', fields, re.S)
    assert payload and "SO-T" in payload.group(1)
    before = tenant.snapshot()
    rules = RULES + RULES.replace("deposit_alert", "deposit_hold").replace(
        'alert role:sales_manager "{order.no}"', "reserve order.lines for 2h")
    result = tenant.client.post("/rules/try", data={
        "csrf_token": token, "text": rules, "event_type": "sales_order.confirmed",
        "payload": html.unescape(payload.group(1))}).text
    assert "deposit_alert/then/0" in result and "deposit_hold/then/0" in result
    assert "7.000" in result and "4.000" in result  # available 7 before, 4 after the hold
    assert tenant.snapshot() == before
