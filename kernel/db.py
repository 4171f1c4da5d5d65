"""Engines and transactions for SQLite (embedded) and PostgreSQL (production).

SQLite: WAL journal, foreign keys on, a busy timeout, and every write transaction
begins ``IMMEDIATE`` so two writers never both read and then fight for the lock
(the classic SQLITE_BUSY-on-upgrade deadlock). Read-only sessions begin deferred,
which in WAL mode never waits for writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from kernel.settings import Settings, get_settings
from kernel.tenancy import install_tenant_scoping

_READ_ONLY = "jxcflow_read_only"


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` URLs."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.removeprefix("postgres://")
    return url


def make_engine(url: str | None = None, settings: Settings | None = None) -> Engine:
    """Create an engine with the pragmas and begin mode this product relies on."""
    settings = settings or get_settings()
    url = normalise_url(url or settings.database_url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000,
                          "check_same_thread": False},
            pool_size=settings.pool_size, max_overflow=settings.pool_size * 2,
        )
        _configure_sqlite(engine, settings)
    else:
        engine = create_engine(
            url, pool_size=settings.pool_size, max_overflow=settings.pool_size * 2,
            pool_pre_ping=True,
        )
    return engine


def _configure_sqlite(engine: Engine, settings: Settings) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so "begin" below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(settings.sqlite_busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(_READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """An engine plus tenant-scoped session factories."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = sessionmaker(engine, expire_on_commit=False)
        self._reader = sessionmaker(
            engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False
        )
        install_tenant_scoping(self._writer)
        install_tenant_scoping(self._reader)

    @contextmanager
    def write(self, tenant_id: int | None) -> Iterator[Session]:
        """One write transaction scoped to ``tenant_id``; commits, or rolls back on error.

        ``tenant_id=None`` is a system session (migrations, sweeps across tenants, login).
        """
        with self._writer() as session:
            session.info["tenant_id"] = tenant_id
            with session.begin():
                yield session

    @contextmanager
    def read(self, tenant_id: int | None) -> Iterator[Session]:
        """One read-only transaction scoped to ``tenant_id``; never holds a write lock."""
        with self._reader() as session:
            session.info["tenant_id"] = tenant_id
            with session.begin():
                yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
