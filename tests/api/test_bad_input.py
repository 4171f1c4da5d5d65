"""Bad input to the stock commands: a specific zh-CN/en problem, and nothing changes.

Stock moves only through documents, so the commands here are the ones that write the
documents which move stock without an order behind them — a transfer, an adjustment — and
a reservation. The table runs every bad input against each of them, with a valid
warehouse-role token, on SQLite and PostgreSQL. One tenant per module and backend is
enough for the table because none of its requests may change anything (which each case
checks); tests that do change stock get a tenant of their own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kernel.db import Database
from tests.api.conftest import (
    API,
    ApiTenant,
    TenantFactory,
    assert_problem,
    bearer,
    has_cjk,
    ledger_rows,
    new_tenant,
)

#: A valid body per command, for the SKU ITEM-1 with 100 on hand in WH-1 (and none in WH-2).
VALID: dict[str, dict[str, Any]] = {
    "/transfers": {"from_warehouse": "WH-1", "to_warehouse": "WH-2",
                   "lines": [{"sku": "ITEM-1", "qty": "5"}]},
    "/adjustments": {"warehouse": "WH-1", "reason": "damaged", "photo_refs": ["p-1.jpg"],
                     "lines": [{"sku": "ITEM-1", "qty": "5"}]},
    "/reservations": {"sku": "ITEM-1", "warehouse": "WH-1", "qty": "5"},
}
COMMANDS = list(VALID)
#: The field that names the warehouse stock leaves (or is corrected in).
WAREHOUSE_FIELD = {path: "from_warehouse" if path == "/transfers" else "warehouse"
                   for path in COMMANDS}


def with_line(body: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """``body`` with ``fields`` set where a command keeps them: in its first line, if any."""
    if "lines" not in body:
        return {**body, **fields}
    return {**body, "lines": [{**body["lines"][0], **fields}]}


def without_sku(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with the SKU left out (of its first line, if any)."""
    if "lines" not in body:
        return {k: v for k, v in body.items() if k != "sku"}
    return {**body, "lines": [{k: v for k, v in body["lines"][0].items() if k != "sku"}]}


@dataclass(frozen=True, slots=True)
class Shop:
    """The module's tenant (signed in as warehouse) and another tenant with WH-OTHER."""

    client: TestClient
    db: Database
    tenant: ApiTenant
    other: ApiTenant


@pytest.fixture(scope="module")
def shop(module_api: TestClient, database: Database) -> Shop:
    """ITEM-1 with 100 in WH-1 and an empty WH-2; the other tenant owns WH-OTHER."""
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    tenant = new_tenant(module_api, database, now, roles=("admin", "warehouse"))
    tenant.item("ITEM-1")
    tenant.warehouse("WH-1")
    tenant.warehouse("WH-2")
    tenant.receive("ITEM-1", "WH-1", 100)
    other = new_tenant(module_api, database, now, roles=("admin",))
    other.item("ITEM-1")
    other.warehouse("WH-OTHER")
    other.receive("ITEM-1", "WH-OTHER", 100)
    return Shop(client=module_api, db=database, tenant=tenant, other=other)


@dataclass(frozen=True, slots=True)
class Request:
    """What a case sends: raw bytes and headers (so malformed JSON can be sent too)."""

    content: bytes
    headers: dict[str, str]


def as_json(body: dict[str, Any], token: str | None) -> Request:
    """A JSON request with the warehouse user's token (or none)."""
    headers = {"Content-Type": "application/json", **(bearer(token) if token else {})}
    return Request(json.dumps(body).encode(), headers)


def with_body(change: Callable[[str, dict[str, Any]], dict[str, Any]]
              ) -> Callable[[str, str], Request]:
    """A case that alters the valid body of the command."""

    def build(path: str, token: str) -> Request:
        return as_json(change(path, dict(VALID[path])), token)

    return build


def qty(value: Any) -> Callable[[str, str], Request]:
    """A case that sends ``value`` as the quantity."""
    return with_body(lambda _path, body: with_line(body, qty=value))


def warehouse(code: str) -> Callable[[str, str], Request]:
    """A case that names warehouse ``code`` where the stock leaves (or arrives)."""
    return with_body(lambda path, body: {**body, WAREHOUSE_FIELD[path]: code})


def negative(path: str, token: str) -> Request:
    # An adjustment's quantity is signed (−5 is a loss); beyond the ceiling it is refused.
    return as_json(with_line(VALID[path], qty="-1e13" if path == "/adjustments" else "-5"),
                   token)


def malformed_json(path: str, token: str) -> Request:
    return Request(json.dumps(VALID[path]).encode()[:-7],
                   {"Content-Type": "application/json", **bearer(token)})


def wrong_content_type(path: str, token: str) -> Request:
    return Request(json.dumps(VALID[path]).encode(),
                   {"Content-Type": "text/plain", **bearer(token)})


