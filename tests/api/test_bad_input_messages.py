"""What a refused request says, word for word, in zh-CN and English (issue 23).

test_bad_input.py checks that bad input is a bilingual problem and changes nothing; this
table checks what the problem *says*: each row is one bad input with its status, code, and
the exact Chinese and English sentence, which names the field by its label, what was
expected and the limit. Rule text gets every diagnostic (line, column, code, both messages,
suggestion), through the check-only endpoint as through saving, and the editor says "too
large" instead of cutting the text. Every row runs on SQLite and PostgreSQL, sends
``Accept-Language: en`` (so ``detail`` must be the English one) and leaves the tenant's
stock, rule versions and rule-test runs as they were.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from engine.governance.models import RuleTestRun
from engine.models import RuleSetVersion
from kernel.db import Database
from kernel.settings import get_settings
from tests.api.conftest import API, ApiTenant, assert_problem, new_tenant
from tests.api.test_connectors_api import ASN, create_inbound, signed
from tests.api.test_studio_pages import sign_in_page


@dataclass(frozen=True, slots=True)
class Shop:
    """One tenant per module and backend: stock, an inbound webhook, an author."""

    client: TestClient
    db: Database
    tenant: ApiTenant
    hook: dict[str, Any]


@pytest.fixture(scope="module")
def shop(module_api: TestClient, database: Database) -> Shop:
    """ITEM-1 with 100 in WH-1; users admin, warehouse and author; one inbound webhook."""
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    tenant = new_tenant(module_api, database, now, roles=("admin", "warehouse", "author"))
    tenant.item("ITEM-1")
    tenant.warehouse("WH-1")
    tenant.warehouse("WH-2")
    tenant.receive("ITEM-1", "WH-1", 100)
    return Shop(client=module_api, db=database, tenant=tenant, hook=create_inbound(tenant))


def state(shop: Shop) -> tuple[Any, ...]:
    """Stock, ledger and catalogue, and the rule versions and test runs, of the tenant."""
    with shop.db.read(None) as s:
        rules = tuple(s.scalar(select(func.count()).select_from(model)
                               .where(model.tenant_id == shop.tenant.tenant_id)) or 0
                      for model in (RuleSetVersion, RuleTestRun))
    return shop.tenant.snapshot(), rules


#: The path of the module's inbound webhook (it has a random public id).
HOOK = "<the inbound webhook>"
RESERVE = {"sku": "ITEM-1", "warehouse": "WH-1", "qty": "5"}
TRANSFER = {"from_warehouse": "WH-1", "to_warehouse": "WH-2",
            "lines": [{"sku": "ITEM-1", "qty": "5"}]}


@dataclass(frozen=True, slots=True)
class Send:
    """A request of the table: method, path, JSON body (or raw bytes), role, headers."""

    method: str
    path: str
    body: Any = None
    role: str | None = "warehouse"
    raw: bytes | None = None
    headers: Callable[[Shop, bytes], dict[str, str]] | None = None


def reserve(**fields: Any) -> Send:
    """A reservation with ``fields`` changed (None: the field left out)."""
    body = {k: v for k, v in {**RESERVE, **fields}.items() if v is not None}
    return Send("POST", "/reservations", body)


def hook(make_headers: Callable[[str, bytes], dict[str, str]]) -> Send:
    """The ASN webhook signed by ``make_headers(secret, body)``."""
    return Send("POST", HOOK, raw=json.dumps(ASN).encode(), role=None,
                headers=lambda shop, body: make_headers(shop.hook["secret"], body))


def _forged(secret: str, body: bytes) -> dict[str, str]:
    return signed("whsec_" + "QUJD" * 8, body)


def _stale(secret: str, body: bytes) -> dict[str, str]:
    return signed(secret, body, when=datetime.now(UTC) - timedelta(minutes=6))


def _unsigned(secret: str, body: bytes) -> dict[str, str]:
    return {k: v for k, v in signed(secret, body).items() if k != "webhook-signature"}


#: (request, status, code, zh-CN message, English message)
SENTENCES = [
    pytest.param(reserve(qty="-5"), 422, "request.invalid",
                 "数量须大于 0。", "The quantity must be greater than 0.",
                 id="negative qty"),  # gt=0, the limit named
    pytest.param(reserve(qty=1e30), 422, "request.invalid",
                 "数量须不大于 1,000,000,000,000。",
                 "The quantity must be at most 1,000,000,000,000.",
                 id="qty 1e30"),  # le=10^12, written as people write it
    pytest.param(reserve(qty="1.2345"), 422, "request.invalid",
                 "数量最多 3 位小数。", "The quantity may have at most 3 decimal places.",
                 id="qty with 4 decimals"),  # decimal_max_places
    pytest.param(reserve(qty="abc"), 422, "request.invalid",
                 "数量须为数字，如 12.5。", "The quantity must be a number such as 12.5.",
                 id="qty abc"),  # decimal_parsing
    pytest.param(reserve(qty="NaN"), 422, "request.invalid",
                 "数量须为有限的数字（不能是 NaN 或无穷大）。",
                 "The quantity must be a real number (not NaN or infinity).",
                 id="qty NaN"),  # finite_number
    pytest.param(reserve(qty=None), 422, "request.invalid",
                 "缺少数量。", "The quantity is required.",
                 id="qty left out"),  # missing
    pytest.param(reserve(colour="red"), 422, "request.invalid",
                 "请求中没有 `colour` 这个字段，请检查拼写。",
                 "`colour` is not a field of this request; check the spelling.",
                 id="unknown field"),  # extra_forbidden names the typo itself
    pytest.param(reserve(sku="ITEM 1"), 422, "request.invalid",
                 "商品编码只能包含字母、数字、`.`、`-`、`_` 和 `/`（不能有空格）。",
                 "The SKU may contain only letters, digits, `.`, `-`, `_` and `/` (no spaces).",
                 id="SKU with a space"),  # string_pattern_mismatch, the pattern in words
    pytest.param(reserve(sku="S" * 65), 422, "request.invalid",
                 "商品编码最多 64 个字符。", "The SKU may have at most 64 characters.",
                 id="SKU of 65 characters"),  # string_too_long
    pytest.param(Send("POST", "/transfers", {**TRANSFER, "lines": [{"qty": "5"}]}), 422,
                 "request.invalid", "缺少第 1 行的商品编码。", "The SKU of line 1 is required.",
                 id="line without SKU"),  # the line is named too
    pytest.param(Send("POST", "/transfers", {**TRANSFER, "lines": []}), 422,
                 "request.invalid", "明细不能为空。", "The lines must not be empty.",
                 id="no lines"),  # too_short
    pytest.param(Send("POST", "/sales-orders", {
        "customer": "C-1", "warehouse": "WH-1",
        "lines": [{"sku": "ITEM-1", "qty": "1", "unit_price": "-1"}]}, role="admin"), 422,
                 "request.invalid", "第 1 行的单价须不小于 0。",
                 "The unit price of line 1 must be at least 0.",
                 id="negative unit price"),  # ge=0 on a money field
    pytest.param(Send("POST", "/reservations", raw=b'{"sku": "ITEM-1", "qty": '), 422,
                 "request.invalid", "请求内容不是有效的 JSON（请检查引号、逗号和括号）。",
                 "The body is not valid JSON (check quotes, commas and brackets).",
                 id="malformed JSON"),  # json_invalid
    pytest.param(Send("GET", "/stock?limit=1000"), 422, "request.invalid",
                 "每页条数须不大于 500。", "The page size must be at most 500.",
                 id="page size over 500"),  # a query parameter has its label too
    pytest.param(Send("POST", "/rule-versions/1/transitions", {"to": "production"},
                      role="author"), 422, "request.invalid",
                 "目标状态须为以下之一：'draft'、'sandbox'、'shadow'、'awaiting_review'、'retired'。",
                 "The target state must be one of 'draft', 'sandbox', 'shadow', "
                 "'awaiting_review' or 'retired'.",
                 id="state not in the list"),  # literal_error
    pytest.param(Send("GET", "/stock", role=None), 401, "auth.not_authenticated",
                 "请登录或提供有效的访问令牌。", "Sign in or send a valid bearer token.",
                 id="no token"),
    pytest.param(hook(_forged), 401, "connector.signature_rejected",
                 "Webhook 被拒绝：签名与请求内容不符；请检查连接器密钥，并对实际发送的字节签名。",
                 "Webhook refused: the signature does not match the body; check the "
                 "connector's secret and sign the exact bytes sent.",
                 id="webhook signed with another secret"),  # bad_signature in words
    pytest.param(hook(_stale), 401, "connector.signature_rejected",
                 "Webhook 被拒绝：时间戳过旧（超过 5 分钟），可能是重放；请用当前时间重新发送。",
                 "Webhook refused: the timestamp is too old (more than 5 minutes), so this "
                 "may be a replay; send it again with the current time.",
                 id="stale webhook"),  # stale
    pytest.param(hook(_unsigned), 401, "connector.signature_rejected",
                 "Webhook 被拒绝：缺少 webhook-id、webhook-timestamp 或 webhook-signature 请求头。",
                 "Webhook refused: the webhook-id, webhook-timestamp or webhook-signature "
                 "header is missing.",
                 id="unsigned webhook"),  # missing_headers
    pytest.param(Send("POST", "/hooks/hk_nope", raw=b"{}", role=None), 404,
                 "connector.not_found", "未找到连接器 hk_nope。",
                 "Connector hk_nope was not found.",
                 id="unknown webhook address"),
    pytest.param(Send("POST", "/auth/token", raw=b"tenant=a", role=None,
                      headers=lambda _shop, _body: {"Content-Type": "multipart/form-data"}),
                 400, "http.bad_request",
                 "无法读取请求内容（不是有效的 UTF-8 或表单格式错误）。",
                 "The request could not be read (a body that is not valid UTF-8 or a malformed "
                 "form).", id="form without its multipart boundary"),  # a 400's title too
    pytest.param(Send("DELETE", "/stock"), 405, "http.method_not_allowed",
                 "此处不允许该请求方法。", "This method is not allowed here.",
                 id="method not allowed"),  # its title is a sentence too
]


def _send(shop: Shop, case: Send) -> Any:
    headers = {"Accept-Language": "en"}
    if case.role:
        headers.update(shop.tenant.headers(case.role))
    path = shop.hook["inbound_path"] if case.path == HOOK else API + case.path
    if case.raw is not None:
        headers.update(case.headers(shop, case.raw) if case.headers else
                       {"Content-Type": "application/json"})
        return shop.client.request(case.method, path, content=case.raw, headers=headers)
    return shop.client.request(case.method, path, json=case.body, headers=headers)


@pytest.mark.parametrize(("case", "status", "code", "zh", "en"), SENTENCES)
def test_a_refusal_says_what_is_wrong_in_both_languages(shop, case, status, code, zh, en):
    before = state(shop)
    body = assert_problem(_send(shop, case), status, code)
    assert body["message"] == {"zh-CN": zh, "en": en}
    assert body["detail"] == en  # Accept-Language: en
    assert body["title"] != code and body["title"].endswith(".")  # a sentence, not the code
    assert "Input should" not in json.dumps(body)  # pydantic's English never reaches people
    assert state(shop) == before


def test_each_validation_error_is_listed_with_loc_type_and_both_messages(shop):
    before = state(shop)
    response = shop.client.post(f"{API}/reservations", json={**RESERVE, "sku": "ITEM 1",
                                                             "qty": "-5"},
                                headers=shop.tenant.headers("warehouse"))
    body = assert_problem(response, 422, "request.invalid")
    assert body["title"] == "请求内容不合法。"
    by_loc = {tuple(e["loc"]): e for e in body["errors"]}
    assert set(by_loc) == {("body", "sku"), ("body", "qty")}
    assert by_loc[("body", "qty")]["type"] == "greater_than"
    assert by_loc[("body", "qty")]["ctx"] == {"gt": "0"}
    assert by_loc[("body", "qty")]["message"] == {"zh-CN": "数量须大于 0。",
                                                 "en": "The quantity must be greater than 0."}
    assert body["detail"].startswith("请求有 2 处问题：")
    assert "数量须大于 0。" in body["detail"] and "商品编码只能包含" in body["detail"]
    assert state(shop) == before


# --- rule text: every diagnostic, check-only, limits ----------------------------------------

#: Four problems on two lines: two unknown fields, an incomparable pair, an unknown role.
FOUR_PROBLEMS = """rule r1 "x"
  when sales_order.confirmed
  if order.deposit_amont > 0 and order.total_amount > 2h
  then
    notify role:sales_managr "x {order.nope}"
