"""Parked events are visible through the API and an admin can send them back."""

from __future__ import annotations

import warnings

import pytest
from starlette.exceptions import StarletteDeprecationWarning

from engine import Worker
from engine.dispatch import RetryPolicy
from kernel import accounts
from studio.app import create_app
from tests.integration.engine.handlers import RecordingHandler

# Starlette warns on import that its TestClient prefers httpx2 (as in tests/api/conftest.py).
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=StarletteDeprecationWarning)
    from fastapi.testclient import TestClient


@pytest.fixture
def client(world):
    with TestClient(create_app(db=world.db, clock=world.clock)) as c:
        yield c


def _token(world, *scopes: str) -> dict[str, str]:
    with world.db.write(None) as s:
        token, _ = accounts.create_api_token(s, world.tenant_id, "test", scopes,
                                             world.clock.now())
    return {"Authorization": f"Bearer {token}"}


def test_parked_events_are_listed_and_an_admin_retries_them(world, ticks, client):
    [parked_id, done_id] = ticks(["order:SO-1", "order:SO-2"])
    failing = RecordingHandler(world.tenant_id, always_fail=frozenset({0}))
    Worker(world.db, world.clock, handler=failing, policy=RetryPolicy(max_attempts=1)).run_once()
    reader, admin = _token(world, "stock:read"), _token(world, "admin", "stock:read")

    page = client.get("/api/v1/events", params={"status": "parked"}, headers=reader).json()
    assert page["count"] == 1
    [event] = page["items"]
    assert event["event_id"] == parked_id and event["status"] == "parked"
    assert "boom on tick 0" in event["last_error"]

    assert client.post(f"/api/v1/events/{parked_id}/retry", headers=reader).status_code == 403
    conflict = client.post(f"/api/v1/events/{done_id}/retry", headers=admin)
    assert conflict.status_code == 409 and conflict.json()["code"] == "engine.event_not_parked"
    missing = client.post("/api/v1/events/nope/retry", headers=admin)
    assert missing.status_code == 404

    retried = client.post(f"/api/v1/events/{parked_id}/retry", headers=admin).json()
    assert (retried["status"], retried["attempts"]) == ("pending", 0)
    Worker(world.db, world.clock, handler=RecordingHandler(world.tenant_id)).run_once()
    page = client.get("/api/v1/events", params={"status": "parked"}, headers=reader).json()
    assert page["count"] == 0
