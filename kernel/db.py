"""Engines and transactions for SQLite (embedded) and PostgreSQL (production).

SQLite: WAL journal, foreign keys on, a busy timeout, and every write transaction
begins ``IMMEDIATE`` so two writers never both read and then fight for the lock
(the classic SQLITE_BUSY-on-upgrade deadlock). Read-only sessions begin deferred,
which in WAL mode never waits for writers. Writers of one process also queue in arrival
order on a ticket lock before they ask SQLite for its (unfair) write lock.

The hot stock commands send a few prebuilt statements through the DBAPI cursor of the
session's own connection (:class:`Driver`), inside the same transaction: SQLAlchemy's
per-statement cost is most of a command otherwise (bench/README.md).
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
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


class Sql:
    """A hand-written statement with ``:name`` parameters, rendered once per paramstyle.

    Hand-written statements bypass the tenant-scoping listener, so each one must name
    ``tenant_id = :tenant_id`` itself for every tenant table it reads or writes.
    """

    __slots__ = ("postgresql", "sqlite")

    def __init__(self, text: str) -> None:
        self.sqlite = " ".join(text.split())
        # psycopg's pyformat; none of our texts contains "%" or a "::" cast.
        self.postgresql = re.sub(r":(\w+)", r"%(\1)s", self.sqlite)


#: SQLAlchemy's storage format of a SQLite DATETIME (what UtcDateTime writes there).
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


class Driver:
    """The DBAPI cursor of a session's transaction, for prebuilt hot-path statements.

    Values go in as the column types would bind them (quantities already in thousandths);
    use :meth:`time` and :meth:`json` for timestamps and JSON. Driver errors are raised as
    SQLAlchemy's ``DBAPIError`` family, and a lost connection is invalidated, as
    ``Session.execute`` would do.
    """

    __slots__ = ("_connection", "_cursor", "_dbapi", "is_postgresql")

    def __init__(self, session: Session) -> None:
        connection = session.connection()  # begins the transaction (BEGIN IMMEDIATE)
        self._connection = connection
        self.is_postgresql = connection.dialect.name == "postgresql"
        self._dbapi = connection.connection.dbapi_connection
        self._cursor = self._dbapi.cursor()  # type: ignore[union-attr]

    @classmethod
    def of(cls, session: Session) -> Driver:
        """The driver of ``session``'s current transaction (one per transaction)."""
        connection = session.connection()
        found = session.info.get(_DRIVER)
        if found is None or found._connection is not connection:
            found = session.info[_DRIVER] = cls(session)
        return found

    def time(self, value: datetime) -> Any:
        """An aware timestamp as UtcDateTime binds it."""
        value = value.astimezone(UTC)
        return value if self.is_postgresql else value.replace(tzinfo=None).strftime(_SQLITE_TIME)

    def json(self, value: Any) -> Any:
        """A JSON document as the ``Json`` column type binds it (``json.dumps``)."""
        if self.is_postgresql:
            from psycopg.types.json import Json

            return Json(value, dumps=json.dumps)
        return json.dumps(value)

    def run(self, sql: Sql, params: Mapping[str, Any]) -> int:
        """Execute ``sql``; returns the number of rows it changed.

        Raises:
            sqlalchemy.exc.DBAPIError: the database refused or the connection was lost.
        """
        self._execute(sql, params)
        return int(self._cursor.rowcount)

    def row(self, sql: Sql, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Execute ``sql`` and return its first row (``RETURNING`` or ``SELECT``), or None.

        Raises:
            sqlalchemy.exc.DBAPIError: the database refused or the connection was lost.
        """
        self._execute(sql, params)
        found = self._cursor.fetchone()
        return None if found is None else tuple(found)

    def _execute(self, sql: Sql, params: Mapping[str, Any]) -> None:
        text = sql.postgresql if self.is_postgresql else sql.sqlite
        try:
            self._cursor.execute(text, params)
        except Exception as exc:
            dialect = self._connection.dialect
            if not isinstance(exc, dialect.loaded_dbapi.Error):
                raise
            lost = dialect.is_disconnect(exc, self._dbapi, self._cursor)
            if lost:
                self._connection.invalidate(exc)
            raise DBAPIError.instance(text, dict(params), exc, dialect.loaded_dbapi.Error,
                                      connection_invalidated=lost, dialect=dialect) from exc


_DRIVER = "jxcflow_driver"


class FairLock:
    """A FIFO (ticket) lock: threads get it in the order they asked.

    ``threading.Lock`` and SQLite's busy-wait both let a few threads win most turns, so
    under 32 writers the unlucky ones waited a second (bench/README.md); here each waiter
    sleeps on its own condition and is woken in turn.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._owner: int | None = None

    def acquire(self) -> bool:
        """Wait for our turn; False (and nothing to release) if this thread already has it.

        A nested write in the holding thread is let through as before, rather than
        waiting on itself forever.
        """
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                return False
            if self._owner is None:
                self._owner = me
                return True
            gate = threading.Lock()
            gate.acquire()
            self._waiters.append(gate)
        gate.acquire()  # released by the previous holder, which handed us the lock
        self._owner = me
        return True

    def release(self) -> None:
        """Hand the lock to the longest waiter, or free it."""
        with self._mutex:
            if self._waiters:
                self._owner = -1  # handed over; the woken waiter writes its own id
                self._waiters.popleft().release()
            else:
                self._owner = None


def dialect_insert(session: Session, table: Any) -> Any:
    """``INSERT`` with ``ON CONFLICT`` support for the session's database (SQLite or PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


class Database:
    """An engine plus tenant-scoped session factories."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # SQLite admits one writer at a time anyway; queue this process's writers fairly.
        self._write_turn = FairLock() if is_sqlite(engine) else None
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
        turn = self._write_turn
        if turn is None or not turn.acquire():
            with self._writer() as session:
                session.info["tenant_id"] = tenant_id
                with session.begin():
                    yield session
            return
        try:
            with self._writer() as session:
                session.info["tenant_id"] = tenant_id
                with session.begin():
                    yield session
        finally:
            turn.release()

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