end
"""


def rule(condition: str = "order.deposit_amount > 0", then: str = "notify role:sales_manager "
         '"new"', event: str = "sales_order.confirmed") -> str:
    """A one-rule file with ``condition`` and the action ``then``."""
    return f'rule r "x"\n  when {event}\n  if {condition}\n  then\n    {then}\nend\n'


def check(shop: Shop, source: str, **fields: Any) -> dict[str, Any]:
    response = shop.client.post(f"{API}/rules/check", json={"source": source, **fields},
                                headers=shop.tenant.headers("author"))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def save(shop: Shop, source: str, status: int, code: str) -> dict[str, Any]:
    response = shop.client.post(f"{API}/rule-versions", json={"name": "bad", "source": source},
                                headers=shop.tenant.headers("author"))
    return assert_problem(response, status, code)


def test_saving_bad_rules_lists_every_diagnostic_and_checking_lists_the_same(shop):
    before = state(shop)
    refused = save(shop, FOUR_PROBLEMS, 422, "dsl.check_failed")
    checked = check(shop, FOUR_PROBLEMS)
    assert checked["ok"] is False and checked["diagnostics"] == refused["diagnostics"]
    found = refused["diagnostics"]
    assert [(d["line"], d["column"], d["code"]) for d in found] == [
        (3, 6, "dsl.name.unknown_field"), (3, 34, "dsl.type.incomparable"),
        (5, 12, "dsl.name.unknown_role"), (5, 33, "dsl.name.unknown_field")]
    assert found[0]["message"] == {
        "zh-CN": "`order.deposit_amont` 不是事件 `sales_order.confirmed` 中可用的字段。",
        "en": "`order.deposit_amont` is not a field available on event "
              "`sales_order.confirmed`."}
    assert found[0]["suggestion"] == {"zh-CN": "是不是想写 `order.deposit_amount`？",
                                      "en": "Did you mean `order.deposit_amount`?"}
    assert found[2]["suggestion"]["en"] == "Did you mean `sales_manager`?"
    # The message spells out every problem with its position, not "the first: …".
    assert refused["message"]["en"].startswith("Problems in the rules (4): line 3, column 6: ")
    assert refused["message"]["zh-CN"].count(" 行第 ") == 4 and "第 5 行第 33 列" in \
        refused["message"]["zh-CN"]
    assert state(shop) == before


def test_checking_good_rules_saves_nothing_and_gives_the_version_hash(shop):
    before = state(shop)
    checked = check(shop, rule())
    assert checked["ok"] is True and checked["diagnostics"] == []
    assert len(checked["version_hash"]) >= 32
    assert state(shop) == before


def test_a_reviewer_or_viewer_cannot_use_the_check(make_tenant):
    tenant = make_tenant(roles=("viewer",))
    assert_problem(tenant.post("/rules/check", {"source": rule()}, role="viewer"), 403,
                   "auth.forbidden")


DEEP = "(" * 10_000 + "order.deposit_amount > 0" + ")" * 10_000


def test_ten_thousand_nested_brackets_are_too_deep_on_save_and_check(shop):
    before = state(shop)
    refused = save(shop, rule(DEEP), 422, "dsl.limit.too_deep")
    assert refused["message"]["en"].startswith(
        "line 3, column 106: An expression is nested more than 100 levels deep.")
    assert refused["message"]["zh-CN"].startswith("第 3 行第 106 列: 表达式嵌套超过 100 层。")
    [diagnostic] = check(shop, rule(DEEP))["diagnostics"]
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == \
        ("dsl.limit.too_deep", 3, 106)
    ok = "(" * 100 + "order.deposit_amount > 0" + ")" * 100  # the limit itself is fine
    assert check(shop, rule(ok))["ok"] is True
    assert state(shop) == before


#: 1.1 MB of rule text: one rule and a long comment.
HUGE = rule() + "# " + "x" * 1_100_000 + "\n"


def test_rule_text_over_the_limit_is_too_large_on_save_and_check(shop):
    before = state(shop)
    refused = save(shop, HUGE, 422, "dsl.limit.too_large")
    size = f"{len(HUGE):,}"
    assert refused["message"] == {
        "zh-CN": f"第 1 行第 1 列: 规则文本有 {size} 个字符，上限为 200,000。 "
                 "请把规则拆成多个规则集。",
        "en": f"line 1, column 1: The rule text has {size} characters; the limit is 200,000. "
              "Split the rules into several rule sets."}
    assert [d["code"] for d in check(shop, HUGE)["diagnostics"]] == ["dsl.limit.too_large"]
    assert state(shop) == before


def test_the_editor_says_too_large_instead_of_cutting_the_text(shop):
    token = sign_in_page(shop.tenant, "author")
    response = shop.client.post("/rules/sync/text", json={"text": HUGE},
                                headers={"X-CSRF-Token": token})
    assert response.status_code == 200, response.text
    synced = response.json()
    assert synced["ok"] is False and synced["canvas"] is None and synced["version"] is None
    [marker] = synced["markers"]
    assert marker["code"] == "dsl.limit.too_large"
    assert f"规则文本有 {len(HUGE):,} 个字符，上限为 200,000。" in marker["message"]
    shop.client.cookies.clear()


@pytest.mark.parametrize(("source", "code", "suggestion"), [
    pytest.param(rule(then="reserve order.lines for 48hh"), "dsl.syntax.duration_needs_unit",
                 "Did you mean `48h`? `hh` is not a unit.", id="48hh"),
    pytest.param(rule(then="reserve order.lines for 2hours"), "dsl.syntax.duration_needs_unit",
                 "Did you mean `2h`? `hours` is not a unit.", id="2hours"),
    pytest.param(rule("receipt.weight_kg > 3 kgs", "freeze receipt", "subcontract.returned"),
                 "dsl.syntax.unexpected_token", "Did you mean `3 kg`? `kgs` is not a unit.",
                 id="3 kgs"),
    pytest.param(rule("receipt.weight_kg > 3 m2", "freeze receipt", "subcontract.returned"),
                 "dsl.type.unit_mismatch", "Write both sides in kg.",
                 id="m2 is an area, not a weight"),  # parsed as quantity(m²), then checked
    pytest.param(rule("订单.销售订单号 = \"SO-1\""), "dsl.name.unknown_field",
                 "Did you mean `销售订单号`?", id="a business word under the entity"),
    pytest.param(rule('销售订单号 = "SO-1"', "freeze receipt", "receipt.put_away"),
                 "dsl.name.unknown_field",
                 "`销售订单号` is `order.no`, which event `receipt.put_away` does not carry.",
                 id="a sales order number on a receipt"),  # not "did you mean 采购订单号?"
])
def test_a_rule_mistake_gets_the_right_suggestion(shop, source, code, suggestion):
    [diagnostic] = check(shop, source)["diagnostics"]
    assert diagnostic["code"] == code
    assert diagnostic["suggestion"]["en"] == suggestion
    assert diagnostic["suggestion"]["zh-CN"] and diagnostic["message"]["zh-CN"]


@pytest.mark.parametrize("condition", [
    pytest.param("3 m2 > 2 平方米 and 1 m² >= 1 m2", id="m2, m² and 平方米 are one area unit"),
    pytest.param('销售订单号 = "SO-1"', id="销售订单号 is order.no"),
    pytest.param('订单号 = "SO-1" and 订单.单号 = "SO-1"', id="订单号 too"),
])
def test_units_and_business_words_people_write_are_understood(shop, condition):
    checked = check(shop, rule(condition))
    assert checked == {**checked, "ok": True, "diagnostics": []}


def test_business_words_for_document_numbers_mean_those_numbers(shop):
    words = check(shop, rule('销售订单号 = "SO-1"'))["version_hash"]
    assert words == check(shop, rule('order.no = "SO-1"'))["version_hash"]
    receipt = rule('入库单号 = "R-1" and 采购单号 = "PO-1"', "freeze receipt",
                   "receipt.put_away")
    assert check(shop, receipt)["version_hash"] == check(shop, receipt.replace(
        "入库单号", "receipt.no").replace("采购单号", "receipt.purchase_order_no"))["version_hash"]


PLATED = Path(__file__).parents[2] / "examples" / "rules" / "plated_return_check.rule"


def weighed(name: str, weight: str, expect: str) -> str:
    """A rule-test case for the plated return with the weights as text, as JSON sends them."""
    return f"""
