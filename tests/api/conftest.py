"""Fixtures of the API tests: the app behind a TestClient, tenants with one user per role.

Everything goes through HTTP except what the API cannot do yet (creating tenants and
users), which uses ``kernel.accounts`` in a system session. What a test checks "in the
database" is read with a system session and an explicit ``tenant_id`` filter, so the
check never relies on the tenant scoping it is meant to test.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from starlette.exceptions import StarletteDeprecationWarning

from inventory.models import (
    Bin,
    Item,
    LedgerEntry,
    LotBalance,
    Reservation,
    StockBalance,
    Warehouse,
)
from kernel import accounts
from kernel.clock import VirtualClock
from kernel.db import Database
from kernel.models import AccessToken, IdempotencyRecord, OutboxEvent
from kernel.security import Role
from studio.app import create_app

# Starlette 1.x warns once, on import, that its TestClient prefers the httpx2 package over
# the httpx that pyproject installs; only that one warning is silenced, and only here.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`",
                            category=StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

API = "/api/v1"
PROBLEM_JSON = "application/problem+json"
#: One password for every test user (the product wants at least 8 characters).
PASSWORD = "correct-horse-42"
ALL_ROLES: tuple[str, ...] = tuple(r.value for r in Role)
#: The test users' password hash, made once with argon2id's cheapest parameters. Sign-in
#: still runs the product's real argon2 verify (which reads the parameters from the hash),
#: but a tenant with five users costs milliseconds instead of a second of hashing.
_CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}


def has_cjk(text: str) -> bool:
    """True when ``text`` holds at least one CJK ideograph or full-width punctuation mark."""
    return any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text)


def assert_problem(response: httpx.Response, status: int | None = None,
                   code: str | None = None) -> dict[str, Any]:
    """Check that ``response`` is an RFC 9457 problem with zh-CN and English text; return it."""
    assert response.headers["content-type"].startswith(PROBLEM_JSON), (
        response.status_code, response.headers.get("content-type"), response.text)
    body: dict[str, Any] = response.json()
    if status is not None:
        assert response.status_code == status, body
    assert 400 <= response.status_code < 600, body
    assert body["status"] == response.status_code, body
    assert isinstance(body["code"], str) and body["code"], body
    if code is not None:
        assert body["code"] == code, body
    assert body["type"].endswith(body["code"]), body
    assert body["title"], body
    message = body["message"]
    assert set(message) >= {"zh-CN", "en"}, body
    assert has_cjk(message["zh-CN"]), body
    assert message["en"] and not has_cjk(message["en"]), body
    assert body["detail"] in (message["zh-CN"], message["en"]), body
    return body


def sign_in(client: TestClient, tenant: str, username: str, password: str = PASSWORD) -> str:
    """Sign in through ``POST /auth/token`` and return the bearer token."""
    response = client.post(f"{API}/auth/token",
                           data={"tenant": tenant, "username": username, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a refused or foreign request must leave alone in one tenant."""

    balances: tuple[tuple[int, int, Decimal, Decimal], ...]
    lot_balances: tuple[tuple[int, int, int, Decimal], ...]
    ledger_rows: int
    outbox_rows: int
    reservations: tuple[tuple[str, str, Decimal], ...]
    idempotency_rows: int
    items: int
    warehouses: int
    bins: int
    api_tokens: tuple[tuple[int, str, datetime | None], ...]


def snapshot(db: Database, tenant_id: int) -> Snapshot:
    """Read one tenant's stock, ledger, outbox, reservations and catalogue counts."""

    def count(model: Any) -> int:
        return session.scalar(select(func.count()).select_from(model)
                              .where(model.tenant_id == tenant_id)) or 0

    with db.read(None) as session:
        balances = session.execute(
            select(StockBalance.item_id, StockBalance.warehouse_id, StockBalance.on_hand,
                   StockBalance.reserved).where(StockBalance.tenant_id == tenant_id)
            .order_by(StockBalance.item_id, StockBalance.warehouse_id)).all()
        lots = session.execute(
            select(LotBalance.item_id, LotBalance.warehouse_id, LotBalance.lot_id,
                   LotBalance.on_hand).where(LotBalance.tenant_id == tenant_id)
            .order_by(LotBalance.id)).all()
        reservations = session.execute(
            select(Reservation.id, Reservation.status, Reservation.qty)
            .where(Reservation.tenant_id == tenant_id).order_by(Reservation.id)).all()
        tokens = session.execute(
            select(AccessToken.id, AccessToken.name, AccessToken.revoked_at)
            .where(AccessToken.tenant_id == tenant_id, AccessToken.kind == "api")
            .order_by(AccessToken.id)).all()
        return Snapshot(
            balances=tuple(tuple(r) for r in balances),  # type: ignore[misc]
            lot_balances=tuple(tuple(r) for r in lots),  # type: ignore[misc]
            ledger_rows=count(LedgerEntry), outbox_rows=count(OutboxEvent),
            reservations=tuple(tuple(r) for r in reservations),  # type: ignore[misc]
            idempotency_rows=count(IdempotencyRecord), items=count(Item),
            warehouses=count(Warehouse), bins=count(Bin),
            api_tokens=tuple(tuple(r) for r in tokens),  # type: ignore[misc]
        )


