"""The `jxcflow` command end to end: migrate, tenants, users, tokens, demo, and a served API.

Runs the installed console script in subprocesses against a fresh SQLite file and talks
to `jxcflow serve` over real HTTP, as `make demo` does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

JXCFLOW = str(Path(sys.executable).with_name("jxcflow"))


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([JXCFLOW, *args], env=env, input=stdin, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "JXCFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "JXCFLOW_SWEEP_INTERVAL_SECONDS": "1"}


def test_operator_commands(env):
    assert run(env, "migrate").returncode == 0
    created = run(env, "tenant", "create", "acme", "极客玩具")
    assert created.returncode == 0, created.stderr
    again = run(env, "tenant", "create", "acme", "重复")
    assert again.returncode == 1 and "conflict.exists" in again.stderr
    user = run(env, "user", "create", "--tenant", "acme", "--username", "li", "--role",
               "warehouse", "--password-stdin", stdin="a-long-password\n")
    assert user.returncode == 0, user.stderr
    assert "a-long-password" not in user.stdout + user.stderr
    bad_role = run(env, "user", "create", "--tenant", "acme", "--username", "x", "--role",
                   "boss", "--password-stdin", stdin="a-long-password\n")
    assert bad_role.returncode == 1 and "invalid_input" in bad_role.stderr
    token = run(env, "token", "create", "--tenant", "acme", "--name", "scanner-07",
                "--scope", "stock:read")
    assert token.returncode == 0 and token.stdout.strip().startswith("jxc_a_")


def test_a_sandbox_tenant_is_made_from_the_command_line(env):
    assert run(env, "migrate").returncode == 0
    created = run(env, "tenant", "create", "lab", "沙箱试运行", "--sandbox")
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("sandbox tenant lab created")
    plain = run(env, "tenant", "create", "shop", "正式企业")
    assert plain.stdout.startswith("tenant shop created")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served_demo(env) -> Iterator[str]:
    demo = run(env, "demo")
    assert demo.returncode == 0, demo.stderr
    assert "warehouse-demo-2026" in demo.stdout  # the logins are printed
    port = _free_port()
    proc = subprocess.Popen([JXCFLOW, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # a loaded CI machine starts slowly; polled, not slept
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"server did not start: {proc.stderr.read()}") from None
            time.sleep(0.1)  # polling for readiness, not hiding a race
    yield base
    proc.terminate()
    proc.wait(timeout=60)
    proc.stderr.close()


def test_demo_is_served_and_usable_over_http(served_demo):
    base = served_demo
    assert "jxcflow" in httpx.get(base + "/", follow_redirects=True).text  # the login page
    form = {"tenant": "demo", "username": "warehouse", "password": "warehouse-demo-2026"}
    token = httpx.post(base + "/api/v1/auth/token", data=form).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    items = httpx.get(base + "/api/v1/items", headers=auth, params={"limit": 500}).json()
    assert items["count"] >= 150
    page = httpx.get(base + "/api/v1/ledger", headers=auth).json()
    assert page["count"] > 700  # a week of history
    stock = httpx.get(base + "/api/v1/stock", headers=auth,
                      params={"warehouse": "WH-HZ", "limit": 1}).json()["items"][0]
    too_many = float(stock["available"]) + 1
    draft = httpx.post(base + "/api/v1/transfers", headers=auth, json={
        "from_warehouse": "WH-HZ", "to_warehouse": "WH-SZ",
        "lines": [{"sku": stock["sku"], "qty": too_many}]})
    assert draft.status_code == 201, draft.text
    refused = httpx.post(base + f"/api/v1/transfers/{draft.json()['no']}/dispatch",
                         headers=auth)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "inventory.insufficient_stock"
    assert stock["sku"] in refused.json()["message"]["en"]
    # Three weeks of documents: invoices matched both ways, pools with their run history.
    invoices = httpx.get(base + "/api/v1/supplier-invoices", headers=auth).json()
    assert {i["status"] for i in invoices["items"]} == {"matched", "mismatched"}
    runs = httpx.get(base + "/api/v1/channel-pools/rebalance-runs", headers=auth).json()
    assert runs["count"] >= 42


def test_a_sandbox_tenant_tries_the_48h_rule_in_a_minute_on_a_served_app(env):
    """`jxcflow serve` (embedded worker, real clock) in its own process, over real HTTP: a
    sandbox tenant confirms an order under the 48 h rule, advances 49 h, and the alert is in
    its inbox moments later; a production tenant's clock cannot move."""
    from dsl import default_registry
    from engine.rulesets import put_in_production, save_version
    from kernel import accounts
    from kernel.clock import SystemClock
    from kernel.db import Database, make_engine
    from kernel.settings import Settings

    assert run(env, "migrate").returncode == 0
    assert run(env, "tenant", "create", "lab", "沙箱", "--sandbox").returncode == 0
    assert run(env, "tenant", "create", "shop", "正式").returncode == 0
    for tenant in ("lab", "shop"):
        made = run(env, "user", "create", "--tenant", tenant, "--username", "boss", "--role",
                   "admin", "--password-stdin", stdin="a-long-password\n")
        assert made.returncode == 0, made.stderr
    # Rules go into production through governance (its own issue); here, directly.
    url = env["JXCFLOW_DATABASE_URL"]
    db = Database(make_engine(url, Settings(database_url=url)))
    rule = (Path(__file__).parents[2] / "examples" / "rules" / "unshipped_48h.rule").read_text(
        encoding="utf-8")
    with db.read(None) as s:
        lab_id = accounts.get_tenant(s, "lab").id
    with db.write(lab_id) as s:
        put_in_production(s, save_version(s, lab_id, "unshipped", rule, default_registry(),
                                          "boss", SystemClock().now()))
    db.dispose()

    port = _free_port()
    proc = subprocess.Popen([JXCFLOW, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.1)  # polling for readiness, not hiding a race

        def login(tenant: str) -> dict[str, str]:
            form = {"tenant": tenant, "username": "boss", "password": "a-long-password"}
            token = httpx.post(base + "/auth/token", data=form).json()["access_token"]
            return {"Authorization": f"Bearer {token}"}

        lab, shop = login("lab"), login("shop")
        for path, body in (("/items", {"sku": "TEA-1", "name_zh": "龙井"}),
                           ("/warehouses", {"code": "WH-A", "name_zh": "杭州仓"}),
                           ("/adjustments", {"warehouse": "WH-A", "reason": "found",
                                             "no": "ADJ-1", "photo_refs": ["shelf.jpg"],
                                             "lines": [{"sku": "TEA-1", "qty": "10"}]}),
                           ("/adjustments/ADJ-1/submit", {}),
                           ("/customers", {"code": "C-1", "name": "华东商贸"}),
                           ("/sales-orders", {"customer": "C-1", "warehouse": "WH-A",
                                              "no": "SO-1", "lines": [{"sku": "TEA-1",
                                                                       "qty": "2"}]}),
                           ("/sales-orders/SO-1/confirm", {})):
            answer = httpx.post(base + path, json=body, headers=lab)
            assert answer.status_code in (200, 201), answer.text
        refused = httpx.post(base + "/sandbox/clock/advance", json={"hours": 49}, headers=shop)
        assert refused.status_code == 409
        assert refused.json()["code"] == "engine.not_sandbox_tenant"

        def inbox() -> list[dict[str, str]]:
            items: list[dict[str, str]] = httpx.get(base + "/inbox", headers=lab).json()["items"]
            return items

        # The embedded worker handles the confirm (arming the 48 h timer) in its thread.
        deadline = time.monotonic() + 90
        while httpx.get(base + "/events", params={"status": "pending"},
                        headers=lab).json()["count"]:
            assert time.monotonic() < deadline, "the confirm was never handled"
            time.sleep(0.2)  # polling the worker thread, not hiding a race
        moved = httpx.post(base + "/sandbox/clock/advance", json={"hours": 49}, headers=lab)
        assert moved.status_code == 200, moved.text
        assert moved.json()["timers_fired"] == 1
        deadline = time.monotonic() + 90
        while not inbox():
            assert time.monotonic() < deadline, "no alert"
            time.sleep(0.2)  # polling the worker thread, not hiding a race
        assert sorted(m["recipient"] for m in inbox()) == ["role:sales_manager",
                                                           "role:warehouse_manager"]
        assert httpx.get(base + "/inbox", headers=shop).json()["count"] == 0
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        proc.stderr.close()
