"""Property-based tests of every operation in the served OpenAPI document (schemathesis 4).

A real uvicorn server runs the app in a background thread on a free port of 127.0.0.1,
on a SQLite file of its own (migrated, then seeded over HTTP with an item, a warehouse and
stock). Schemathesis loads ``/openapi.json`` from that server and sends bounded numbers of
generated requests, valid and invalid, as the tenant's admin (who holds every permission).
Every answer must be below 500, and every 4xx must be an ``application/problem+json``
body with a ``code`` and the message in zh-CN and English.

SQLite only, on purpose: this test is about the HTTP surface (validation, routing, error
rendering), which is the same code on both databases, and a second run against PostgreSQL
would double the slowest test of the suite. What differs between the backends (queries,
locking, tenant scoping, text limits) is covered by test_tenant_isolation.py and
test_bad_input.py, which run on both.
"""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from schemathesis import Case, CheckContext, Response

from kernel import accounts
from kernel.clock import SystemClock
from kernel.db import Database, make_engine
from kernel.settings import Settings
from migrations.runner import upgrade
from studio.app import create_app
from tests.api.conftest import API, PASSWORD, PROBLEM_JSON, bearer

#: Generated examples per operation in the fuzzing phase (the coverage phase adds its own
#: boundary cases). 20 keeps the whole module near 20 s on a laptop, far below 90 s.
MAX_EXAMPLES = 20


class Served:
    """A uvicorn server with the app on its own SQLite file, in a daemon thread."""

    def __init__(self, db_path: Path) -> None:
        url = f"sqlite:///{db_path}"
        upgrade(url)
        self.db = Database(make_engine(url, Settings(sqlite_busy_timeout_ms=30_000)))
        app = create_app(db=self.db, clock=SystemClock())
        # Bind and listen before the server thread starts: connections made before the
        # event loop runs wait in the backlog, so nothing needs to poll for readiness.
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(128)
        port = self.socket.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=port, http="h11", ws="none",
                                loop="asyncio", lifespan="on", log_level="warning",
                                access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.socket]},
                                       name="uvicorn-schemathesis", daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.socket.close()
        self.db.dispose()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str]]:
    """The running server and a bearer token of the seeded tenant's admin."""
    with Served(tmp_path_factory.mktemp("schemathesis") / "served.db") as server:
        tenant = f"fuzz{uuid.uuid4().hex[:6]}"
        now = datetime.now(UTC)
        with server.db.write(None) as session:
            row = accounts.create_tenant(session, tenant, "模糊测试商贸", now)
            accounts.create_user(session, row, "admin", "admin", PASSWORD, now)
        with httpx.Client(base_url=server.base_url + API, timeout=30) as client:
            signed_in = client.post("/auth/token", data={"tenant": tenant, "username": "admin",
                                                         "password": PASSWORD})
            assert signed_in.status_code == 200, signed_in.text
            token = signed_in.json()["access_token"]
            headers = bearer(token)
            for path, body in [
                ("/items", {"sku": "SEED-1", "name_zh": "种子商品", "shelf_life_days": 30}),
                ("/warehouses", {"code": "WH-1", "name_zh": "一号仓"}),
                ("/warehouses", {"code": "WH-2", "name_zh": "二号仓"}),
                ("/warehouses/WH-1/bins", {"code": "A-01"}),
                # Opening stock arrives the way all stock does: through a document.
                ("/adjustments", {"warehouse": "WH-1", "reason": "found", "no": "ADJ-SEED",
                                  "photo_refs": ["seed.jpg"],
                                  "lines": [{"sku": "SEED-1", "qty": "90", "lot_no": "L-1"}]}),
                ("/adjustments/ADJ-SEED/submit", None),
                ("/reservations", {"sku": "SEED-1", "warehouse": "WH-1", "qty": "5"}),
            ]:
                created = client.post(path, json=body, headers=headers)
                assert created.status_code in (200, 201), (path, created.text)
            # Packs that switch product modules on, so their routes are fuzzed too.
            for pack in ("jxc.production", "jxc.services"):
                installed = client.post(f"/packs/{pack}/install", json={}, headers=headers)
                assert installed.status_code == 200, (pack, installed.text)
        yield server, token


def _app_openapi() -> dict[str, Any]:
    """The app's OpenAPI document, built without touching any database."""
    # Never connected: building the document only reads the routes and models. The file
    # name cannot collide with a real database, and the engine opens nothing until used.
    unused = Database(make_engine("sqlite:///never-opened-by-openapi.db",
                                  Settings(pool_size=1)))
    document: dict[str, Any] = create_app(db=unused).openapi()
    return document


#: Built at import because schemathesis 4.32's fixture-loaded schemas
#: (``schemathesis.pytest.from_fixture``) read ``Node._nodeid``, which pytest 9.2 removed;
#: test_the_served_document_is_the_one_fuzzed proves the server serves this very document.
OPENAPI = _app_openapi()
schema = schemathesis.openapi.from_dict(
    OPENAPI, config=schemathesis.Config.from_dict({
        "generation": {"max-examples": MAX_EXAMPLES},
        "request-timeout": 30,
    }))



def no_server_error(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """No answer is a 5xx."""
    assert response.status_code < 500, (
        f"{response.status_code} from {case.method.upper()} {case.formatted_path}: "
        f"{response.content[:500]!r}")


def errors_are_problems(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    """Every 4xx/5xx is application/problem+json with a code and zh-CN and English text.

    That the zh-CN text is Chinese is checked by test_bad_input.py, with fixed inputs.
    """
    if response.status_code < 400:
        return
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith(PROBLEM_JSON), (
        f"{response.status_code} with content-type {content_type!r}: {response.content[:300]!r}")
    body = response.json()
    assert isinstance(body, dict), body
    assert isinstance(body.get("code"), str) and body["code"], body
    assert body.get("status") == response.status_code, body
    message = body.get("message")
    assert isinstance(message, dict), body
    for locale in ("zh-CN", "en"):
        assert isinstance(message.get(locale), str) and message[locale], body


def test_the_served_document_is_the_one_fuzzed(served: tuple[Served, str]) -> None:
    server, _token = served
    response = httpx.get(f"{server.base_url}/openapi.json", timeout=30)
    assert response.status_code == 200, response.text
    assert response.json() == OPENAPI


def test_the_document_describes_errors_as_problems() -> None:
    """A client generated from the document must be able to read the errors it gets."""
    wrong = []
    for path, item in OPENAPI["paths"].items():
        for method, operation in item.items():
            if operation.get("security") and "401" not in operation["responses"]:
                wrong.append(f"{method.upper()} {path} 401 undocumented")
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and set(response.get("content", {})) != {
                        PROBLEM_JSON}:
                    wrong.append(f"{method.upper()} {path} {status}")
    assert not wrong, wrong


@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.data_too_large])
@schema.parametrize()
def test_every_operation_answers_below_500_with_problem_details(
        case: Case[Any], served: tuple[Served, str]) -> None:
    server, token = served
    case.call_and_validate(base_url=server.base_url, headers=bearer(token),
                           checks=[no_server_error, errors_are_problems])
