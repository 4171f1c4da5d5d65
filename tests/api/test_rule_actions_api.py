"""What a rule can do, over HTTP: a promoted ``freeze channel`` pauses the channel and a later
order on it is refused naming the rule; the checker refuses an unknown connector with a
did-you-mean and a loop of emits across two rule sets, before anything is saved."""

from __future__ import annotations

from engine import Worker
from engine.rule_handler import RuleHandler
from tests.api.conftest import assert_problem, walk_to_review

FLASH_SALE = """
rule flash_sale_freezes_tiktok "亚马逊闪购时暂停抖音渠道"
  when sales_order.confirmed
  if order.channel_id = "AMAZON"
  then freeze channel "TIKTOK"
end
"""
FLASH_SALE_TESTS = """
[[test]]
name = "an Amazon order pauses TikTok"
event = "sales_order.confirmed"
payload = { order = { channel_id = "AMAZON", lines = [] } }
expect = [{ kind = "freeze", rule = "flash_sale_freezes_tiktok", args = { kind = "channel", \
target = "TIKTOK" } }]

[[test]]
name = "a TikTok order changes nothing"
event = "sales_order.confirmed"
payload = { order = { channel_id = "TIKTOK", lines = [] } }
expect = []
"""


def ok(response, status: int = 200):  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    return response.json()


def test_a_promoted_freeze_channel_pauses_it_and_refuses_the_next_order_naming_the_rule(
        make_tenant):
    t = make_tenant()
    t.item("TEA-1")
    t.warehouse("WH-A")
    t.receive("TEA-1", "WH-A", 10)
    ok(t.post("/customers", {"code": "C-1", "name": "华东商贸"}), 201)
    for code in ("AMAZON", "TIKTOK"):
        ok(t.post("/channels", {"code": code, "name": code.title()}), 201)
    version = ok(t.post("/rule-versions", {"name": "flash_sale", "source": FLASH_SALE},
                        "author"), 201)
    walk_to_review(t, version["id"], tests=FLASH_SALE_TESTS)
    approved = ok(t.post(f"/rule-versions/{version['id']}/approve", {"comment": "可以"},
                         "reviewer"))
    assert approved["state"] == "production"
    passport = ok(t.get(f"/rule-versions/{version['id']}/passport", "reviewer"))
    assert passport["fields_written"] == ["channel.is_paused"]
    for no, channel in (("SO-A", "AMAZON"), ("SO-T", "TIKTOK")):
        ok(t.post("/sales-orders", {"customer": "C-1", "warehouse": "WH-A", "no": no,
                                    "channel": channel,
                                    "lines": [{"sku": "TEA-1", "qty": "1"}]}), 201)
    ok(t.post("/sales-orders/SO-A/confirm", {}))
    app = t.client.app  # type: ignore[attr-defined]
    Worker(t.db, app.state.clock, handler=RuleHandler()).run_once()
    channels = {c["code"]: c for c in ok(t.get("/channels"))["items"]}
    assert channels["TIKTOK"]["is_paused"] and not channels["AMAZON"]["is_paused"]
    assert "flash_sale_freezes_tiktok" in channels["TIKTOK"]["paused_reason"]
    refused = assert_problem(t.post("/sales-orders/SO-T/confirm", {}), 409,
                             "planning.channel_paused")
    assert "flash_sale_freezes_tiktok" in refused["message"]["en"]
    assert "flash_sale_freezes_tiktok" in refused["message"]["zh-CN"]


def test_an_unknown_connector_is_refused_at_check_with_did_you_mean(make_tenant):
    t = make_tenant()
    ok(t.post("/connectors", {"name": "erp_sync", "kind": "webhook_out",
                              "endpoint": "https://erp.example.com/hook"}), 201)
    source = ('rule tell_erp "通知 ERP"\n  when sales_order.confirmed\n'
              '  then call webhook "erp_synk" (order.id = order.id)\nend\n')
    refused = assert_problem(t.post("/rule-versions", {"name": "erp", "source": source},
                                    "author"), 422)
    assert "erp_synk" in refused["message"]["en"] and "erp_sync" in str(refused)
    assert "Did you mean `erp_sync`?" in str(refused)
    fixed = source.replace("erp_synk", "erp_sync")
    assert ok(t.post("/rule-versions", {"name": "erp", "source": fixed}, "author"),
              201)["state"] == "draft"
    assert ok(t.get("/rule-versions", "author"))["count"] == 1


PING = """
rule ping "扫码后标记重复"
  when scanner.scanned
  then emit event scan.duplicate_flagged (item.sku = item.sku)
end
"""
PING_TESTS = """
[[test]]
name = "a scan is flagged"
event = "scanner.scanned"
payload = { item = { sku = "TEA-1" } }
expect = [{ kind = "emit_event", rule = "ping" }]
"""
PONG = """
rule pong "标记重复后再扫码"
  when scan.duplicate_flagged
  then emit event scanner.scanned (item.sku = item.sku)
end
"""


def test_a_loop_of_emits_across_two_rule_sets_is_refused_at_check(make_tenant):
    t = make_tenant()
    ping = ok(t.post("/rule-versions", {"name": "scans", "source": PING}, "author"), 201)
    walk_to_review(t, ping["id"], tests=PING_TESTS)
    ok(t.post(f"/rule-versions/{ping['id']}/approve", {}, "reviewer"))
    refused = assert_problem(t.post("/rule-versions", {"name": "flags", "source": PONG},
                                    "author"), 422, "governance.emit_cycle")
    for part in ("flags:pong", "scans:ping", "scanner.scanned", "scan.duplicate_flagged"):
        assert part in refused["message"]["en"] and part in refused["message"]["zh-CN"]
    assert ok(t.get("/rule-versions", "author", name="flags"))["count"] == 0
