"""Movements per second through the core's command path versus the same transaction in raw SQL.

Run from the repository root (``make bench`` does exactly this)::

    .venv/bin/python -m bench.bench_core [--seconds 5] [--backends sqlite,postgresql]
                                         [--clients 1,32] [--rounds 5] [--warmup 0.5]
                                         [--paths jxcflow,raw] [--json var/bench/core.json]

For each backend the benchmark makes a fresh database (a SQLite file in a temporary
directory, or a new PostgreSQL database that is dropped at the end), migrates it with
:func:`migrations.runner.upgrade`, and creates two tenants with 10 hot SKUs, one warehouse
and 10^9 units of stock per SKU each: one tenant for the jxcflow path, one for raw SQL, so
the two paths never touch the same rows. Then, for each client count N, it measures:

* **jxcflow** – N threads sharing one :class:`StockService` over a :class:`Database`
  whose pool holds N connections; each thread loops ``ShipStock(qty=1)`` of a random hot
  SKU through ``StockService.execute`` (one write transaction per command).
* **raw SQL** – N threads, each with its own connection (stdlib ``sqlite3`` with
  ``BEGIN IMMEDIATE``, WAL and a busy timeout; or ``psycopg`` 3), doing the same shipment
  by hand in the fewest statements: conditional UPDATE of ``stock_balance``, UPDATE of
  ``lot_balance``, INSERT ``ledger_entry``, INSERT ``outbox_event``, COMMIT.

Each path's ``--seconds`` are split into ``--rounds`` windows and the two paths take turns
(A B B A A ...), each window after its own warm-up with fresh threads and connections,
so background load and table growth hit both alike. Only commands that complete inside a
window are counted; the ratio is jxcflow ÷ raw SQL. Afterwards both tenants are checked:
every SKU's ledger sums equal its stock and lot balances, and the number of shipment rows
and events equals the number of commands the benchmark saw commit. Results also go to
``var/bench/core.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy
from psycopg.types.json import Json
from sqlalchemy import text

from engine.facts import install_interest
from inventory import CommandContext, ReceiveStock, ShipStock, StockService
from inventory.catalog import NewItem, create_item, create_warehouse
from kernel import accounts
from kernel.clock import SystemClock
from kernel.db import Database, make_engine
from kernel.settings import Settings
from migrations.runner import upgrade

# As in every product process (the app's guards and the workers install it): each stock
# change asks the engine whether the tenant's rules hear ``stock.level_changed`` (the bench
# tenant has no rules, so no level event is written; the check is what is measured).
install_interest()

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "var" / "bench" / "core.json"
PG_ADMIN_URL = os.environ.get("JXCFLOW_TEST_PG_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")

HOT_SKUS = 10
WAREHOUSE = "WH-1"
#: Preloaded per SKU so no shipment is ever refused (10^9 units = 10^12 thousandths).
PRELOAD_UNITS = 10**9
QTY_MILLI = 1000  # qty 1 as stored: BIGINT thousandths (kernel.types.QTY_SCALE)
BUSY_TIMEOUT_MS = 60_000
TARGET_RATIO = 0.5


# --- databases -------------------------------------------------------------------------------


def _pg_url(name: str) -> str:
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"


@contextmanager
def fresh_database(backend: str) -> Iterator[str]:
    """A new, empty database of ``backend``; removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="jxcflow_bench_") as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    name = f"jxcflow_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def settings_for(clients: int) -> Settings:
    """Product settings with a pool large enough for ``clients`` threads."""
    return Settings(pool_size=max(clients, 5), sqlite_busy_timeout_ms=BUSY_TIMEOUT_MS)


@dataclass
class Fixture:
    """One tenant's hot SKUs, as names (jxcflow) and as ids (raw SQL)."""

    tenant_id: int
    warehouse_id: int
    skus: list[str]
    #: sku -> (item_id, lot_id) of the item's untracked lot in the warehouse
    ids: dict[str, tuple[int, int]]


