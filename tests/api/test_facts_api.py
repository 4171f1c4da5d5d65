"""Rules run as written: facts a rule reads are loaded, and the events it hears are raised.

Each rule here goes the whole way a user takes it over HTTP — rule tests (payload and facts
given separately), sandbox, shadow, a 72 h replay, review by another user, production —
and then meets real documents: a confirm, a shipment, a guarded confirm.
"""

from __future__ import annotations

from decimal import Decimal

from engine import Worker
from engine.rule_handler import RuleHandler
from tests.api.conftest import ApiTenant, TenantFactory, assert_problem, walk_to_review


def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


def promote(t: ApiTenant, name: str, source: str, tests: str) -> int:
    """Draft → tests → sandbox → shadow → replay → review → production (another user)."""
    version = ok(t.post("/rule-versions", {"name": name, "source": source}, "author"), 201)
    walk_to_review(t, version["id"], tests=tests)
    approved = ok(t.post(f"/rule-versions/{version['id']}/approve", {}, "reviewer"))
    assert approved["state"] == "production"
    return int(version["id"])


def run_worker(t: ApiTenant) -> None:
    app = t.client.app  # type: ignore[attr-defined]
    Worker(t.db, app.state.clock, handler=RuleHandler()).run_once()


def inbox(t: ApiTenant) -> list[str]:
    return [m["message"] for m in ok(t.get("/inbox"))["items"]]


ORDERS = """
rule big_order "大单提醒"
  when sales_order.confirmed
  if order.total_amount > ¥100
  then alert role:sales_manager "大单 {order.no}: ¥{order.total_amount}"
end

rule vip_order "VIP 订单"
  when sales_order.confirmed
  if customer.level = "vip"
  then alert role:sales_manager "VIP {customer.name} 下单 {order.no}"
end
"""
ORDER_TESTS = """
[[test]]
name = "a ¥300 order of a normal customer is big"
event = "sales_order.confirmed"
payload.order = { id = "SO-T1", no = "SO-T1", customer_id = "C1" }
payload.customer = { id = "C1" }
facts.order = { total_amount = 300 }
facts.customer = { level = "normal", name = "张三" }
expect = [{ kind = "alert", rule = "big_order" }]

[[test]]
name = "a ¥50 order of a VIP"
event = "sales_order.confirmed"
payload.order = { id = "SO-T2", no = "SO-T2" }
facts.order = { total_amount = 50 }
facts.customer = { level = "vip", name = "李四" }
expect = [{ kind = "alert", rule = "vip_order" }]
"""


def _order(t: ApiTenant, no: str, customer: str, qty: int, price: str) -> None:
    ok(t.post("/sales-orders", {"customer": customer, "warehouse": "WH-A", "no": no,
                                "lines": [{"sku": "TEA-1", "qty": str(qty),
                                           "unit_price": price}]}), 201)


def test_a_total_and_a_vip_rule_fire_on_real_confirms(make_tenant: TenantFactory) -> None:
    t = make_tenant()
    t.item("TEA-1")
    t.warehouse("WH-A")
    t.receive("TEA-1", "WH-A", 100)
    ok(t.post("/customers", {"code": "C-N", "name": "普通客户"}), 201)
    vip = ok(t.post("/customers", {"code": "C-V", "name": "贵宾", "level": "vip"}), 201)
    assert vip["level"] == "vip"
    # A test that feeds the total as payload cannot pass: the event does not carry it.
    version = ok(t.post("/rule-versions", {"name": "orders", "source": ORDERS}, "author"), 201)
    wrong = ok(t.post(f"/rule-versions/{version['id']}/tests", {"source": (
        '[[test]]\nname = "total as payload"\nevent = "sales_order.confirmed"\n'
        'payload.order = { no = "X", total_amount = 300 }\nexpect = [{ kind = "alert" }]\n'
        '[[test]]\nname = "an address fact"\nevent = "sales_order.confirmed"\n'
        'facts.address = { is_real = true }\nexpect = []\n')}, "author"))
    assert not wrong["is_passed"]
    assert [r["message"] for r in wrong["results"]] == [
        "payload: sales_order.confirmed does not carry order.total_amount "
        "(the order loader fills it: give it under facts)",
        "facts: sales_order.confirmed has no field address.is_real"]
    promote(t, "orders", ORDERS, ORDER_TESTS)

    _order(t, "SO-300", "C-N", 3, "100.00")   # ¥300, normal customer
    _order(t, "SO-50", "C-N", 1, "50.00")     # ¥50, normal customer
    _order(t, "SO-V50", "C-V", 1, "50.00")    # ¥50, VIP
    for no in ("SO-300", "SO-50", "SO-V50"):
        ok(t.post(f"/sales-orders/{no}/confirm", None))
    run_worker(t)
    messages = inbox(t)
    assert "大单 SO-300: ¥300" in messages
    assert "VIP 贵宾 下单 SO-V50" in messages
    assert not [m for m in messages if "SO-50" in m and "SO-V50" not in m]