def ledger_rows(db: Database, tenant_id: int) -> int:
    """How many ledger rows the tenant has."""
    with db.read(None) as session:
        return session.scalar(select(func.count()).select_from(LedgerEntry)
                              .where(LedgerEntry.tenant_id == tenant_id)) or 0


@dataclass
class ApiTenant:
    """A fresh tenant with one signed-in user per requested role, driven over HTTP."""

    client: TestClient
    db: Database
    code: str
    tenant_id: int
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, role: str = "admin", **extra: str) -> dict[str, str]:
        """Authorization header of the user with ``role``, plus ``extra`` headers."""
        return {**bearer(self.tokens[role]), **extra}

    def post(self, path: str, body: Any, role: str = "admin", **headers: str) -> httpx.Response:
        """POST JSON to ``/api/v1{path}`` as the user with ``role``."""
        response: httpx.Response = self.client.post(API + path, json=body,
                                                    headers=self.headers(role, **headers))
        return response

    def get(self, path: str, role: str = "admin", **params: Any) -> httpx.Response:
        """GET ``/api/v1{path}`` as the user with ``role``."""
        response: httpx.Response = self.client.get(API + path, params=params,
                                                   headers=self.headers(role))
        return response

    def _created(self, path: str, body: dict[str, Any], role: str = "admin") -> dict[str, Any]:
        response = self.post(path, body, role)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def item(self, sku: str, **fields: Any) -> dict[str, Any]:
        """Create an item as admin."""
        return self._created("/items", {"sku": sku, "name_zh": f"商品{sku}", **fields})

    def warehouse(self, code: str, **fields: Any) -> dict[str, Any]:
        """Create a warehouse as admin."""
        return self._created("/warehouses", {"code": code, "name_zh": f"仓库{code}", **fields})

    def bin(self, warehouse: str, code: str) -> dict[str, Any]:
        """Create a bin in a warehouse as admin."""
        return self._created(f"/warehouses/{warehouse}/bins", {"code": code})

    def api_token(self, scopes: Sequence[str], name: str = "scanner") -> dict[str, Any]:
        """Create an API token as admin; the answer holds the secret under ``token``."""
        return self._created("/api-tokens", {"name": name, "scopes": list(scopes)})

    def receive(self, sku: str, warehouse: str, qty: str | int, lot_no: str | None = None,
                expiry_date: date | str | None = None) -> dict[str, Any]:
        """Receive stock as admin the way goods arrive: a purchase order approved, a receipt
        against it inspected and put away (there is no stock change without a document).

        Returns the put-away receipt with its ledger rows (``entries``) and the stock
        event they raised (``event_id``).
        """
        order = self._created("/purchase-orders", {
            "supplier": "测试供应商", "warehouse": warehouse,
            "lines": [{"sku": sku, "qty": str(qty)}]})
        path = f"/purchase-orders/{order['no']}/approve"
        assert self.post(path, None).status_code == 200
        line = {"order_line_no": 1, "qty": str(qty), "lot_no": lot_no,
                "expiry_date": str(expiry_date) if expiry_date else None}
        receipt = self._created("/receipts", {"purchase_order_no": order["no"],
                                              "lines": [line]})["no"]
        inspected = self.post(f"/receipts/{receipt}/inspect",
                              {"is_scanned": True, "photo_count": 1})
        assert inspected.status_code == 200, inspected.text
        put = self.post(f"/receipts/{receipt}/put-away", None)
        assert put.status_code == 200, put.text
        rows = self.get("/ledger", document_ref=receipt)
        assert rows.status_code == 200, rows.text
        entries: list[dict[str, Any]] = rows.json()["items"]
        return {**put.json(), "entries": entries, "event_id": entries[0]["event_id"]}

    def sell_and_ship(self, sku: str, warehouse: str, qty: str | int, no: str) -> None:
        """Stock leaving the way it does for users: a sales order confirmed, then shipped
        whole (pick, pack, ship with the warehouse's code and a tracking number)."""
        code = "8888"
        made = self.post("/customers", {"code": "C-SHIP", "name": "发货测试客户"})
        assert made.status_code in (201, 409), made.text  # 409: made by an earlier call
        assert self.client.put(f"{API}/warehouses/{warehouse}/confirmation-code",
                               json={"code": code}, headers=self.headers()).status_code == 204
        self._created("/sales-orders", {"customer": "C-SHIP", "warehouse": warehouse, "no": no,
                                        "lines": [{"sku": sku, "qty": str(qty)}]})
        assert self.post(f"/sales-orders/{no}/confirm", None).status_code == 200
        self._created("/shipments", {"sales_order_no": no, "no": f"SH-{no}"})
        for step in ("pick", "pack"):
            assert self.post(f"/shipments/SH-{no}/{step}", None).status_code == 200
        shipped = self.post(f"/shipments/SH-{no}/ship", {"confirmation_code": code,
                                                         "tracking_no": f"SF-{no}"})
        assert shipped.status_code == 200 and shipped.json()["status"] == "shipped", \
            shipped.text

    def reserve(self, sku: str, warehouse: str, qty: str | int, **fields: Any) -> dict[str, Any]:
        """Reserve stock as admin."""
        return self._created("/reservations",
                             {"sku": sku, "warehouse": warehouse, "qty": str(qty), **fields})

    def snapshot(self) -> Snapshot:
        """This tenant's rows, read straight from the database."""
        return snapshot(self.db, self.tenant_id)

    def ledger_rows(self) -> int:
        """How many ledger rows this tenant has."""
        return ledger_rows(self.db, self.tenant_id)


