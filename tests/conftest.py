"""Fixtures shared by every layer: real databases (a SQLite file and PostgreSQL).

Each test session migrates one SQLite file and one fresh PostgreSQL database (dropped
at the end). Tests are isolated by tenant: every test gets a tenant of its own, which
also exercises the tenant scoping on every query.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from inventory import CommandContext, ReceiveStock, StockService
from inventory.catalog import NewItem, create_item, create_warehouse
from kernel import accounts
from kernel.clock import VirtualClock
from kernel.db import Database, make_engine
from kernel.settings import Settings
from migrations.runner import upgrade

PG_ADMIN_URL = os.environ.get("JXCFLOW_TEST_PG_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = ["sqlite", "postgresql"]


def _pg_url(name: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


def create_pg_database(prefix: str = "jxcflow_test") -> str:
    """Create a fresh, empty PostgreSQL database and return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return _pg_url(name)


def drop_pg_database(url: str) -> None:
    """Drop a database made by :func:`create_pg_database`."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A migrated PostgreSQL database for this test session."""
    url = create_pg_database()
    upgrade(url)
    yield url
    drop_pg_database(url)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file for this test session."""
    path: Path = tmp_path_factory.mktemp("sqlite") / "jxcflow.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    return url


TEST_SETTINGS = Settings(pool_size=40, sqlite_busy_timeout_ms=60_000)


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The database under test, once per backend."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    db = Database(make_engine(url, TEST_SETTINGS))
    yield db
    db.dispose()


@pytest.fixture
def clock() -> VirtualClock:
    """A clock the test moves by hand."""
    return VirtualClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))


@pytest.fixture
def stock(database: Database, clock: VirtualClock) -> StockService:
    """The stock command service on the database under test."""
    return StockService(database, clock)


class TenantWorld:
    """A fresh tenant with two warehouses and a few items."""

    def __init__(self, db: Database, clock: VirtualClock, stock: StockService) -> None:
        self.db = db
        self.clock = clock
        self.stock = stock
        self.code = f"t{uuid.uuid4().hex[:8]}"
        with db.write(None) as session:
            self.tenant_id = accounts.create_tenant(session, self.code, "测试商贸",
                                                    clock.now()).id
        self.ctx = CommandContext(tenant_id=self.tenant_id, actor="test")

    def warehouse(self, code: str, kind: str = "warehouse") -> str:
        """Create a warehouse."""
        with self.db.write(self.tenant_id) as session:
            create_warehouse(session, self.tenant_id, code, f"仓库{code}", code, kind,
                             self.clock.now())
        return code

    def item(self, sku: str, **fields: Any) -> str:
        """Create an item."""
        with self.db.write(self.tenant_id) as session:
            create_item(session, self.tenant_id, NewItem(sku=sku, name_zh=f"商品{sku}", **fields),
                        self.clock.now())
        return sku

    def receive(self, sku: str, warehouse: str, qty: int | str, **kw: Any) -> dict[str, Any]:
        """Receive stock."""
        return self.stock.execute(self.ctx, ReceiveStock(sku=sku, warehouse=warehouse,
                                                         qty=Decimal(qty), **kw))

    def run(self, command: Any, key: str | None = None) -> dict[str, Any]:
        """Run any command, optionally with an idempotency key."""
        ctx = CommandContext(tenant_id=self.tenant_id, actor="test", idempotency_key=key)
        return self.stock.execute(ctx, command)


@pytest.fixture
def world(database: Database, clock: VirtualClock, stock: StockService) -> TenantWorld:
    """A fresh tenant with warehouses WH-A and WH-B."""
    w = TenantWorld(database, clock, stock)
    w.warehouse("WH-A")
    w.warehouse("WH-B")
    return w


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, unmigrated database of the backend named by the test's ``backend`` param."""
    backend = request.param
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = create_pg_database("jxcflow_empty")
    yield url
    drop_pg_database(url)


@pytest.fixture
def world_factory(database: Database):
    """Make fresh tenants on demand (each with its own clock), e.g. one per Hypothesis example."""

    def make() -> TenantWorld:
        clock = VirtualClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
        w = TenantWorld(database, clock, StockService(database, clock))
        w.warehouse("WH-A")
        w.warehouse("WH-B")
        return w

    return make
