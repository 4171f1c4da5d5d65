"""Inbound webhooks over real HTTP (uvicorn): bounded JSON Schema patterns, body rules.

- A schema pattern like ``^(a+)+$`` (catastrophic for a backtracking engine: 4–10 s on 27
  characters, the whole server frozen) is judged in linear time: the evil payload is
  answered quickly while a concurrent client's requests go on being answered.
- Only ``application/json`` is taken (415), within the connector's body limit (413), before
  any other work: nothing is written but a rejection.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook

from bench.bench_connectors import Served
from connectors.models import Rejection
from kernel.clock import VirtualClock
from kernel.db import Database
from kernel.models import OutboxEvent
from studio.app import create_app
from tests.api.conftest import ApiTenant, TestClient, assert_problem, new_tenant
from tests.integration.connectors.conftest import wait_until

EVIL = "^(a+)+$"
MAPPING = {"event_type": "scanner.scanned", "key": "body.sku",
           "fields": {"item.sku": "body.sku"}}


@pytest.fixture
def app(database: Database, clock: VirtualClock) -> Any:
    return create_app(db=database, clock=clock)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as found:
        yield found


@pytest.fixture
def served(app: Any) -> Iterator[Served]:
    found = Served(app)
    wait_until(lambda: found.server.started)
    yield found
    found.close()


def hook(tenant: ApiTenant, **config: Any) -> dict[str, Any]:
    made = tenant.post("/connectors", {"name": f"h{uuid.uuid4().hex[:6]}", "kind": "webhook_in",
                                       "config": {"mapping": MAPPING, **config}})
    assert made.status_code == 201, made.text
    created: dict[str, Any] = made.json()
    return created


def signed(secret: str, body: bytes, content_type: str = "application/json") -> dict[str, str]:
    now = datetime.now(UTC)
    message_id = f"msg_{uuid.uuid4().hex}"
    return {"webhook-id": message_id, "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(secret).sign(message_id, now,
                                                      body.decode("utf-8", "replace")),
            "content-type": content_type}


def rejections(db: Database, tenant_id: int) -> list[tuple[str, str | None]]:
    with db.read(None) as s:
        return [(r.reason, r.detail) for r in s.scalars(
            select(Rejection).where(Rejection.tenant_id == tenant_id).order_by(Rejection.id))]


def event_count(db: Database, tenant_id: int) -> int:
    with db.read(None) as s:
        return s.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.tenant_id == tenant_id, OutboxEvent.type == "scanner.scanned")) or 0


def test_a_catastrophic_pattern_is_answered_quickly_while_other_requests_go_on(
        client, database, clock, served):
    tenant = new_tenant(client, database, clock.now(), ("admin",))
    made = hook(tenant, schema={"type": "object", "required": ["sku"],
                                "properties": {"sku": {"type": "string", "pattern": EVIL}}})
    url = served.url + made["inbound_path"]
    evil = json.dumps({"sku": "a" * 27 + "!"}).encode()
    latencies: list[float] = []
    stop, warm = threading.Event(), threading.Event()

    def other_client() -> None:  # a concurrent user of the same server
        with httpx.Client(base_url=served.url) as other:
            assert other.get("/healthz").status_code == 200  # connected, warmed up
            warm.set()
            while not stop.is_set():
                started = time.perf_counter()
                assert other.get("/healthz").status_code == 200
                latencies.append(time.perf_counter() - started)
                stop.wait(0.01)  # a steady user, not a second load generator

    beside = threading.Thread(target=other_client)
    beside.start()
    assert warm.wait(30)
    took = []
    try:
        with httpx.Client() as sender:
            sender.get(served.url + "/healthz")  # this connection warmed up too
            for _ in range(5):
                started = time.perf_counter()
                answer = sender.post(url, content=evil, headers=signed(made["secret"], evil))
                took.append(time.perf_counter() - started)
                assert answer.status_code == 422, answer.text
                assert "does not match" in answer.json()["message"]["en"]
            fine = json.dumps({"sku": "a" * 27}).encode()
            assert sender.post(url, content=fine, headers=signed(
                made["secret"], fine)).status_code == 200
    finally:
        stop.set()
        beside.join(timeout=30)
    assert statistics.median(took) < 0.1, took
    assert latencies and max(latencies) < 0.5, max(latencies)
    assert [r for r, _ in rejections(database, tenant.tenant_id)] == ["schema_violation"] * 5
    assert event_count(database, tenant.tenant_id) == 1


@pytest.mark.parametrize("pattern", ["(?=a)b", r"(a)\1", "(a{1000}){1000}"])
def test_a_pattern_the_linear_engine_cannot_run_is_refused_at_save(client, database, clock,
                                                                  pattern):
    tenant = new_tenant(client, database, clock.now(), ("admin",))
    refused = tenant.post("/connectors", {"name": "bad", "kind": "webhook_in", "config": {
        "mapping": MAPPING, "schema": {"properties": {"sku": {"pattern": pattern}}}}})
    assert_problem(refused, 422, "connector.invalid")
    assert "linear time" in refused.json()["message"]["en"]
    assert "线性时间" in refused.json()["message"]["zh-CN"]
    huge = {"properties": {f"f{n}": {"type": "string", "description": "x" * 100}
                           for n in range(1000)}}
    assert_problem(tenant.post("/connectors", {"name": "big", "kind": "webhook_in", "config": {
        "mapping": MAPPING, "schema": huge}}), 422, "connector.invalid")
    assert tenant.get("/connectors").json()["count"] == 0


def test_only_json_within_the_connectors_limit_is_taken(client, database, clock, served):
    tenant = new_tenant(client, database, clock.now(), ("admin",))
    made = hook(tenant)
    small = hook(tenant, max_body_bytes=2048)
    url, small_url = (served.url + m["inbound_path"] for m in (made, small))
    secret = made["secret"]
    body = json.dumps({"sku": "TEA-1"}).encode()
    big = json.dumps({"sku": "TEA-1", "pad": "x" * (3 * 1024 * 1024)}).encode()
    with httpx.Client(timeout=30) as sender:
        octet = sender.post(url, content=big,
                            headers=signed(secret, big, "application/octet-stream"))
        assert_problem(octet, 415, "connector.unsupported_media_type")
        plain = sender.post(url, content=body, headers=signed(secret, body, "text/plain"))
        assert_problem(plain, 415, "connector.unsupported_media_type")
        assert "application/json" in plain.json()["message"]["zh-CN"]
        latin = sender.post(url, content=body, headers=signed(
            secret, body, "application/json; charset=iso-8859-1"))
        assert_problem(latin, 415, "connector.unsupported_media_type")
        too_big = sender.post(url, content=big, headers=signed(secret, big))
        assert_problem(too_big, 413, "connector.body_too_large")
        three_k = json.dumps({"sku": "TEA-1", "pad": "x" * 3000}).encode()

        def chunks() -> Iterator[bytes]:  # no content-length: counted while read
            yield three_k[:1500]
            yield three_k[1500:]

        chunked = sender.post(small_url, content=chunks(),
                              headers=signed(small["secret"], three_k))
        assert_problem(chunked, 413, "connector.body_too_large")
        assert "2048" in chunked.json()["message"]["en"]
        ok = sender.post(url, content=body,
                         headers=signed(secret, body, "application/json; charset=UTF-8"))
        assert ok.status_code == 200, ok.text
    assert [r for r, _ in rejections(database, tenant.tenant_id)] == [
        "unsupported_media_type", "unsupported_media_type", "unsupported_media_type",
        "too_large", "too_large"]
    assert event_count(database, tenant.tenant_id) == 1
    refused = tenant.post("/connectors", {"name": "huge", "kind": "webhook_in", "config": {
        "mapping": MAPPING, "max_body_bytes": 64 * 1024 * 1024}})
    assert_problem(refused, 422, "connector.invalid")