def make_tenant(db: Database, code: str) -> Fixture:
    """A tenant with one warehouse and HOT_SKUS items holding PRELOAD_UNITS each."""
    clock = SystemClock()
    with db.write(None) as session:
        tenant_id = accounts.create_tenant(session, code, f"压测 {code}", clock.now()).id
    with db.write(tenant_id) as session:
        create_warehouse(session, tenant_id, WAREHOUSE, "压测仓", "Bench warehouse",
                         "warehouse", clock.now())
        skus = [f"HOT-{n:02d}" for n in range(HOT_SKUS)]
        for sku in skus:
            create_item(session, tenant_id, NewItem(sku=sku, name_zh=f"热销{sku}"), clock.now())
    stock = StockService(db, clock)
    ctx = CommandContext(tenant_id=tenant_id, actor="bench:setup")
    for sku in skus:
        stock.execute(ctx, ReceiveStock(sku=sku, warehouse=WAREHOUSE,
                                        qty=Decimal(PRELOAD_UNITS)))
    with db.engine.connect() as conn:
        warehouse_id = int(conn.execute(
            text("SELECT id FROM warehouse WHERE tenant_id = :t AND code = :c"),
            {"t": tenant_id, "c": WAREHOUSE}).scalar_one())
        rows: list[Any] = list(conn.execute(text(
            "SELECT i.sku, i.id, l.id FROM item i JOIN lot l ON l.item_id = i.id "
            "WHERE i.tenant_id = :t AND l.lot_no = ''"), {"t": tenant_id}).all())
    return Fixture(tenant_id, warehouse_id, skus,
                   {str(sku): (int(i), int(lot)) for sku, i, lot in rows})


# --- the measured loop -------------------------------------------------------------------------


@dataclass
class Measurement:
    """What one path did with N clients, summed over its rounds."""

    path: str
    backend: str
    clients: int
    seconds: float = 0.0
    committed_in_window: int = 0
    committed_total: int = 0
    per_second: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    round_per_second: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list, repr=False)

    def add(self, rnd: Round) -> None:
        """Fold one round in."""
        self.seconds += rnd.seconds
        self.committed_in_window += len(rnd.latencies)
        self.committed_total += rnd.committed_total
        self.round_per_second.append(len(rnd.latencies) / rnd.seconds)
        self.errors += rnd.errors
        self.latencies += rnd.latencies
        ordered = sorted(self.latencies)
        self.per_second = self.committed_in_window / self.seconds if self.seconds else 0.0
        if ordered:
            self.p50_ms = statistics.median(ordered) * 1000
            self.p99_ms = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


@dataclass
class Round:
    """One timed window of one path."""

    seconds: float
    latencies: list[float]
    committed_total: int
    errors: list[str]


Op = Callable[[random.Random], None]
OpFactory = Callable[[], tuple[Op, Callable[[], None]]]