def form_encoded(path: str, token: str) -> Request:
    return Request(b"sku=ITEM-1&warehouse=WH-1&qty=5",
                   {"Content-Type": "application/x-www-form-urlencoded", **bearer(token)})


def not_utf8(path: str, token: str) -> Request:
    return Request(b'{"sku": "\xff\xfe"}', {"Content-Type": "application/json", **bearer(token)})


def no_token(path: str, _token: str) -> Request:
    return as_json(VALID[path], None)


#: (case, expected status, expected code); ``None`` status means "any 4xx".
BAD_INPUTS = [
    pytest.param(negative, 422, "request.invalid",
                 id="negative qty"),  # pydantic's gt=0
    pytest.param(qty("0"), 422, None,
                 id="zero qty"),  # request.invalid
    pytest.param(qty(1e30), 422, "request.invalid",
                 id="qty 1e30"),  # above the 10^12 ceiling, as a JSON number
    pytest.param(qty("1e30"), 422, "request.invalid",
                 id="qty 1e30 as text"),  # the same ceiling when sent as a string
    pytest.param(qty("1.2345"), 422, "request.invalid",
                 id="qty with 4 decimals"),  # at most 3 decimals (1 g of a kg)
    pytest.param(qty(1.2345), 422, "request.invalid",
                 id="qty with 4 decimals as a JSON number"),  # float must not be rounded away
    pytest.param(qty("abc"), 422, "request.invalid",
                 id="qty abc"),  # not a number at all
    pytest.param(qty("NaN"), 422, "request.invalid",
                 id="qty NaN"),  # Decimal accepts NaN; the API must not
    pytest.param(qty(None), 422, "request.invalid",
                 id="qty null"),  # required
    pytest.param(with_body(lambda _p, b: with_line(b, sku="NO-SUCH-SKU")), 404,
                 "inventory.unknown_item", id="unknown SKU"),  # names the SKU it missed
    pytest.param(warehouse("NO-SUCH-WH"), 404, "inventory.unknown_warehouse",
                 id="unknown warehouse"),  # from_warehouse for a transfer
    pytest.param(warehouse("WH-OTHER"), 404, "inventory.unknown_warehouse",
                 id="another tenant's warehouse code"),  # exists, but not in this tenant
    pytest.param(malformed_json, 422, "request.invalid",
                 id="malformed JSON"),  # cut off mid-document
    pytest.param(wrong_content_type, None, None,
                 id="wrong content type"),  # JSON text sent as text/plain: 415 or 422
    pytest.param(form_encoded, None, None,
                 id="form-encoded body"),  # the sign-in form's encoding, not JSON
    pytest.param(with_body(lambda _p, b: {**b, "colour": "red"}), 422, "request.invalid",
                 id="unknown extra field"),  # a typo never silently does nothing
    pytest.param(with_body(lambda _p, b: without_sku(b)), 422,
                 "request.invalid", id="missing SKU"),  # a required field left out
    pytest.param(no_token, 401, "auth.not_authenticated",
                 id="missing token"),  # with a WWW-Authenticate: Bearer challenge
    pytest.param(not_utf8, None, None, id="body not UTF-8"),  # bytes no JSON decoder accepts
]


@pytest.mark.parametrize("path", COMMANDS)
@pytest.mark.parametrize(("case", "status", "code"), BAD_INPUTS)
def test_bad_input_is_a_bilingual_problem_and_changes_nothing(shop, path, case, status, code):
    before = shop.tenant.snapshot(), shop.other.snapshot()
    request = case(path, shop.tenant.tokens["warehouse"])
    response = shop.client.post(API + path, content=request.content, headers=request.headers)
    assert 400 <= response.status_code < 500, response.text
    body = assert_problem(response, status, code)
    assert body["detail"] == body["message"]["zh-CN"]  # no Accept-Language: zh-CN
    assert (shop.tenant.snapshot(), shop.other.snapshot()) == before
    if response.status_code == 401:
        assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("path", COMMANDS)
def test_the_valid_body_of_the_table_is_accepted(make_tenant: TenantFactory, path):
    """The table's bodies are right apart from the one thing each case breaks."""
    tenant = make_tenant(roles=("admin", "warehouse"))
    tenant.item("ITEM-1")
    tenant.warehouse("WH-1")
    tenant.warehouse("WH-2")
    tenant.receive("ITEM-1", "WH-1", 100)
    response = tenant.post(path, VALID[path], role="warehouse")
    assert response.status_code == 201, response.text


