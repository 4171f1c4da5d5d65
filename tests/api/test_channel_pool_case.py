"""The channel pool case of issue 17, over HTTP on SQLite and PostgreSQL.

Pools 300/150/150 of 600. douyin sells 26 × 10 through a signed shop webhook, stores 20.
The next scheduled run (a sandbox tenant's clock passing 08:15) leaves meituan and stores
untouched, pauses douyin once, opens one task for what douyin needs to reach its target,
assigned to purchasing, and reports to the admins' inbox; a douyin order of 5 is refused
``channel_paused``; after a receipt of 500 the next run refills douyin and resumes it once.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from inventory.models import StockBalance
from inventory.planning.models import ChannelPool
from kernel.models import OutboxEvent
from tests.api.conftest import ApiTenant, assert_problem, new_tenant
from tests.api.test_connectors_api import signed

SHOP = {"event_type": "shop_order.received", "key": "body.order_no",
        "message_id": "body.order_no",
        "fields": {"order.no": "body.order_no", "order.customer": "body.customer",
                   "order.warehouse": "body.warehouse", "order.channel": "body.channel",
                   "order.lines": "body.items[].{sku: sku, qty: qty}"}}


def ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def pools(t: ApiTenant) -> dict[str, Decimal]:
    return {p["channel"]: Decimal(p["qty"]) for p in ok(t.get("/channel-pools"))["items"]}


def channel_events(t: ApiTenant, kind: str) -> list[str]:
    with t.db.read(None) as s:
        return [p["channel"] for p in s.scalars(select(OutboxEvent.payload).where(
            OutboxEvent.tenant_id == t.tenant_id, OutboxEvent.type == kind))]


def pools_fit(t: ApiTenant) -> bool:
    """Σ pools ≤ central available (on hand − reserved)."""
    with t.db.read(None) as s:
        held = s.scalar(select(func.sum(ChannelPool.qty))
                        .where(ChannelPool.tenant_id == t.tenant_id))
        available = s.scalar(select(StockBalance.on_hand - StockBalance.reserved)
                             .where(StockBalance.tenant_id == t.tenant_id))
    return bool(held <= available)


def test_douyin_sold_down_is_paused_not_refilled_from_the_others_and_resumes(
        api, database, clock):
    t = new_tenant(api, database, clock.now(), ("admin", "author", "warehouse"),
                   is_sandbox=True)
    ok(t.post("/packs/jxc.general/install", {}, role="author"))  # switches shop orders on
    t.item("SKU-1")
    t.warehouse("WH-1")
    t.receive("SKU-1", "WH-1", 600)
    t._created("/customers", {"code": "C-1", "name": "客户一"})
    for code, target, threshold in (("douyin", "300", "50"), ("meituan", "150", "30"),
                                    ("stores", "150", "30")):
        t._created("/channels", {"code": code, "name": code})
        put = t.client.put(f"/api/v1/channels/{code}/pools/WH-1/SKU-1", headers=t.headers(),
                           json={"target_qty": target, "threshold_qty": threshold})
        assert put.status_code == 200, put.text
    ok(t.post("/channel-pools/rebalance", None), 201)
    assert pools(t) == {"douyin": 300, "meituan": 150, "stores": 150}

    hook = ok(t.post("/connectors", {"name": "douyin-shop", "kind": "webhook_in",
                                     "config": {"mapping": SHOP, "creates": "sales_order"}}),
              201)

    def shop_order(no: str, qty: int) -> None:
        body = json.dumps({"order_no": no, "customer": "C-1", "warehouse": "WH-1",
                           "channel": "douyin", "items": [{"sku": "SKU-1", "qty": qty}]})
        sent = api.post(hook["inbound_path"], content=body.encode(),
                        headers=signed(hook["secret"], body.encode()))
        assert sent.status_code == 200, sent.text

    for n in range(26):
        shop_order(f"DY-{n:02d}", 10)
        ok(t.post(f"/sales-orders/DY-{n:02d}/confirm", None, "warehouse"))
    t._created("/sales-orders", {"customer": "C-1", "warehouse": "WH-1", "no": "ST-1",
                                 "channel": "stores", "lines": [{"sku": "SKU-1", "qty": "20"}]})
    ok(t.post("/sales-orders/ST-1/confirm", None, "warehouse"))
    assert pools(t) == {"douyin": 40, "meituan": 150, "stores": 130} and pools_fit(t)

    # The scheduled run at 08:15 of the tenant's time.
    moved = ok(t.post("/sandbox/clock/advance", {"minutes": 16}))
    assert moved["periodic"]["rebalance_pools"] == 1
    assert pools(t) == {"douyin": 40, "meituan": 150, "stores": 130} and pools_fit(t)
    run = ok(t.get("/channel-pools/rebalance-runs"))["items"][0]
    assert run["paused_channels"] == ["douyin"] and run["task_count"] == 1
    assert channel_events(t, "channel.paused") == ["douyin"]  # one pause call
    douyin = ok(t.get("/channels/douyin"))
    assert douyin["is_paused"] and douyin["paused_reason"].startswith("rebalance:")
    (task,) = ok(t.get("/replenishment-tasks", status="open"))["items"]
    assert (task["channel"], task["assignee"]) == ("douyin", "role:purchasing")
    assert Decimal(task["short_qty"]) >= 260  # what douyin needs to reach its target
    inbox = ok(t.get("/inbox", recipient="role:admin"))["items"]
    assert any("douyin" in m["message"] and "rebalance" in m["message"] for m in inbox)

    # A douyin order of 5 is refused, and changes nothing.
    shop_order("DY-26", 5)
    assert_problem(t.post("/sales-orders/DY-26/confirm", None, "warehouse"), 409,
                   "planning.channel_paused")
    # A second run while short opens no second task and makes no second pause call.
    ok(t.post("/sandbox/clock/advance", {"minutes": 15}))
    assert ok(t.get("/replenishment-tasks", status="open"))["count"] == 1
    assert channel_events(t, "channel.paused") == ["douyin"]

    # A receipt of 500: the next run refills douyin from central stock and resumes it.
    t.receive("SKU-1", "WH-1", 500)
    ok(t.post("/sandbox/clock/advance", {"minutes": 15}))
    assert pools(t) == {"douyin": 300, "meituan": 150, "stores": 150} and pools_fit(t)
    assert ok(t.get("/channels/douyin"))["is_paused"] is False
    assert channel_events(t, "channel.resumed") == ["douyin"]  # one resume call
    assert ok(t.get("/replenishment-tasks", status="open"))["count"] == 0
    ok(t.post("/sales-orders/DY-26/confirm", None, "warehouse"))
    assert pools(t)["douyin"] == 295
