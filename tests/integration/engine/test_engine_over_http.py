"""The engine over HTTP on both databases: the sandbox clock and the plated-part return.

A sandbox tenant tries a 48 h rule in a minute: it and a production tenant both confirm an
order under the "unshipped 48 h" rule, with a 2 h deposit hold. The sandbox admin advances
49 h: its timer fires (the worker turns it into the alert and the frozen customer) and its
hold lapses; the production tenant's timer and hold are untouched, and its admin gets 409.
The worker here is the embedded one, run a round at a time, on the app's clock.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from starlette.exceptions import StarletteDeprecationWarning

from dsl import default_registry
from engine import Worker
from engine.rule_handler import RuleHandler
from engine.rulesets import put_in_production, save_version
from kernel.clock import VirtualClock
from kernel.db import Database
from kernel.models import DurableTimer
from studio.app import create_app
from tests.api.conftest import ApiTenant, assert_problem, new_tenant

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`",
                            category=StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

RULE = Path(__file__).parents[3] / "examples" / "rules" / "unshipped_48h.rule"


@pytest.fixture
def app_and_client(database: Database, clock: VirtualClock) -> Iterator[tuple[Any, TestClient]]:
    app = create_app(db=database, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield app, client


def shop(client: TestClient, database: Database, clock: VirtualClock, *, sandbox: bool
         ) -> ApiTenant:
    """A tenant with the 48 h rule in production and a confirmed 2 h deposit order."""
    tenant = new_tenant(client, database, clock.now(), ("admin", "warehouse"),
                        is_sandbox=sandbox)
    with database.write(tenant.tenant_id) as s:
        put_in_production(s, save_version(s, tenant.tenant_id, "unshipped", RULE.read_text(
            encoding="utf-8"), default_registry(), "author", clock.now()))
    tenant.item("TEA-1")
    tenant.warehouse("WH-A")
    tenant.receive("TEA-1", "WH-A", 10)
    assert tenant.post("/customers", {"code": "C-1", "name": "华东商贸"}).status_code == 201
    created = tenant.post("/sales-orders", {
        "customer": "C-1", "warehouse": "WH-A", "no": "SO-1", "deposit_amount": "30.00",
        "lines": [{"sku": "TEA-1", "qty": "4"}]})
    assert created.status_code == 201, created.text
    assert tenant.post("/sales-orders/SO-1/confirm", {}).status_code == 200
    return tenant


def reserved(tenant: ApiTenant) -> str:
    body = tenant.get("/stock", sku="TEA-1").json()
    return str(body["items"][0]["reserved"])


def timer_status(database: Database, tenant: ApiTenant) -> str:
    with database.read(tenant.tenant_id) as s:
        return str(s.scalar(select(DurableTimer.status)))


def test_a_sandbox_tenant_advances_its_own_clock_and_only_its_timers_fire(
        app_and_client, database, clock):
    app, client = app_and_client
    sandbox = shop(client, database, clock, sandbox=True)
    production = shop(client, database, clock, sandbox=False)
    worker = Worker(database, app.state.clock, handler=RuleHandler())
    worker.run_once()  # both orders arm their 48 h timers
    assert timer_status(database, sandbox) == timer_status(database, production) == "armed"
    assert reserved(sandbox) == reserved(production) == "4.000"

    # A production tenant's clock is the real one.
    refused = production.post("/sandbox/clock/advance", {"hours": 49})
    assert_problem(refused, 409, "engine.not_sandbox_tenant")
    # Only admins move it.
    forbidden = sandbox.post("/sandbox/clock/advance", {"hours": 49}, role="warehouse")
    assert_problem(forbidden, 403)

    moved = sandbox.post("/sandbox/clock/advance", {"hours": 49})
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["offset_seconds"] == 49 * 3600 and body["timers_fired"] == 1
    assert body["holds_expired"] == 1
    assert sandbox.get("/sandbox/clock").json()["offset_seconds"] == 49 * 3600
    assert production.get("/sandbox/clock").json() == {
        "is_sandbox": False, "now": clock.now().isoformat().replace("+00:00", "Z"),
        "offset_seconds": 0, "timers_fired": 0, "holds_expired": 0, "periodic": {}}

    worker.run_once()  # the embedded worker handles the fired timer's event
    inbox = sandbox.get("/inbox").json()["items"]
    assert sorted(m["recipient"] for m in inbox) == ["role:sales_manager",
                                                     "role:warehouse_manager"]
    assert all("SO-1" in m["message"] for m in inbox)
    customers = sandbox.get("/customers").json()["items"]
    assert customers[0]["is_frozen"] is True
    assert reserved(sandbox) == "0.000"

    # The production tenant: nothing fired, nothing lapsed, no alert.
    assert timer_status(database, production) == "armed"
    assert reserved(production) == "4.000"
    assert production.get("/inbox").json()["count"] == 0

    # A new order of the sandbox tenant lives on its advanced time: its timer is due
    # 48 h after the sandbox's now, not after the real now.
    assert sandbox.post("/sales-orders", {
        "customer": "C-1", "warehouse": "WH-A", "no": "SO-2",
        "lines": [{"sku": "TEA-1", "qty": "1"}]}).status_code == 201
    with database.write(sandbox.tenant_id) as s:  # unfreeze so the order can be confirmed
        from inventory.documents import parties
        parties.unfreeze_customer(s, "C-1")
    assert sandbox.post("/sales-orders/SO-2/confirm", {}).status_code == 200
    worker.run_once()
    with database.read(sandbox.tenant_id) as s:
        due = s.scalar(select(DurableTimer.fire_at).where(DurableTimer.status == "armed"))
    assert due == clock.now() + timedelta(hours=49 + 48)


def test_advance_needs_a_positive_amount(app_and_client, database, clock):
    _app, client = app_and_client
    sandbox = new_tenant(client, database, clock.now(), ("admin",), is_sandbox=True)
    assert_problem(sandbox.post("/sandbox/clock/advance", {"hours": 0}), 422)
    assert_problem(sandbox.post("/sandbox/clock/advance", {"hours": -1}), 422)
    assert sandbox.get("/sandbox/clock").json()["offset_seconds"] == 0


PLATED = RULE.with_name("plated_return_check.rule")


def test_plated_part_return_over_http_is_judged_by_the_rule(app_and_client, database, clock):
    """外协电镀回厂 over the API: the dock reports scan + photo + weight, the worker runs the
    example rule, the heavy return is frozen and the good one passes inspection."""
    app, client = app_and_client
    tenant = new_tenant(client, database, clock.now(), ("admin", "warehouse"))
    with database.write(tenant.tenant_id) as s:
        put_in_production(s, save_version(s, tenant.tenant_id, "plated", PLATED.read_text(
            encoding="utf-8"), default_registry(), "author", clock.now()))
    tenant.item("PART-9")
    tenant.warehouse("WH-A")
    assert tenant.post("/purchase-orders", {"supplier": "永华电镀厂", "warehouse": "WH-A",
                                            "no": "SC-1", "lines": [
                                                {"sku": "PART-9", "qty": "500"}]}
                       ).status_code == 201
    assert tenant.post("/purchase-orders/SC-1/approve", {}).status_code == 200
    for no, weight in (("RC-HEAVY", "10.250"), ("RC-OK", "9.850")):
        created = tenant.post("/receipts", {"purchase_order_no": "SC-1", "no": no,
                                            "expected_weight_kg": "10.000", "lines": [
                                                {"order_line_no": 1, "qty": "100"}]})
        assert created.status_code == 201, created.text
        reported = tenant.post(f"/receipts/{no}/report-return", {
            "process": "plating", "is_scanned": True, "photo_count": 2,
            "measured_weight_kg": weight}, role="warehouse")
        assert reported.status_code == 200, reported.text
        assert reported.json()["status"] == "draft"
    Worker(database, app.state.clock, handler=RuleHandler()).run_once()
    heavy = tenant.get("/receipts/RC-HEAVY").json()
    assert heavy["status"] == "frozen" and "plated_return_check" in heavy["frozen_reason"]
    assert tenant.get("/receipts/RC-OK").json()["status"] == "inspected"
    inbox = tenant.get("/inbox").json()["items"]
    assert [(m["recipient"], m["message"]) for m in inbox] == [
        ("role:quality_manager", "回厂校验未通过: RC-HEAVY")]
    put_away = tenant.post("/receipts/RC-HEAVY/put-away", {})
    assert_problem(put_away, 409)