TenantFactory = Callable[..., ApiTenant]


def new_tenant(client: TestClient, db: Database, now: datetime,
               roles: Sequence[str] = ALL_ROLES, *, is_sandbox: bool = False) -> ApiTenant:
    """Create a tenant with a user per role (username = role) and sign each one in."""
    code = f"api{uuid.uuid4().hex[:10]}"
    with mock.patch.object(accounts, "hash_password", lambda _password: _CHEAP_HASH), \
            db.write(None) as session:
        tenant = accounts.create_tenant(session, code, "接口测试商贸", now,
                                        is_sandbox=is_sandbox)
        for role in roles:
            accounts.create_user(session, tenant, role, role, PASSWORD, now)
        tenant_id = tenant.id
    found = ApiTenant(client=client, db=db, code=code, tenant_id=tenant_id)
    for role in roles:
        found.tokens[role] = sign_in(client, code, role)
    return found


@pytest.fixture
def api(database: Database, clock: VirtualClock) -> Iterator[TestClient]:
    """The whole app on the database under test and the test's clock.

    Errors come back as responses, never raised into the test: a 500 must be assertable,
    and today even a 404 refusal is re-raised after its problem is sent (see
    test_bad_input.py::test_a_refusal_is_answered_not_raised_as_a_server_exception).
    """
    app = create_app(db=database, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def make_tenant(api: TestClient, database: Database, clock: VirtualClock) -> TenantFactory:
    """Factory: ``make_tenant(roles=("admin", "viewer"))`` → a fresh :class:`ApiTenant`."""

    def make(roles: Sequence[str] = ALL_ROLES) -> ApiTenant:
        return new_tenant(api, database, clock.now(), roles)

    return make


@pytest.fixture(scope="module")
def module_api(database: Database) -> Iterator[TestClient]:
    """One app per module and backend, for read-only tables of many cases.

    Signing a user in costs an argon2 hash; a module that runs a hundred refused
    requests shares one tenant instead of hashing a hundred times.
    """
    app = create_app(db=database, clock=VirtualClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC)))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


RULES_DIR = Path(__file__).parents[2] / "examples" / "rules"


def walk_to_review(tenant: ApiTenant, version_id: int, role: str = "author",
                   tests: str | None = None) -> None:
    """Take a draft version to awaiting review the way an author does over the API:
    green rule tests, sandbox, shadow, a finished 72 h replay, then request review."""
    text = tests if tests is not None else (
        RULES_DIR / "deposit_locks_stock.tests.toml").read_text("utf-8")
    base = f"/rule-versions/{version_id}"
    steps = [tenant.post(f"{base}/tests", {"source": text}, role)]
    assert steps[0].status_code == 200 and steps[0].json()["is_passed"], steps[0].text
    for target in ("sandbox", "shadow"):
        step = tenant.post(f"{base}/transitions", {"to": target}, role)
        assert step.status_code == 200, step.text
    job = tenant.post(f"{base}/replays", {"hours": 72}, role)
    assert job.status_code == 202, job.text
    assert tenant.get(f"/replays/{job.json()['id']}", role).json()["status"] == "done"
    step = tenant.post(f"{base}/transitions", {"to": "awaiting_review"}, role)
    assert step.status_code == 200, step.text