def test_a_refusal_names_the_balance_in_the_callers_language(shop):
    """zh-CN by default, English with Accept-Language: en; both always in ``message``."""
    headers = shop.tenant.headers("warehouse")
    draft = shop.client.post(f"{API}/transfers", json=with_line(VALID["/transfers"],
                                                                qty="1000"), headers=headers)
    assert draft.status_code == 201, draft.text
    dispatch = f"{API}/transfers/{draft.json()['no']}/dispatch"
    default = shop.client.post(dispatch, headers=headers)
    english = shop.client.post(dispatch, headers={**headers, "Accept-Language": "en"})
    chinese = shop.client.post(dispatch, headers={**headers,
                                                  "Accept-Language": "zh-CN,zh;q=0.9"})
    zh = assert_problem(default, 409, "inventory.insufficient_stock")
    en = assert_problem(english, 409, "inventory.insufficient_stock")
    assert zh["detail"] == "商品 ITEM-1 在 WH-1：可用 100.000，请求 1000.000。"
    assert en["detail"] == "SKU ITEM-1 at WH-1: available 100.000, requested 1000.000."
    assert zh["message"] == en["message"] == {"zh-CN": zh["detail"], "en": en["detail"]}
    assert assert_problem(chinese, 409)["detail"] == zh["detail"]
    assert zh["context"] == {"sku": "ITEM-1", "warehouse": "WH-1", "available": "100.000",
                             "requested": "1000.000"}


def test_a_validation_problem_follows_accept_language_too(shop):
    headers = shop.tenant.headers("warehouse")
    body = {**VALID["/reservations"], "qty": "abc"}
    english = assert_problem(shop.client.post(f"{API}/reservations", json=body,
                                              headers={**headers, "Accept-Language": "en-US"}),
                             422, "request.invalid")
    default = assert_problem(shop.client.post(f"{API}/reservations", json=body,
                                              headers=headers), 422, "request.invalid")
    assert english["detail"] == english["message"]["en"] and not has_cjk(english["detail"])
    assert default["detail"] == default["message"]["zh-CN"] and has_cjk(default["detail"])
    assert english["detail"] == "The quantity must be a number such as 12.5."
    assert default["detail"] == "数量须为数字，如 12.5。"
    assert [e["loc"] for e in english["errors"]] == [["body", "qty"]]


# --- Idempotency-Key over HTTP ---------------------------------------------------------------

@pytest.fixture
def fresh(make_tenant: TenantFactory) -> ApiTenant:
    """A tenant of the test's own (these tests change stock)."""
    tenant = make_tenant(roles=("admin", "warehouse"))
    tenant.item("ITEM-1")
    tenant.warehouse("WH-1")
    tenant.warehouse("WH-2")
    tenant.receive("ITEM-1", "WH-1", 100)
    return tenant


@pytest.mark.parametrize("path", COMMANDS)
def test_the_same_idempotency_key_twice_replays_the_first_result(fresh, path):
    key = {"Idempotency-Key": f"scan-{path.rsplit('/', 1)[-1]}-0001"}
    first = fresh.post(path, VALID[path], role="warehouse", **key)
    assert first.status_code == 201, first.text
    after_first = fresh.snapshot()
    again = fresh.post(path, VALID[path], role="warehouse", **key)
    assert again.status_code == 201, again.text
    assert first.json()["replayed"] is False
    assert again.json() == {**first.json(), "replayed": True}
    assert fresh.snapshot() == after_first


@pytest.mark.parametrize("path", COMMANDS)
def test_an_idempotency_key_reused_for_another_body_is_refused(fresh, path):
    key = {"Idempotency-Key": "scan-0002"}
    assert fresh.post(path, VALID[path], role="warehouse", **key).status_code == 201
    before = fresh.snapshot()
    other = with_line(VALID[path], qty="6")
    response = fresh.post(path, other, role="warehouse", **key)
    body = assert_problem(response, 422, "inventory.idempotency_key_reused")
    assert body["context"]["key"] == "scan-0002"
    assert fresh.snapshot() == before


def test_an_idempotency_key_reused_for_another_command_is_refused(fresh):
    key = {"Idempotency-Key": "scan-0003"}
    assert fresh.post("/transfers", VALID["/transfers"], **key).status_code == 201
    before = fresh.snapshot()
    response = fresh.post("/adjustments", VALID["/adjustments"], **key)
    assert_problem(response, 422, "inventory.idempotency_key_reused")
    assert fresh.snapshot() == before


def test_a_refused_command_does_not_burn_its_idempotency_key(fresh):
    """Retrying a refusal re-checks instead of replaying a stale "no"."""
    key = {"Idempotency-Key": "scan-0004"}
    draft = fresh.post("/transfers", with_line(VALID["/transfers"], qty="150"), "warehouse")
    dispatch = f"/transfers/{draft.json()['no']}/dispatch"
    assert_problem(fresh.post(dispatch, None, role="warehouse", **key), 409,
                   "inventory.insufficient_stock")
    fresh.receive("ITEM-1", "WH-1", 50)
    retried = fresh.post(dispatch, None, role="warehouse", **key)
    assert retried.status_code == 200, retried.text
    assert retried.json()["replayed"] is False