[[test]]
name = "{name}"
event = "subcontract.returned"
expect = {expect}
[test.payload.subcontract]
process = "plating"
[test.payload.receipt]
no = "R-1"
is_scanned = true
photo_count = 1
weight_kg = "{weight}"
[test.payload.expected]
weight_kg = "12.00"
"""


STRING_QTY_TESTS = (
    weighed("12.80 kg back for 12.00 kg sent is more than 2 % off", "12.80",
            '[{ kind = "freeze" }, { kind = "notify" }]')
    + weighed("12.10 kg is within 2 %", "12.10", '[{ kind = "set" }]'))


def test_a_rule_test_with_a_quantity_as_text_runs_instead_of_failing(shop):
    source = PLATED.read_text("utf-8")
    before = state(shop)
    checked = check(shop, source, tests=STRING_QTY_TESTS)
    assert checked["ok"] is True
    assert [(t["name"][:5], t["is_passed"]) for t in checked["tests"]] == [
        ("12.80", True), ("12.10", True)]
    assert state(shop) == before
    # The same file on a saved version: 200 with both cases green, not a 500.
    made = shop.tenant.post("/rule-versions", {"name": "plated", "source": source}, "author")
    assert made.status_code == 201, made.text
    run = shop.tenant.post(f"/rule-versions/{made.json()['id']}/tests",
                           {"source": STRING_QTY_TESTS}, "author")
    assert run.status_code == 200, run.text
    assert run.json()["is_passed"] is True


def test_an_expired_page_session_says_so_on_the_login_page(make_tenant, clock):
    """The page's sign-in lapses after the token lifetime; the login form tells why."""
    tenant = make_tenant(roles=("viewer",))
    sign_in_page(tenant, "viewer")
    clock.advance(timedelta(seconds=get_settings().token_ttl_seconds))
    r = tenant.client.get("/stock/ledger", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    page = tenant.client.get(r.headers["location"]).text
    assert "登录已过期，请重新登录。" in page
    assert "登录已过期" not in tenant.client.get("/login").text  # said once, not forever
