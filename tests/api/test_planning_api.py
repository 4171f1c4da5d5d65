"""Planning end to end through the HTTP API, on SQLite and PostgreSQL.

A channel's pool falls below its threshold → the channel pauses and a replenishment task
opens; orders of the channel take from its pool (and a paused channel refuses them);
three-way match both ways; replenishment turns a SKU at its reorder point into a draft PO.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from tests.api.conftest import ApiTenant, assert_problem, sign_in

CODE = "4711"


def _later(t: ApiTenant, clock, delta: timedelta) -> None:
    """Move the clock on; sign-in tokens last 8 h, so every user signs in again."""
    clock.advance(delta)
    for role in t.tokens:
        t.tokens[role] = sign_in(t.client, t.code, role)


def _setup(t: ApiTenant, sku: str = "SKU-1", qty: int = 100) -> None:
    t.item(sku)
    t.warehouse("WH-1")
    t.receive(sku, "WH-1", qty)
    t._created("/customers", {"code": "C-1", "name": "客户一"})
    assert t.client.put("/api/v1/warehouses/WH-1/confirmation-code", json={"code": CODE},
                        headers=t.headers()).status_code == 204


def _sell_and_ship(t: ApiTenant, sku: str, qty: str, no: str) -> None:
    """Demand as it happens: a sales order confirmed, then shipped whole from WH-1."""
    t._created("/sales-orders", {"customer": "C-1", "warehouse": "WH-1", "no": no,
                                 "lines": [{"sku": sku, "qty": qty}]})
    assert t.post(f"/sales-orders/{no}/confirm", None).status_code == 200
    t._created("/shipments", {"sales_order_no": no, "no": f"SH-{no}"})
    for step in ("pick", "pack"):
        assert t.post(f"/shipments/SH-{no}/{step}", None).status_code == 200
    shipped = t.post(f"/shipments/SH-{no}/ship", {"confirmation_code": CODE,
                                                  "tracking_no": f"SF-{no}"})
    assert shipped.json()["status"] == "shipped", shipped.text


def _pool(t: ApiTenant, channel: str, sku: str, **body: str) -> dict:
    response = t.client.put(f"/api/v1/channels/{channel}/pools/WH-1/{sku}", json=body,
                            headers=t.headers())
    assert response.status_code == 200, response.text
    return response.json()


def _order(t: ApiTenant, no: str, qty: str, channel: str | None = None) -> None:
    body = {"customer": "C-1", "warehouse": "WH-1", "no": no,
            "lines": [{"sku": "SKU-1", "qty": qty}]}
    if channel:
        body["channel"] = channel
    t._created("/sales-orders", body)


def test_pool_below_threshold_pauses_the_channel_and_opens_a_task(make_tenant):
    t = make_tenant(roles=("admin", "warehouse", "viewer"))
    _setup(t)
    t._created("/channels", {"code": "TMALL", "name": "天猫旗舰店"})
    t._created("/channels", {"code": "STORE", "name": "门店"})
    _pool(t, "TMALL", "SKU-1", target_qty="60", threshold_qty="20")
    _pool(t, "STORE", "SKU-1", target_share_pct="30", threshold_qty="5")

    first = t.post("/channel-pools/rebalance", None, **{"Idempotency-Key": "rb-1"})
    assert first.status_code == 201, first.text
    report = {line["channel"]: line for line in first.json()["lines"]}
    assert report["TMALL"]["qty_after"] == "60.000" and report["TMALL"]["qty_before"] == "0.000"
    assert report["STORE"]["qty_after"] == "30.000"  # 30 % of 100 available
    assert report["TMALL"]["distributable"] == "100.000"
    assert first.json()["paused_channels"] == []
    again = t.post("/channel-pools/rebalance", None, **{"Idempotency-Key": "rb-1"})
    assert again.json()["replayed"] is True and again.json()["id"] == first.json()["id"]

    # An order of the channel takes from its pool; one too big is refused and changes nothing.
    _order(t, "SO-1", "45", channel="TMALL")
    assert t.post("/sales-orders/SO-1/confirm", None, "warehouse").status_code == 200
    pools = {p["channel"]: p for p in t.get("/channel-pools", sku="SKU-1").json()["items"]}
    assert pools["TMALL"]["qty"] == "15.000"
    _order(t, "SO-2", "16", channel="TMALL")
    before = t.snapshot()
    refused = t.post("/sales-orders/SO-2/confirm", None, "warehouse")
    body = assert_problem(refused, 409, "planning.pool_short")
    assert "TMALL" in body["detail"]
    assert t.snapshot() == before
    # An order without a channel behaves as before (central stock only).
    _order(t, "SO-3", "40")
    assert t.post("/sales-orders/SO-3/confirm", None, "warehouse").status_code == 200

    # Available is now 100 − 45 − 40 = 15; TMALL aims at 60, STORE at 30 % of 15 = 4.
    run = t.post("/channel-pools/rebalance", None).json()
    lines = {line["channel"]: line for line in run["lines"]}
    assert lines["TMALL"]["available"] == "15.000"
    assert lines["TMALL"]["distributable"] == str(Decimal("15") - Decimal("15") - Decimal("30")
                                                   ) + ".000"
    assert lines["TMALL"]["is_below_threshold"] and lines["STORE"]["is_below_threshold"]
    assert sorted(run["paused_channels"]) == ["STORE", "TMALL"]
    channel = t.get("/channels/TMALL").json()
    assert channel["is_paused"] and channel["paused_reason"].startswith("rebalance:")
    tasks = t.get("/replenishment-tasks", status="open").json()
    assert tasks["count"] == 2
    assert {task["channel"] for task in tasks["items"]} == {"TMALL", "STORE"}
    # The report is kept: the run and its lines can be read back.
    stored = t.get(f"/channel-pools/rebalance-runs/{run['id']}").json()
    assert stored["lines"] == run["lines"] and stored["task_count"] == 2
    assert t.get("/channel-pools/rebalance-runs").json()["count"] == 2

    # A paused channel's order is refused; a second run opens no duplicate task.
    _order(t, "SO-4", "1", channel="TMALL")
    assert_problem(t.post("/sales-orders/SO-4/confirm", None, "warehouse"), 409,
                   "planning.channel_paused")
    t.post("/channel-pools/rebalance", None)
    assert t.get("/replenishment-tasks", status="open").json()["count"] == 2

    # Stock arrives; the next run refills the pools and resumes the channels it paused.
    t.receive("SKU-1", "WH-1", 200)
    run = t.post("/channel-pools/rebalance", None).json()
    assert run["paused_channels"] == []
    assert t.get("/channels/TMALL").json()["is_paused"] is False
    assert t.get("/replenishment-tasks", status="open").json()["count"] == 0
    assert t.get("/replenishment-tasks", status="done").json()["count"] == 2
    assert t.post("/sales-orders/SO-4/confirm", None, "warehouse").status_code == 200

    # Cancelling a channel order gives back to the pool what had not shipped.
    held = {p["channel"]: p for p in t.get("/channel-pools").json()["items"]}["TMALL"]["qty"]
    assert t.post("/sales-orders/SO-1/cancel", None, "warehouse").status_code == 200
    after = {p["channel"]: p for p in t.get("/channel-pools").json()["items"]}["TMALL"]["qty"]
    assert Decimal(after) - Decimal(held) == Decimal("45")

    # Roles: a viewer reads but cannot rebalance.
    assert t.get("/channel-pools", role="viewer").status_code == 200
    assert_problem(t.post("/channel-pools/rebalance", None, "viewer"), 403)


def _po_received(t: ApiTenant, clock, no: str, price: str = "12.50") -> None:
    t._created("/purchase-orders", {"supplier": "华南五金", "warehouse": "WH-1", "no": no,
                                    "lines": [{"sku": "SKU-1", "qty": "10",
                                               "unit_price": price}]})
    t.post(f"/purchase-orders/{no}/approve", None)
    t._created("/receipts", {"purchase_order_no": no, "no": f"R-{no}",
                             "lines": [{"order_line_no": 1, "qty": "10"}]})
    assert t.post(f"/receipts/R-{no}/inspect", {"is_scanned": True, "photo_count": 1}
                  ).status_code == 200
    assert t.post(f"/receipts/R-{no}/put-away", None).status_code == 200, \
        t.get(f"/receipts/R-{no}").text


def test_three_way_match_both_ways(make_tenant, clock):
    t = make_tenant(roles=("admin", "viewer"))
    _setup(t)
    _po_received(t, clock, "PO-1")
    _later(t, clock, timedelta(hours=20))
    matched = t.post("/supplier-invoices", {
        "purchase_order_no": "PO-1", "no": "INV-1",
        "invoiced_at": clock.now().isoformat(),
        "lines": [{"order_line_no": 1, "qty": "10", "amount": "125.40"}]},
        **{"Idempotency-Key": "inv-1"})
    assert matched.status_code == 201, matched.text
    body = matched.json()
    assert body["status"] == "matched" and body["match"]["reasons"] == []
    assert body["voucher"]["is_tax_trusted"] is True
    assert body["voucher"]["amount"] == "125.40"
    assert t.post("/supplier-invoices", {
        "purchase_order_no": "PO-1", "no": "INV-1", "invoiced_at": clock.now().isoformat(),
        "lines": [{"order_line_no": 1, "qty": "10", "amount": "125.40"}]},
        **{"Idempotency-Key": "inv-1"}).json()["replayed"] is True

    # Second order: billed ¥30 too much, and dated 4 days after the goods arrived.
    _po_received(t, clock, "PO-2")
    _later(t, clock, timedelta(hours=96))
    mismatched = t.post("/supplier-invoices", {
        "purchase_order_no": "PO-2", "no": "INV-2", "invoiced_at": clock.now().isoformat(),
        "lines": [{"order_line_no": 1, "qty": "10", "amount": "155.00"}]}).json()
    assert mismatched["status"] == "mismatched" and mismatched["voucher"] is None
    reasons = mismatched["match"]["reasons"]
    amount = [r for r in reasons if r["check"] == "amount"]
    assert amount == [{**amount[0], "subject": "invoice", "expected": "125.00",
                       "actual": "155.00", "line_no": 1}]
    dates = {r["subject"] for r in reasons if r["check"] == "date"}
    assert dates == {"purchase_order/invoice", "receipt/invoice"}
    assert all(r["message_zh"] and r["message_en"] for r in reasons)

    vouchers = t.get("/payable-vouchers", is_tax_trusted="true").json()
    assert [v["invoice_no"] for v in vouchers["items"]] == ["INV-1"]
    assert t.get("/supplier-invoices", status="mismatched").json()["count"] == 1
    # Matching again does not make it match, and never a second voucher for INV-1.
    assert t.post("/supplier-invoices/INV-2/match", None).json()["status"] == "mismatched"
    assert t.post("/supplier-invoices/INV-1/match", None).json()["voucher"]["no"] == "PV-INV-1"
    assert t.get("/payable-vouchers").json()["count"] == 1
    assert_problem(t.post("/supplier-invoices/INV-1/match", None, "viewer"), 403)
    assert_problem(t.post("/supplier-invoices", {
        "purchase_order_no": "PO-1", "invoiced_at": clock.now().isoformat(),
        "lines": [{"order_line_no": 9, "qty": "1", "amount": "1.00"}]}), 422,
        "document.unknown_line")


def test_replenishment_turns_a_sku_at_its_reorder_point_into_a_draft_po(make_tenant, clock):
    t = make_tenant(roles=("admin", "warehouse"))
    _setup(t, qty=100)
    t.item("SKU-2")
    t.receive("SKU-2", "WH-1", 500)
    # 10 a day for 14 days ships 140 … of 100 + a top-up: receive more first.
    t.receive("SKU-1", "WH-1", 100)
    for day in range(14):
        _later(t, clock, timedelta(days=1))
        _sell_and_ship(t, "SKU-1", "10", f"D-{day}")
    _later(t, clock, timedelta(hours=1))
    policy = t.client.put("/api/v1/replenishment/policies", json={
        "sku": "SKU-1", "warehouse": "WH-1", "mode": "computed", "supplier": "华南五金",
        "lead_time_days": 5, "lookback_days": 14, "unit_price": "12.50"},
        headers=t.headers()).json()
    # Constant demand: σ = 0, so SS = 0 and ROP = 10 × 5 = 50.
    assert policy["mean_daily_demand"] == "10.000" and policy["safety_stock"] == "0.000"
    assert policy["reorder_point"] == "50.000"
    static = t.client.put("/api/v1/replenishment/policies", json={
        "sku": "SKU-2", "warehouse": "WH-1", "mode": "static", "supplier": "华南五金",
        "lead_time_days": 3, "safety_stock": "20", "reorder_point": "80"},
        headers=t.headers())
    assert static.status_code == 200, static.text

    # 60 left, above 50: nothing to order yet.
    assert t.post("/replenishment/suggestions/run", None).json()["suggestions"] == []
    _sell_and_ship(t, "SKU-1", "15", "D-X")
    run = t.post("/replenishment/suggestions/run", None, **{"Idempotency-Key": "rp-1"}).json()
    [suggestion] = run["suggestions"]
    # Position 45 ≤ ROP 50; order up to ROP + 5 days of demand = 100 → 55.
    assert suggestion["sku"] == "SKU-1" and suggestion["position"] == "45.000"
    assert suggestion["suggested_qty"] == "55.000"
    drafted = t.post("/replenishment/draft-orders", None, "warehouse").json()
    [order] = drafted["purchase_orders"]
    assert order["status"] == "draft" and order["supplier"] == "华南五金"
    assert [(line["sku"], line["qty"], line["unit_price"]) for line in order["lines"]] == [
        ("SKU-1", "55.000", "12.50")]
    assert t.get(f"/purchase-orders/{order['no']}").json()["status"] == "draft"
    assert t.get("/replenishment/suggestions", status="ordered").json()["count"] == 1
    # The draft counts as on its way: the next run suggests nothing more.
    assert t.post("/replenishment/suggestions/run", None).json()["suggestions"] == []