@pytest.mark.parametrize("key", [
    pytest.param("", id="empty"),  # min_length=1
    pytest.param("k" * 201, id="201 characters"),  # max_length=200
])
def test_a_malformed_idempotency_key_is_refused(fresh, key):
    before = fresh.snapshot()
    response = fresh.post("/transfers", VALID["/transfers"], role="warehouse",
                          **{"Idempotency-Key": key})
    assert_problem(response, 422, "request.invalid")
    assert fresh.snapshot() == before


# --- inputs that once broke the server (each was a 500 or a one-language answer) -----------

NUL_REQUESTS = [
    pytest.param("POST", "/transfers", {**VALID["/transfers"], "note": "a\x00b"},  # free text
                 id="NUL in a transfer note"),
    pytest.param("POST", "/adjustments", with_line(VALID["/adjustments"], lot_no="L\x001"),
                 id="NUL in a lot number"),  # a lot created by a gain
    pytest.param("POST", "/adjustments", {**VALID["/adjustments"], "photo_refs": ["p\x00"]},
                 id="NUL in a photo reference"),  # stored evidence
    pytest.param("POST", "/reservations", {**VALID["/reservations"], "sku": "A\x00"},
                 id="NUL in a SKU looked up"),  # a lookup key
    pytest.param("GET", "/items/A%00B", None,  # a path parameter
                 id="NUL in a SKU in the path"),
    pytest.param("GET", "/items?q=%00", None,  # an ILIKE search
                 id="NUL in the item search"),
    pytest.param("GET", "/stock?sku=%00", None,  # a filter looked up by name
                 id="NUL in the stock filter"),
]


@pytest.mark.parametrize(("method", "path", "body"), NUL_REQUESTS)
def test_a_nul_byte_is_refused_the_same_way_on_both_databases(fresh, method, path, body):
    # PostgreSQL text cannot hold NUL and SQLite would store it: the API refuses it up front.
    before = fresh.snapshot()
    response = fresh.client.request(method, API + path, json=body,
                                    headers=fresh.headers("warehouse"))
    assert_problem(response, 422, "request.nul_character")
    assert fresh.snapshot() == before


def test_a_nul_byte_in_the_sign_in_form_is_refused_before_sign_in(fresh):
    response = fresh.client.post(f"{API}/auth/token", data={
        "tenant": fresh.code + "\x00", "username": "warehouse", "password": "whatever1"})
    assert_problem(response, 422, "request.nul_character")


def test_a_sign_in_form_without_multipart_boundary_is_a_bilingual_problem(shop):
    response = shop.client.post(f"{API}/auth/token", content=b"username=a&password=b",
                                headers={"Content-Type": "multipart/form-data"})
    assert 400 <= response.status_code < 500, response.text
    assert_problem(response)


def test_a_refusal_is_answered_not_raised_as_a_server_exception(shop):
    # raise_server_exceptions=True, the default: anything the app re-raises reaches the test.
    with TestClient(shop.client.app) as strict_client:
        response = strict_client.get(f"{API}/items/NO-SUCH-SKU",
                                     headers=shop.tenant.headers("warehouse"))
    assert_problem(response, 404, "inventory.unknown_item")


def test_accept_language_quality_values_are_respected(shop):
    response = shop.client.get(f"{API}/items/NO-SUCH-SKU", headers={
        **shop.tenant.headers("warehouse"), "Accept-Language": "en;q=0.1, zh-CN;q=0.9"})
    body = assert_problem(response, 404, "inventory.unknown_item")
    assert body["detail"] == body["message"]["zh-CN"]


@pytest.mark.parametrize("params", [
    pytest.param({"since": "0001-01-01T00:00:00+01:00"},  # 0000-12-31T23:00Z: no such date
                 id="since before year 1 in UTC"),
    pytest.param({"until": "9999-12-31T23:59:59-01:00"},  # 10000-01-01T00:59Z: no such date
                 id="until after year 9999 in UTC"),
])
def test_an_out_of_range_ledger_time_filter_is_a_problem_not_a_server_error(shop, params):
    response = shop.client.get(f"{API}/ledger", params=params,
                               headers=shop.tenant.headers("warehouse"))
    assert response.status_code < 500, response.text
    assert_problem(response, 422)


def test_ledger_count_is_untouched_by_the_whole_table(shop):
    """The table's promise in one number: the module's refusals wrote no ledger row."""
    assert ledger_rows(shop.db, shop.tenant.tenant_id) == 1  # the setup receipt only
    assert ledger_rows(shop.db, shop.other.tenant_id) == 1