BELOW_SAFETY = """
rule below_safety "低于安全库存"
  when stock.level_changed
  if item.available < item.safety_stock
  then alert role:warehouse_manager
    "{item.sku}@{item.warehouse} 可用 {item.available} 低于安全库存 {item.safety_stock}"
end
"""
BELOW_TESTS = """
[[test]]
name = "under the safety stock"
event = "stock.level_changed"
payload.item = { sku = "TEA-1", warehouse = "WH-A", available = 2, safety_stock = 5 }
expect = [{ kind = "alert", rule = "below_safety" }]

[[test]]
name = "above it"
event = "stock.level_changed"
payload.item = { sku = "TEA-1", warehouse = "WH-A", available = 9, safety_stock = 5 }
expect = []
"""


def test_a_below_safety_alert_fires_when_a_shipment_drops_available(
        make_tenant: TenantFactory) -> None:
    t = make_tenant()
    t.item("TEA-1")
    t.warehouse("WH-A")
    t.receive("TEA-1", "WH-A", 10)
    # Nothing listens yet: the receipt wrote no level event.
    assert not [e for e in ok(t.get("/events"))["items"] if e["type"] == "stock.level_changed"]
    ok(t.client.put("/api/v1/replenishment/policies", headers=t.headers(), json={
        "sku": "TEA-1", "warehouse": "WH-A", "mode": "static", "supplier": "茶园",
        "lead_time_days": 3, "safety_stock": "5", "reorder_point": "8"}))
    promote(t, "stock_alerts", BELOW_SAFETY, BELOW_TESTS)
    t.sell_and_ship("TEA-1", "WH-A", 4, "SO-A")   # 10 → 6: still above 5
    run_worker(t)
    assert not [m for m in inbox(t) if "低于安全库存" in m]
    t.sell_and_ship("TEA-1", "WH-A", 5, "SO-B")   # 6 → 1: below
    run_worker(t)
    # Twice: the confirm's hold took available to 1, and it stayed 1 once shipped.
    assert [m for m in inbox(t) if "低于安全库存" in m] == [
        "TEA-1@WH-A 可用 1 低于安全库存 5"] * 2
    levels = [e for e in ok(t.get("/events"))["items"] if e["type"] == "stock.level_changed"]
    last = levels[0]["payload"]["item"]
    assert (last["on_hand"], last["available"], last["safety_stock"], last["reorder_point"]) \
        == ("1.000", "1.000", "5.000", "8.000")


BELOW_COST = """
guard below_cost "低于成本不得确认"
  when sales_order.confirm_requested
  if order.lines_below_cost > 0
  then block "订单 {order.no} 有低于成本的行：{order.below_cost_skus}"
end
"""
COST_TESTS = """
[[test]]
name = "a line below cost is refused"
event = "sales_order.confirm_requested"
payload.order = { id = "SO-1", no = "SO-1" }
facts.order = { lines_below_cost = 1, below_cost_skus = "YEAST-500G" }
expect = []
blocked = true

[[test]]
name = "no line below cost"
event = "sales_order.confirm_requested"
payload.order = { id = "SO-2", no = "SO-2" }
facts.order = { lines_below_cost = 0 }
expect = []
"""


def test_a_guard_refuses_a_line_below_the_items_cost(make_tenant: TenantFactory) -> None:
    t = make_tenant()
    t.item("YEAST-500G", cost_price="18.00", list_price="25.00")
    t.warehouse("WH-A")
    t.receive("YEAST-500G", "WH-A", 10)
    ok(t.post("/customers", {"code": "C1", "name": "面包房"}), 201)
    promote(t, "pricing_guard", BELOW_COST, COST_TESTS)
    for no, price in (("SO-17", "17.00"), ("SO-20", "20.00")):
        ok(t.post("/sales-orders", {"customer": "C1", "warehouse": "WH-A", "no": no,
                                    "lines": [{"sku": "YEAST-500G", "qty": "1",
                                               "unit_price": price}]}), 201)
    response = t.post("/sales-orders/SO-17/confirm", None)
    assert response.status_code == 409, response.text
    refused = response.json()
    assert refused["code"] == "engine.guard_refused"
    assert "below_cost" in refused["message"]["en"]
    assert "YEAST-500G" in refused["message"]["zh-CN"]
    assert ok(t.get("/sales-orders/SO-17"))["status"] == "draft"
    assert ok(t.post("/sales-orders/SO-20/confirm", None))["status"] == "confirmed"
    assert Decimal(ok(t.get("/stock", sku="YEAST-500G"))["items"][0]["reserved"]) == 1