def measure(clients: int, seconds: float, warmup: float, make_op: OpFactory,
            seed: int = 0) -> Round:
    """Run ``clients`` threads, each looping its own op; keep the commits inside the window.

    ``make_op`` is called once per thread (in that thread) and returns the op plus a
    closer. An op returns only after its transaction committed; anything else raises.
    Every thread starts at the same instant; the first ``warmup`` seconds are not counted,
    and no op starts after the window ends (those in flight finish, uncounted).
    """
    errors: list[str] = []
    ready = threading.Barrier(clients + 1)
    start_box: list[float] = []
    started = threading.Event()
    per_thread: list[list[tuple[float, float]]] = [[] for _ in range(clients)]
    totals = [0] * clients
    lock = threading.Lock()

    def client(n: int) -> None:
        rng = random.Random(seed * 100_003 + n * 7919 + clients)
        try:
            op, close = make_op()
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(f"setup: {exc!r}")
            ready.wait()
            return
        samples = per_thread[n]
        try:
            ready.wait()
            started.wait()
            stop = start_box[0] + warmup + seconds
            clock = time.perf_counter
            while True:
                begin = clock()
                if begin >= stop:
                    break
                op(rng)
                end = clock()
                samples.append((end, end - begin))
                totals[n] += 1
        except BaseException as exc:  # noqa: BLE001 - a thread must not die silently
            with lock:
                errors.append(repr(exc))
        finally:
            close()

    threads = [threading.Thread(target=client, args=(n,), name=f"bench-{n}")
               for n in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    start_box.append(time.perf_counter())
    started.set()
    for t in threads:
        t.join()
    window_start = start_box[0] + warmup
    window_end = window_start + seconds
    latencies = [lat for samples in per_thread for end, lat in samples
                 if window_start <= end <= window_end]
    return Round(seconds, latencies, sum(totals), errors)


# --- path (a): jxcflow -------------------------------------------------------------------------


def jxcflow_op_factory(stock: StockService, fx: Fixture) -> OpFactory:
    """Each thread ships qty 1 of a random hot SKU through ``StockService.execute``."""
    ctx = CommandContext(tenant_id=fx.tenant_id, actor="bench:client")
    skus = fx.skus

    def make() -> tuple[Op, Callable[[], None]]:
        def op(rng: random.Random) -> None:
            stock.execute(ctx, ShipStock(sku=rng.choice(skus), warehouse=WAREHOUSE,
                                         qty=Decimal(1)))
        return op, lambda: None
    return make


# --- path (b): raw SQL -------------------------------------------------------------------------

_TAKE_STOCK = ("UPDATE stock_balance SET on_hand = on_hand - {p} "
               "WHERE tenant_id = {p} AND item_id = {p} AND warehouse_id = {p} "
               "AND on_hand - reserved >= {p} RETURNING on_hand, reserved")
_TAKE_LOT = ("UPDATE lot_balance SET on_hand = on_hand - {p} "
             "WHERE tenant_id = {p} AND item_id = {p} AND warehouse_id = {p} AND lot_id = {p} "
             "AND on_hand >= {p}")
_LEDGER = ("INSERT INTO ledger_entry (tenant_id, item_id, warehouse_id, lot_id, bucket, qty, "
           "reason, note, event_id, actor, created_at) "
           "VALUES ({p}, {p}, {p}, {p}, 'on_hand', {p}, 'shipment', '', {p}, {p}, {p}) "
           "RETURNING id")
_OUTBOX = ("INSERT INTO outbox_event (tenant_id, event_id, type, key, payload, occurred_at, "
           "status, attempts) VALUES ({p}, {p}, 'stock.shipped', {p}, {p}, {p}, 'pending', 0)")


def _qty_text(milli: int) -> str:
    sign = "-" if milli < 0 else ""
    milli = abs(milli)
    return f"{sign}{milli // 1000}.{milli % 1000:03d}"


def _payload(sku: str, entry_id: int, on_hand: int, reserved: int) -> dict[str, Any]:
    """The same event shape the core appends (entries + balances after the change)."""
    return {
        "type": "stock.shipped", "actor": "bench:raw", "document": None,
        "entries": [{"id": entry_id, "sku": sku, "warehouse": WAREHOUSE, "lot_no": "",
                     "bucket": "on_hand", "qty": _qty_text(-QTY_MILLI), "reason": "shipment"}],
        "balances": [{"sku": sku, "warehouse": WAREHOUSE, "on_hand": _qty_text(on_hand),
                      "reserved": _qty_text(reserved),
                      "available": _qty_text(on_hand - reserved)}],
    }


class Refused(RuntimeError):
    """A conditional UPDATE matched no row (must never happen with the preload)."""


def sqlite_raw_op_factory(db_path: str, fx: Fixture) -> OpFactory:
    """Each thread: its own sqlite3 connection, BEGIN IMMEDIATE, 4 statements, COMMIT."""
    take_stock, take_lot = _TAKE_STOCK.format(p="?"), _TAKE_LOT.format(p="?")
    ledger, outbox = _LEDGER.format(p="?"), _OUTBOX.format(p="?")
    t, w, skus, ids = fx.tenant_id, fx.warehouse_id, fx.skus, fx.ids

    def make() -> tuple[Op, Callable[[], None]]:
        conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
        # The same pragmas kernel.db gives the product's connections.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur = conn.cursor()

        def op(rng: random.Random) -> None:
            sku = rng.choice(skus)
            item_id, lot_id = ids[sku]
            event_id = str(uuid.uuid4())
            now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's format
            cur.execute("BEGIN IMMEDIATE")
            try:
                row = cur.execute(take_stock, (QTY_MILLI, t, item_id, w, QTY_MILLI)).fetchone()
                if row is None:
                    raise Refused(sku)
                cur.execute(take_lot, (QTY_MILLI, t, item_id, w, lot_id, QTY_MILLI))
                if cur.rowcount != 1:
                    raise Refused(f"{sku} lot")
                entry_id = cur.execute(ledger, (t, item_id, w, lot_id, -QTY_MILLI, event_id,
                                                "bench:raw", now)).fetchone()[0]
                cur.execute(outbox, (t, event_id, f"stock:{sku}@{WAREHOUSE}",
                                     json.dumps(_payload(sku, entry_id, row[0], row[1])), now))
                cur.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    cur.execute("ROLLBACK")
                raise
        return op, conn.close
    return make


def pg_raw_op_factory(url: str, fx: Fixture) -> OpFactory:
    """Each thread: its own psycopg connection, 4 statements, COMMIT."""
    take_stock, take_lot = _TAKE_STOCK.format(p="%s"), _TAKE_LOT.format(p="%s")
    ledger, outbox = _LEDGER.format(p="%s"), _OUTBOX.format(p="%s")
    t, w, skus, ids = fx.tenant_id, fx.warehouse_id, fx.skus, fx.ids

    def make() -> tuple[Op, Callable[[], None]]:
        conn = psycopg.connect(url)  # not autocommit: psycopg opens the transaction
        cur = conn.cursor()

        def op(rng: random.Random) -> None:
            sku = rng.choice(skus)
            item_id, lot_id = ids[sku]
            event_id = str(uuid.uuid4())
            now = datetime.now(UTC)
            try:
                cur.execute(take_stock, (QTY_MILLI, t, item_id, w, QTY_MILLI))
                row = cur.fetchone()
                if row is None:
                    raise Refused(sku)
                cur.execute(take_lot, (QTY_MILLI, t, item_id, w, lot_id, QTY_MILLI))
                if cur.rowcount != 1:
                    raise Refused(f"{sku} lot")
                cur.execute(ledger, (t, item_id, w, lot_id, -QTY_MILLI, event_id, "bench:raw",
                                     now))
                entry_id = cur.fetchone()[0]  # type: ignore[index]
                cur.execute(outbox, (t, event_id, f"stock:{sku}@{WAREHOUSE}",
                                     Json(_payload(sku, entry_id, row[0], row[1])), now))
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        return op, conn.close
    return make


# --- verification ------------------------------------------------------------------------------


@dataclass
class Check:
    """The consistency check of one tenant after all runs."""

    backend: str
    path: str
    ok: bool
    shipments_expected: int
    shipments_in_ledger: int
    events_in_outbox: int
    problems: list[str]


def verify(engine: sqlalchemy.Engine, backend: str, path: str, fx: Fixture,
           shipped: int) -> Check:
    """Ledger sums equal stock and lot balances per SKU; counts match what committed."""
    problems: list[str] = []
    with engine.connect() as conn:
        p = {"t": fx.tenant_id}
        balances: list[Any] = list(conn.execute(text(
            "SELECT i.sku, b.on_hand, b.reserved, "
            "  (SELECT COALESCE(SUM(e.qty), 0) FROM ledger_entry e WHERE e.tenant_id = b.tenant_id"
            "     AND e.item_id = b.item_id AND e.warehouse_id = b.warehouse_id"
            "     AND e.bucket = 'on_hand'), "
            "  (SELECT COALESCE(SUM(e.qty), 0) FROM ledger_entry e WHERE e.tenant_id = b.tenant_id"
            "     AND e.item_id = b.item_id AND e.warehouse_id = b.warehouse_id"
            "     AND e.bucket = 'reserved'), "
            "  (SELECT COALESCE(SUM(l.on_hand), 0) FROM lot_balance l WHERE l.tenant_id = "
            "     b.tenant_id AND l.item_id = b.item_id AND l.warehouse_id = b.warehouse_id) "
            "FROM stock_balance b JOIN item i ON i.id = b.item_id WHERE b.tenant_id = :t "
            "ORDER BY i.sku"), p).all())
        lots: list[Any] = list(conn.execute(text(
            "SELECT i.sku, l.lot_id, l.on_hand, "
            "  (SELECT COALESCE(SUM(e.qty), 0) FROM ledger_entry e WHERE e.tenant_id = l.tenant_id"
            "     AND e.item_id = l.item_id AND e.warehouse_id = l.warehouse_id"
            "     AND e.lot_id = l.lot_id AND e.bucket = 'on_hand') "
            "FROM lot_balance l JOIN item i ON i.id = l.item_id WHERE l.tenant_id = :t"), p).all())
        in_ledger = int(conn.execute(text(
            "SELECT COUNT(*) FROM ledger_entry WHERE tenant_id = :t AND reason = 'shipment'"),
            p).scalar_one())
        events = int(conn.execute(text(
            "SELECT COUNT(*) FROM outbox_event WHERE tenant_id = :t AND type = 'stock.shipped'"),
            p).scalar_one())
    if len(balances) != HOT_SKUS:
        problems.append(f"{len(balances)} balance rows, expected {HOT_SKUS}")
    for sku, *numbers in balances:
        on_hand, reserved, ledger_on_hand, ledger_reserved, lot_sum = map(int, numbers)
        if on_hand != ledger_on_hand:
            problems.append(f"{sku}: on_hand {on_hand} != ledger sum {ledger_on_hand}")
        if reserved != ledger_reserved:
            problems.append(f"{sku}: reserved {reserved} != ledger sum {ledger_reserved}")
        if on_hand != lot_sum:
            problems.append(f"{sku}: on_hand {on_hand} != lot balances {lot_sum}")
        if on_hand < 0 or reserved < 0:
            problems.append(f"{sku}: negative balance {on_hand}/{reserved}")
    for sku, lot_id, on_hand, ledger_sum in lots:
        if int(on_hand) != int(ledger_sum):
            problems.append(f"{sku} lot {lot_id}: on_hand {on_hand} != ledger sum {ledger_sum}")
    if in_ledger != shipped:
        problems.append(f"{in_ledger} shipment rows in the ledger, {shipped} commits counted")
    if events != shipped:
        problems.append(f"{events} stock.shipped events, {shipped} commits counted")
    total = sum(int(r[1]) for r in balances)
    expected_total = HOT_SKUS * PRELOAD_UNITS * 1000 - shipped * QTY_MILLI
    if total != expected_total:
        problems.append(f"total on hand {total}, expected {expected_total}")
    return Check(backend, path, not problems, shipped, in_ledger, events, problems)


# --- driver ------------------------------------------------------------------------------------


def server_version(engine: sqlalchemy.Engine) -> str:
    """The database's name and version, and the schema revision it was migrated to."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            version = f"SQLite {conn.execute(text('SELECT sqlite_version()')).scalar_one()}"
        else:
            version = f"PostgreSQL {conn.execute(text('SHOW server_version')).scalar_one()}"
        heads: list[str] = list(
            conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all())
    return f"{version}, schema {','.join(heads)}"


def run_path_round(backend: str, url: str, path: str, clients: int, fx: Fixture,
                   seconds: float, warmup: float, seed: int) -> Round:
    """One round of one path: fresh threads and connections, warm-up, timed window."""
    if path == "jxcflow":
        db = Database(make_engine(url, settings_for(clients)))
        try:
            return measure(clients, seconds, warmup,
                           jxcflow_op_factory(StockService(db, SystemClock()), fx), seed)
        finally:
            db.dispose()
    if backend == "sqlite":
        return measure(clients, seconds, warmup,
                       sqlite_raw_op_factory(url.removeprefix("sqlite:///"), fx), seed)
    return measure(clients, seconds, warmup, pg_raw_op_factory(url, fx), seed)


def run_backend(backend: str, clients_list: list[int], paths: list[str], seconds: float,
                warmup: float, rounds: int) -> tuple[list[Measurement], list[Check], str]:
    """All measurements of one backend on a fresh database, then the checks.

    Each path's ``seconds`` are split into ``rounds`` windows, and the paths take turns
    (A B B A A B ...), so background load and database growth hit both paths alike.
    """
    measurements: list[Measurement] = []
    checks: list[Check] = []
    with fresh_database(backend) as url:
        print(f"[{backend}] migrating a fresh database", file=sys.stderr, flush=True)
        upgrade(url)
        setup_db = Database(make_engine(url, settings_for(1)))
        try:
            version = server_version(setup_db.engine)
            run_tag = uuid.uuid4().hex[:6]
            fixtures = {"jxcflow": make_tenant(setup_db, f"bench-core-{run_tag}"),
                        "raw": make_tenant(setup_db, f"bench-raw-{run_tag}")}
            shipped = {"jxcflow": 0, "raw": 0}
            for clients in clients_list:
                print(f"[{backend}] {clients} client(s): {'/'.join(paths)}, {rounds} round(s) "
                      f"of {warmup:g}s warm-up + {seconds / rounds:g}s each",
                      file=sys.stderr, flush=True)
                results = {path: Measurement(path, backend, clients) for path in paths}
                for r in range(rounds):
                    order = paths if r % 2 == 0 else paths[::-1]
                    for path in order:
                        rnd = run_path_round(backend, url, path, clients, fixtures[path],
                                             seconds / rounds, warmup, seed=r)
                        results[path].add(rnd)
                        shipped[path] += rnd.committed_total
                        if rnd.errors:
                            print(f"[{backend}] {path} errors: {rnd.errors[:3]}",
                                  file=sys.stderr)
                measurements += results.values()
            for path in paths:
                checks.append(verify(setup_db.engine, backend, path, fixtures[path],
                                     shipped[path]))
        finally:
            setup_db.dispose()
    return measurements, checks, version


def print_table(measurements: list[Measurement]) -> list[dict[str, Any]]:
    """The comparison table; returns its rows."""
    by_key = {(m.backend, m.clients, m.path): m for m in measurements}
    seen: list[tuple[str, int]] = []
    for m in measurements:
        if (m.backend, m.clients) not in seen:
            seen.append((m.backend, m.clients))
    header = (f"{'backend':<11} {'clients':>7} {'jxcflow mov/s':>14} {'raw SQL mov/s':>14} "
              f"{'ratio':>7} {'rounds: median (min-max)':>24}   {'jxcflow p50/p99 ms':>19}   "
              f"{'raw SQL p50/p99 ms':>19}")
    print(header)
    print("-" * len(header))
    rows: list[dict[str, Any]] = []
    for backend, clients in seen:
        core = by_key.get((backend, clients, "jxcflow"))
        raw = by_key.get((backend, clients, "raw"))
        ratio = core.per_second / raw.per_second if core and raw and raw.per_second else None
        per_round = ([a / b for a, b in zip(core.round_per_second, raw.round_per_second,
                                            strict=True) if b]
                     if core and raw else [])

        def cell(m: Measurement | None) -> tuple[str, str]:
            if m is None:
                return "-", "-"
            return f"{m.per_second:,.0f}", f"{m.p50_ms:.2f} / {m.p99_ms:.2f}"

        (core_rate, core_lat), (raw_rate, raw_lat) = cell(core), cell(raw)
        ratio_s = f"{ratio:.2f}x" if ratio is not None else "-"
        spread = (f"{statistics.median(per_round):.2f} ({min(per_round):.2f}-"
                  f"{max(per_round):.2f})" if per_round else "-")
        print(f"{backend:<11} {clients:>7} {core_rate:>14} {raw_rate:>14} {ratio_s:>7} "
              f"{spread:>24}   {core_lat:>19}   {raw_lat:>19}")
        rows.append({"backend": backend, "clients": clients,
                     "jxcflow_per_second": round(core.per_second, 1) if core else None,
                     "raw_per_second": round(raw.per_second, 1) if raw else None,
                     "ratio": round(ratio, 4) if ratio is not None else None,
                     "ratio_per_round": [round(r, 4) for r in per_round],
                     "ratio_median_of_rounds": (round(statistics.median(per_round), 4)
                                                if per_round else None),
                     "meets_target": None if ratio is None else ratio >= TARGET_RATIO,
                     "jxcflow_p50_ms": round(core.p50_ms, 3) if core else None,
                     "jxcflow_p99_ms": round(core.p99_ms, 3) if core else None,
                     "raw_p50_ms": round(raw.p50_ms, 3) if raw else None,
                     "raw_p99_ms": round(raw.p99_ms, 3) if raw else None})
    return rows


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _load() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:  # not on every platform
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_core",
        description="Stock movements/s: jxcflow's command path vs the same transaction in raw SQL.")
    parser.add_argument("--seconds", type=float, default=5.0,
                        help="measured seconds per (backend, clients, path); default 5")
    parser.add_argument("--rounds", type=int, default=5,
                        help="split each measurement into this many windows, the paths taking "
                             "turns; default 5")
    parser.add_argument("--warmup", type=float, default=0.5,
                        help="unmeasured seconds before each window; default 0.5")
    parser.add_argument("--backends", default="sqlite,postgresql",
                        help="comma-separated: sqlite,postgresql")
    parser.add_argument("--clients", default="1,32", help="comma-separated client counts")
    parser.add_argument("--paths", default="jxcflow,raw",
                        help="comma-separated: jxcflow,raw (one alone is for profiling)")
    parser.add_argument("--json", default=str(DEFAULT_JSON), help="where to write the results")
    args = parser.parse_args(argv)

    backends = _csv(args.backends)
    paths = _csv(args.paths)
    clients_list = [int(c) for c in _csv(args.clients)]
    if not set(backends) <= {"sqlite", "postgresql"}:
        parser.error("--backends takes sqlite and/or postgresql")
    if not paths or not set(paths) <= {"jxcflow", "raw"}:
        parser.error("--paths takes jxcflow and/or raw")
    if not clients_list or min(clients_list) < 1:
        parser.error("--clients takes positive integers")
    if args.rounds < 1 or args.seconds <= 0 or args.warmup < 0:
        parser.error("--rounds >= 1, --seconds > 0, --warmup >= 0")

    load_before = _load()
    measurements: list[Measurement] = []
    checks: list[Check] = []
    versions: dict[str, str] = {}
    for backend in backends:
        ms, cs, version = run_backend(backend, clients_list, paths, args.seconds, args.warmup,
                                      args.rounds)
        measurements += ms
        checks += cs
        versions[backend] = version
    load_after = _load()

    cpus = os.cpu_count() or 1
    print()
    print(f"stock movements per second (ShipStock qty 1, {HOT_SKUS} hot SKUs; per path "
          f"{args.seconds:g}s measured in {args.rounds} alternating round(s), each after "
          f"{args.warmup:g}s warm-up; ratio = jxcflow / raw SQL, target >= {TARGET_RATIO:.2f}x)")
    rows = print_table(measurements)
    print()
    # Only the load before the run says something about other work: during it, the
    # benchmark's own threads (and PostgreSQL backends) count too.
    if load_before is not None and load_before > 0.5 * cpus:
        print(f"WARNING: the machine was busy before the run (1-min load {load_before:.1f} on "
              f"{cpus} CPUs); absolute figures are noisy, the per-round ratios less so.")
    errors = [(m.backend, m.path, m.clients, e) for m in measurements for e in m.errors]
    for backend, path, clients, error in errors:
        print(f"ERROR {backend} {path} {clients} clients: {error}")
    for c in checks:
        status = "OK" if c.ok else "FAIL"
        print(f"ledger check {c.backend:<10} {c.path:<7} {status}: {c.shipments_in_ledger} "
              f"shipments in the ledger, {c.events_in_outbox} events, "
              f"{c.shipments_expected} commits counted; ledger sums == stock and lot balances"
              + ("" if c.ok else " -- " + "; ".join(c.problems[:10])))

    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "benchmark": "bench.bench_core",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "argv": sys.argv[1:] if argv is None else argv,
        "seconds": args.seconds, "rounds": args.rounds, "warmup": args.warmup,
        "hot_skus": HOT_SKUS, "target_ratio": TARGET_RATIO,
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": cpus, "load_before": load_before, "load_after": load_after,
                    "sqlalchemy": sqlalchemy.__version__, "psycopg": psycopg.__version__,
                    "databases": versions},
        "table": rows,
        "measurements": [{k: v for k, v in asdict(m).items() if k != "latencies"}
                         for m in measurements],
        "checks": [asdict(c) for c in checks],
    }, indent=2, ensure_ascii=False) + "\n")
    print(f"results written to {out}")
    failed = [c for c in checks if not c.ok]
    if failed or errors:
        print("BENCHMARK FAILED: " + ("ledger does not match balances" if failed
                                      else "commands raised errors"), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
