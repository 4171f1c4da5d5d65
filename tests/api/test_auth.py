"""Sign-in, bearer tokens, roles and API-token scopes over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kernel.clock import VirtualClock
from kernel.settings import get_settings
from tests.api.conftest import (
    API,
    PASSWORD,
    ApiTenant,
    TenantFactory,
    assert_problem,
    bearer,
    sign_in,
)


@pytest.fixture
def shop(make_tenant: TenantFactory) -> ApiTenant:
    """A tenant with every role, an item MAG-36 and 50 of it in WH-A."""
    tenant = make_tenant()
    tenant.item("MAG-36")
    tenant.warehouse("WH-A")
    tenant.warehouse("WH-B")
    tenant.receive("MAG-36", "WH-A", 50)
    return tenant


def move_body(qty: str = "1") -> dict[str, object]:
    """A valid transfer of MAG-36 from WH-A to WH-B (stock moves only through documents)."""
    return {"from_warehouse": "WH-A", "to_warehouse": "WH-B",
            "lines": [{"sku": "MAG-36", "qty": qty}]}


ADJUST_BODY = {"warehouse": "WH-A", "reason": "found", "photo_refs": ["p.jpg"],
               "lines": [{"sku": "MAG-36", "qty": "1"}]}


# --- signing in ------------------------------------------------------------------------------

def test_sign_in_returns_a_bearer_token_that_names_the_user(api, make_tenant):
    tenant = make_tenant(roles=("warehouse",))
    response = api.post(f"{API}/auth/token", data={"tenant": tenant.code,
                                                     "username": "warehouse",
                                                     "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == get_settings().token_ttl_seconds
    me = api.get(f"{API}/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200, me.text
    assert me.json() == {"tenant": tenant.code, "username": "warehouse", "role": "warehouse",
                         "permissions": ["scan:write", "stock:read", "stock:write"]}


def test_wrong_password_unknown_tenant_and_unknown_user_get_one_and_the_same_answer(
        api, make_tenant):
    tenant = make_tenant(roles=("admin",))
    attempts = [
        {"tenant": tenant.code, "username": "admin", "password": "wrong-password"},  # bad password
        {"tenant": "no-such-tenant", "username": "admin", "password": PASSWORD},  # unknown tenant
        {"tenant": tenant.code, "username": "nobody", "password": PASSWORD},  # unknown user
    ]
    answers = []
    for form in attempts:
        response = api.post(f"{API}/auth/token", data=form)
        body = assert_problem(response, 401, "auth.bad_credentials")
        assert response.headers["www-authenticate"] == "Bearer"
        answers.append((response.status_code, body))
    # Identical bodies: the answer must not reveal which of the three was wrong.
    assert answers[0] == answers[1] == answers[2]


@pytest.mark.parametrize("headers", [
    pytest.param({}, id="no Authorization header"),  # anonymous
    pytest.param(bearer("garbage"), id="a token nobody issued"),  # random text
    pytest.param(bearer("jxc_s_" + "A" * 43),  # the right shape, but no such digest stored
                 id="well-formed session token, never issued"),
    pytest.param({"Authorization": "Basic YWRtaW46cGFzc3dvcmQ="},  # admin:password, Basic
                 id="not a bearer scheme"),
])
def test_missing_or_garbage_token_is_401_with_a_bearer_challenge(api, headers):
    response = api.get(f"{API}/stock", headers=headers)
    assert_problem(response, 401, "auth.not_authenticated")
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_session_token_expires_after_token_ttl(api, make_tenant, clock: VirtualClock):
    tenant = make_tenant(roles=("viewer",))
    ttl = timedelta(seconds=get_settings().token_ttl_seconds)
    clock.advance(ttl - timedelta(seconds=1))
    assert tenant.get("/stock", role="viewer").status_code == 200  # one second left
    clock.advance(timedelta(seconds=1))
    response = tenant.get("/stock", role="viewer")  # expires_at reached: no longer valid
    expired = assert_problem(response, 401, "auth.session_expired")  # said as such
    assert expired["message"] == {"zh-CN": "登录已过期，请重新登录。",
                                  "en": "Your sign-in has expired; sign in again."}
    assert response.headers["www-authenticate"] == "Bearer"
    # Signing in again gives a fresh, working token.
    fresh = sign_in(api, tenant.code, "viewer")
    assert api.get(f"{API}/stock", headers=bearer(fresh)).status_code == 200


# --- roles -----------------------------------------------------------------------------------

def test_viewer_reads_stock_but_cannot_move_or_adjust_it(shop):
    assert shop.get("/stock", role="viewer").status_code == 200
    before = shop.snapshot()
    for path, body in (("/transfers", move_body()), ("/adjustments", ADJUST_BODY)):
        refused = assert_problem(shop.post(path, body, role="viewer"), 403, "auth.forbidden")
        assert refused["context"] == {"permission": "stock:write"}
    assert shop.snapshot() == before


@pytest.mark.parametrize("role", [
    "author",  # writes rules, reads stock
    "reviewer",  # approves rules, reads stock
    "viewer",  # reads only
])
def test_roles_without_stock_write_cannot_move_stock(shop, role):
    no = shop.post("/transfers", move_body(), role="warehouse").json()["no"]
    before = shop.snapshot()
    assert_problem(shop.post("/transfers", move_body(), role=role), 403, "auth.forbidden")
    assert_problem(shop.post(f"/transfers/{no}/dispatch", None, role=role), 403,
                   "auth.forbidden")
    assert shop.snapshot() == before


def test_warehouse_moves_stock_through_documents(shop):
    created = shop.post("/transfers", {**move_body("2"), "note": "补门店"}, role="warehouse")
    assert created.status_code == 201, created.text
    no = created.json()["no"]
    for action in ("dispatch", "receive"):
        moved = shop.post(f"/transfers/{no}/{action}", None, role="warehouse")
        assert moved.status_code == 200, moved.text
    adjusted = shop.post("/adjustments", ADJUST_BODY, role="warehouse")
    assert adjusted.status_code == 201, adjusted.text
    posted = shop.post(f"/adjustments/{adjusted.json()['no']}/submit", None, role="warehouse")
    assert posted.json()["status"] == "posted", posted.text
    rows = shop.get("/stock", role="warehouse", sku="MAG-36").json()["items"]
    assert {r["warehouse"]: r["on_hand"] for r in rows} == {
        "WH-A": "49.000", "WH-B": "2.000", "WH-A-TRANSIT": "0.000"}


def test_warehouse_cannot_create_items_or_api_tokens(shop):
    before = shop.snapshot()
    item = shop.post("/items", {"sku": "NEW-1", "name_zh": "新商品"}, role="warehouse")
    assert assert_problem(item, 403, "auth.forbidden")["context"] == {
        "permission": "catalog:write"}
    token = shop.post("/api-tokens", {"name": "mine", "scopes": ["stock:read"]},
                      role="warehouse")
    assert assert_problem(token, 403, "auth.forbidden")["context"] == {"permission": "admin"}
    listing = shop.get("/api-tokens", role="warehouse")
    assert_problem(listing, 403, "auth.forbidden")
    assert shop.snapshot() == before


# --- API tokens ------------------------------------------------------------------------------

def test_read_only_api_token_reads_but_cannot_move_stock(shop, api):
    created = shop.api_token(["stock:read"], name="看板")
    assert created["scopes"] == ["stock:read"]
    headers = bearer(created["token"])
    assert api.get(f"{API}/stock", headers=headers).status_code == 200
    before = shop.snapshot()
    response = api.post(f"{API}/transfers", json=move_body(), headers=headers)
    assert assert_problem(response, 403, "auth.forbidden")["context"] == {
        "permission": "stock:write"}
    assert shop.snapshot() == before


def test_api_token_with_stock_write_moves_stock_and_is_recorded_as_the_actor(shop, api):
    created = shop.api_token(["stock:read", "stock:write"], name="扫码枪")
    headers = bearer(created["token"])
    response = api.post(f"{API}/transfers", json=move_body("2"), headers=headers)
    assert response.status_code == 201, response.text
    no = response.json()["no"]
    sent = api.post(f"{API}/transfers/{no}/dispatch", headers=headers)
    assert sent.status_code == 200, sent.text
    rows = shop.get("/ledger", document_ref=no).json()["items"]
    assert len(rows) == 2
    assert {row["actor"] for row in rows} == {f"token:{created['id']}"}


def test_a_revoked_api_token_stops_working_at_once(shop, api):
    created = shop.api_token(["stock:read", "stock:write"])
    headers = bearer(created["token"])
    assert api.get(f"{API}/stock", headers=headers).status_code == 200
    revoked = api.delete(f"{API}/api-tokens/{created['id']}", headers=shop.headers())
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None
    for response in (api.get(f"{API}/stock", headers=headers),
                     api.post(f"{API}/transfers", json=move_body(), headers=headers)):
        assert_problem(response, 401, "auth.not_authenticated")


def test_an_api_token_expires_after_its_days(shop, api, clock: VirtualClock):
    response = shop.post("/api-tokens", {"name": "temp", "scopes": ["stock:read"],
                                         "expires_in_days": 1})
    assert response.status_code == 201, response.text
    headers = bearer(response.json()["token"])
    assert api.get(f"{API}/stock", headers=headers).status_code == 200
    clock.advance(timedelta(days=1))
    expired = assert_problem(api.get(f"{API}/stock", headers={**headers, "Accept-Language": "en"}),
                             401, "auth.token_expired")  # not the generic sign-in message
    assert expired["detail"].startswith("This API token expired at ")
    assert expired["detail"].endswith(" UTC; ask an admin for a new one.")


def test_api_token_secret_is_shown_once_and_never_listed(shop, api):
    created = shop.api_token(["stock:read"], name="ERP 同步")
    secret = created["token"]
    assert secret.startswith("jxc_a_") and len(secret) > 30
    assert api.get(f"{API}/stock", headers=bearer(secret)).status_code == 200
    listing = shop.get("/api-tokens")
    assert listing.status_code == 200, listing.text
    assert secret not in listing.text
    assert secret.removeprefix("jxc_a_") not in listing.text
    (row,) = [t for t in listing.json() if t["id"] == created["id"]]
    assert "token" not in row
    assert row == {k: v for k, v in created.items() if k != "token"}
    # Revoking answers without the secret too.
    revoked = api.delete(f"{API}/api-tokens/{created['id']}", headers=shop.headers())
    assert secret not in revoked.text and "token" not in revoked.json()


@pytest.mark.parametrize("scopes", [
    pytest.param(["stock:teleport"], id="unknown scope"),  # not a Permission
    pytest.param([], id="no scope at all"),  # a token that could do nothing
])
def test_api_token_with_bad_scopes_is_refused(shop, scopes):
    before = shop.snapshot()
    response = shop.post("/api-tokens", {"name": "bad", "scopes": scopes})
    assert_problem(response, 422)
    assert shop.snapshot() == before