SCANS = """
rule scanned_low "扫码时可用不足"
  when scanner.scanned
  if item.available < 5 件
  then alert role:warehouse_manager
    "{scanner.id} 扫到 {item.sku}（{item.category}）：可用 {item.available}"
end
"""
SCAN_TESTS = """
[[test]]
name = "a scan of a low SKU"
event = "scanner.scanned"
payload.scanner = { id = "S1", warehouse = "WH-A" }
payload.item = { sku = "TEA-1" }
facts.item = { available = 2, category = "tea" }
expect = [{ kind = "alert", rule = "scanned_low" }]
"""


def test_a_scanner_posts_scans_that_rules_hear_with_loaded_facts(
        make_tenant: TenantFactory) -> None:
    t = make_tenant()
    t.item("TEA-1", barcode="6901234567892", category="tea")
    t.warehouse("WH-A")
    t.receive("TEA-1", "WH-A", 3)
    promote(t, "scans", SCANS, SCAN_TESTS)
    scanner = t.api_token(["scan:write"])["token"]
    reader = t.api_token(["stock:read"], name="reader")["token"]
    body = {"scanner_id": "S1", "barcode": "6901234567892", "warehouse": "WH-A",
            "scanned_at": "2026-11-23T08:00:00.050+08:00"}
    refused = t.client.post("/api/v1/scans", json=body,
                            headers={"Authorization": f"Bearer {reader}"})
    assert refused.status_code == 403
    scan = t.client.post("/api/v1/scans", json=body,
                         headers={"Authorization": f"Bearer {scanner}"})
    assert scan.status_code == 201, scan.text
    assert scan.json()["sku"] == "TEA-1"
    unknown = t.client.post("/api/v1/scans", json={**body, "barcode": "000"},
                            headers={"Authorization": f"Bearer {scanner}"})
    assert_problem(unknown, 404, "inventory.unknown_item")
    run_worker(t)
    assert "S1 扫到 TEA-1（tea）：可用 3" in inbox(t)
    [event] = [e for e in ok(t.get("/events"))["items"] if e["type"] == "scanner.scanned"]
    assert event["payload"]["scanner"]["scanned_at"] == "2026-11-23T08:00:00.050000+08:00"


POOLS = """
rule pool_low "渠道池低位"
  when channel_pool.changed
  if channel_pool.available < 50 件
  then alert role:channel_manager
    "{channel_pool.channel_id} 池 {item.name} 剩 {channel_pool.available}（{channel_pool.reason}）"
end
"""
POOL_TESTS = """
[[test]]
name = "a pool under 50"
event = "channel_pool.changed"
payload.channel_pool = { channel_id = "TT", available = 45, reason = "order" }
payload.item = { sku = "TEA-1" }
facts.item = { name = "龙井" }
expect = [{ kind = "alert", rule = "pool_low" }]
"""


def test_a_pool_change_is_heard_when_an_order_takes_from_it(make_tenant: TenantFactory) -> None:
    t = make_tenant()
    t.item("TEA-1", name_zh="龙井")
    t.warehouse("WH-A")
    t.receive("TEA-1", "WH-A", 100)
    ok(t.post("/customers", {"code": "C1", "name": "抖音客户"}), 201)
    ok(t.post("/channels", {"code": "TT", "name": "抖音"}), 201)
    ok(t.client.put("/api/v1/channels/TT/pools/WH-A/TEA-1", headers=t.headers(),
                    json={"threshold_qty": "10", "target_qty": "60"}))
    promote(t, "pools", POOLS, POOL_TESTS)
    ok(t.post("/channel-pools/rebalance", {}), 201)   # 0 → 60: above 50
    ok(t.post("/sales-orders", {"customer": "C1", "warehouse": "WH-A", "no": "SO-TT",
                                "channel": "TT", "lines": [{"sku": "TEA-1", "qty": "15"}]}),
       201)
    ok(t.post("/sales-orders/SO-TT/confirm", None))   # 60 → 45
    run_worker(t)
    assert [m for m in inbox(t) if "池" in m] == ["TT 池 龙井 剩 45（order）"]
    changes = [e["payload"]["channel_pool"] for e in ok(t.get("/events"))["items"]
               if e["type"] == "channel_pool.changed"]
    # Newest first: the worker's due rebalance topped the pool up again after the order.
    assert [(c["available"], c["change"], c["reason"]) for c in changes] == [
        ("60.000", "15.000", "rebalance"), ("45.000", "-15.000", "order"),
        ("60.000", "60.000", "rebalance")]
