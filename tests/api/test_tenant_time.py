"""The tenant's clock is the only clock, over HTTP: a sandbox tenant's clock advance runs the
periodic work it passes (one rebalance per 15 minutes, a snapshot per shift end), the shadow
gate counts 72 h of tenant time (and refuses seconds of real time), a replay's window ends
at tenant time, and an inbound webhook is dated on the tenant's clock."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from engine.governance.models import ShadowJournal
from kernel.models import OutboxEvent
from tests.api.conftest import RULES_DIR, ApiTenant, assert_problem, new_tenant
from tests.api.test_connectors_api import create_inbound, signed
from tests.api.test_studio_pages import sign_in_page

RULES = (RULES_DIR / "deposit_locks_stock.rule").read_text("utf-8")
TESTS = (RULES_DIR / "deposit_locks_stock.tests.toml").read_text("utf-8")


@pytest.fixture
def sandbox(api, database, clock) -> ApiTenant:
    """A sandbox tenant (its clock may move) with every role."""
    return new_tenant(api, database, clock.now(), is_sandbox=True)


def ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def advance(t: ApiTenant, **by: int) -> dict[str, Any]:
    moved: dict[str, Any] = ok(t.post("/sandbox/clock/advance", by))
    return moved


def tenant_time(t: ApiTenant) -> datetime:
    return datetime.fromisoformat(ok(t.get("/sandbox/clock"))["now"])


def test_an_advance_runs_each_rebalance_and_shift_snapshot_it_passes_once(sandbox, clock):
    t = sandbox
    t.warehouse("WH-1")
    t.item("SKU-1")
    t.receive("SKU-1", "WH-1", 100)
    t._created("/channels", {"code": "WEB", "name": "网店"})
    put = t.client.put("/api/v1/channels/WEB/pools/WH-1/SKU-1", headers=t.headers(),
                       json={"target_qty": "10", "threshold_qty": "2"})
    assert put.status_code == 200, put.text
    start = tenant_time(t)  # 08:00 on the test's clock
    moved = advance(t, minutes=16)
    assert moved["periodic"]["rebalance_pools"] == 1
    runs = ok(t.get("/channel-pools/rebalance-runs"))
    assert runs["count"] == 1
    assert datetime.fromisoformat(runs["items"][0]["ran_at"]) == start + timedelta(minutes=15)
    # The real clock did not move: only the tenant's did.
    assert clock.now() == start
    # A shift ending at 08:45 (UTC); 30 minutes past it, its snapshot is there, and the
    # rebalances of 08:30, 08:45 and 09:00 ran once each, in order.
    ok(t.post("/shifts", {"warehouse": "WH-1", "name": "早班", "end_time": "08:45",
                          "timezone": "UTC"}), 201)
    moved = advance(t, minutes=59)  # 08:16 → 09:15
    assert moved["periodic"]["take_shift_snapshots"] == 1
    assert moved["periodic"]["rebalance_pools"] == 4
    snapshots = ok(t.get("/shift-snapshots"))["items"]
    assert [datetime.fromisoformat(s["shift_end_at"]) for s in snapshots] == [
        start + timedelta(minutes=45)]
    ran = [datetime.fromisoformat(r["ran_at"]) for r in
           reversed(ok(t.get("/channel-pools/rebalance-runs"))["items"])]
    assert ran == [start + timedelta(minutes=m) for m in (15, 30, 45, 60, 75)]
    # Advancing again within the same interval runs nothing more.
    assert advance(t, minutes=5)["periodic"]["rebalance_pools"] == 0
    assert ok(t.get("/channel-pools/rebalance-runs"))["count"] == 5


def _to_shadow(t: ApiTenant) -> int:
    version = ok(t.post("/rule-versions", {"name": "deposit", "source": RULES}, "author"), 201)
    base = f"/rule-versions/{version['id']}"
    assert ok(t.post(f"{base}/tests", {"source": TESTS}, "author"))["is_passed"]
    for target in ("sandbox", "shadow"):
        ok(t.post(f"{base}/transitions", {"to": target}, "author"))
    return int(version["id"])


def test_72_hours_of_tenant_time_pass_the_shadow_gate_and_8_real_seconds_do_not(
        sandbox, make_tenant, clock):
    # A production tenant: 8 seconds of live shadow, with a journal row, are refused.
    live = make_tenant()
    version_id = _to_shadow(live)
    with live.db.write(live.tenant_id) as s:  # what the live shadow writes per event
        s.add(ShadowJournal(tenant_id=live.tenant_id, version_id=version_id,
                            event_id="e-1", production_version=None, production_actions=[],
                            candidate_actions=[], recorded_at=clock.now()))
    clock.advance(timedelta(seconds=8))
    refused = assert_problem(live.post(f"/rule-versions/{version_id}/transitions",
                                       {"to": "awaiting_review"}, "author"),
                             409, "governance.no_shadow_evidence")
    assert "live shadow has run 0.00 h of 72 h" in refused["message"]["en"]
    assert "影子运行仅 0.00 小时" in refused["message"]["zh-CN"]
    assert ok(live.get(f"/rule-versions/{version_id}"))["state"] == "shadow"
    # A replay of fewer hours than the window is not enough either.
    job = ok(live.post(f"/rule-versions/{version_id}/replays", {"hours": 24}, "author"), 202)
    assert ok(live.get(f"/replays/{job['id']}"))["status"] == "done"
    assert_problem(live.post(f"/rule-versions/{version_id}/transitions",
                             {"to": "awaiting_review"}, "author"),
                   409, "governance.no_shadow_evidence")

    # A sandbox tenant: shadow_until is set on its clock, and 72 h of it pass the gate.
    version_id = _to_shadow(sandbox)
    row = ok(sandbox.get(f"/rule-versions/{version_id}"))
    assert datetime.fromisoformat(row["shadow_until"]) == tenant_time(sandbox) + timedelta(
        hours=72)
    advance(sandbox, hours=71, minutes=59)
    assert_problem(sandbox.post(f"/rule-versions/{version_id}/transitions",
                                {"to": "awaiting_review"}, "author"),
                   409, "governance.no_shadow_evidence")
    advance(sandbox, minutes=1)
    moved = ok(sandbox.post(f"/rule-versions/{version_id}/transitions",
                            {"to": "awaiting_review"}, "author"))
    assert moved["state"] == "awaiting_review"


def test_a_replay_window_ends_at_the_tenants_time(sandbox, clock):
    t = sandbox
    t.warehouse("WH-1")
    t.item("SKU-1")
    advance(t, hours=100)
    t.receive("SKU-1", "WH-1", 5)  # recorded at tenant time, 100 h after the real time
    version_id = _to_shadow(t)
    job = ok(t.post(f"/rule-versions/{version_id}/replays", {"hours": 72}, "author"), 202)
    job = ok(t.get(f"/replays/{job['id']}"))
    assert job["status"] == "done"
    assert job["total"] >= 1 and job["done"] == job["total"]  # its own events were seen
    assert datetime.fromisoformat(job["window_to"]) > clock.now() + timedelta(hours=99)
    # The rule waits for sales_order.confirmed, which never came: the evidence says so.
    divergence = ok(t.get(f"/rule-versions/{version_id}/divergence", "author"))
    assert divergence["events"] >= 1 and divergence["trigger_events"] == 0
    sign_in_page(t, "reviewer")
    page = t.client.get(f"/rules/versions/{version_id}/review").text
    assert 'data-testid="trigger-never-occurred"' in page
    assert 'data-testid="evidence-window"' in page
    # … and that replay covers the recorded 72 h: the version may go to review.
    ok(t.post(f"/rule-versions/{version_id}/transitions", {"to": "awaiting_review"}, "author"))


def test_an_inbound_webhook_is_dated_on_the_tenants_clock(api, sandbox, clock):
    advance(sandbox, hours=5)
    created = create_inbound(sandbox)
    body = json.dumps({"asn_no": "ASN-9", "supplier": {"code": "SUP-1"},
                       "items": [{"sku": "TEA-1", "qty": 1}]}).encode()
    # The signature is checked against the real time (the sender's clock is a real one).
    response = api.post(created["inbound_path"], content=body,
                        headers=signed(created["secret"], body))
    assert response.status_code == 200, response.text
    with sandbox.db.read(None) as s:
        occurred = s.scalar(select(OutboxEvent.occurred_at).where(
            OutboxEvent.tenant_id == sandbox.tenant_id,
            OutboxEvent.type == "supplier.asn_received"))
    assert occurred == clock.now() + timedelta(hours=5)
