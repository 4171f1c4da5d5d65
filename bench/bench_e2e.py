"""End to end: a command's reaction rule applied — latency, and events per second per worker count.

Run from the repository root::

    .venv/bin/python -m bench.bench_e2e [--latency 100] [--events 1200] [--keys 300]
                                        [--backends sqlite,postgresql]
                                        [--json var/bench/e2e.json]

The rule is the seed ``unshipped_48h`` (examples/rules) in production; its reaction to
``sales_order.confirmed`` is a durable timer armed by the production executor (effect key
claimed, ``durable_timer`` row written) in the worker's transaction.

* **latency** — ``--latency`` sales orders, one after another: create + confirm through
  ``DocumentServices`` (the command), then wait until the worker has armed that order's
  timer (polled every millisecond on a connection of its own). Reported: p50/p99 of
  confirm-called → reaction-committed, and of the confirm command alone. SQLite: the
  embedded worker thread in this process, as ``jxcflow serve`` runs it (its idle poll is
  ``--poll`` seconds; the product's default is 0.5). PostgreSQL: one ``jxcflow worker``
  process (woken by procrastinate's LISTEN/NOTIFY).
* **throughput** (PostgreSQL) — ``--events`` ``sales_order.confirmed`` events over
  ``--keys`` orders committed in one transaction while 1 or 3 ``jxcflow worker`` processes
  wait; events per second from that commit until every event is done. The raw limit
  beside it: the same number of bare outbox inserts of an event no rule reads, drained by
  the same workers with the no-op handler (only the queue and the outbox bookkeeping).
  The scaling ratio is 3 workers ÷ 1 worker.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import psycopg
from sqlalchemy import text

from dsl import default_registry
from engine import Worker, queue_pg
from engine.dispatch import EventHandler
from engine.rule_handler import RuleHandler
from engine.rulesets import put_in_production, save_version
from inventory import CommandContext, DocumentRef, ReceiveStock, StockService, guarantees
from inventory.catalog import NewItem, create_item, create_warehouse
from inventory.documents import DocumentServices, NewOrderLine, NewSalesOrder, parties
from kernel import accounts
from kernel.clock import SystemClock
from kernel.db import Database, make_engine
from kernel.settings import Settings
from migrations.runner import upgrade

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "var" / "bench" / "e2e.json"
JXCFLOW = str(Path(sys.executable).with_name("jxcflow"))
ADMIN_URL = os.environ.get("JXCFLOW_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
RULE = (ROOT / "examples" / "rules" / "unshipped_48h.rule").read_text(encoding="utf-8")
SETTINGS = Settings(pool_size=20, sqlite_busy_timeout_ms=60_000)


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[tuple[str, Database]]:
    """A fresh migrated database (PostgreSQL: with the job queue), dropped afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{workdir / f'e2e-{uuid.uuid4().hex[:6]}.db'}"
        upgrade(url)
    else:
        name = f"jxcflow_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(queue_pg.conninfo(ADMIN_URL), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        upgrade(url)
        queue_pg.install(url)
    db = Database(make_engine(url, SETTINGS))
    try:
        yield url, db
    finally:
        db.dispose()
        if backend != "sqlite":
            with psycopg.connect(queue_pg.conninfo(ADMIN_URL), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def shop(db: Database) -> tuple[int, CommandContext]:
    """A tenant with a customer, a warehouse, stocked tea and the rule in production."""
    clock = SystemClock()
    now = clock.now()
    with db.write(None) as s:
        tenant_id = accounts.create_tenant(s, f"b{uuid.uuid4().hex[:6]}", "压测商贸", now).id
    with db.write(tenant_id) as s:
        create_warehouse(s, tenant_id, "WH-A", "仓库A", "WH-A", "warehouse", now)
        create_item(s, tenant_id, NewItem(sku="TEA-1", name_zh="茶"), now)
        parties.create_customer(s, tenant_id, "C-1", "华东商贸", now)
        version = save_version(s, tenant_id, "unshipped_48h.rule", RULE, default_registry(),
                               "author", now)
        put_in_production(s, version)
    ctx = CommandContext(tenant_id=tenant_id, actor="bench")
    StockService(db, clock).execute(ctx, ReceiveStock(
        sku="TEA-1", warehouse="WH-A", qty=Decimal(1_000_000),
        document=DocumentRef(type="opening_balance", ref="OB")))
    return tenant_id, ctx


class Workers:
    """``jxcflow worker`` processes started here, stopped by :meth:`stop`."""

    def __init__(self, url: str, count: int, handler: str | None, logs: Path) -> None:
        env = {**os.environ, "JXCFLOW_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        env.pop("JXCFLOW_TEST_HANDLER", None)
        if handler:
            env["JXCFLOW_TEST_HANDLER"] = handler
        self.procs = []
        for n in range(count):
            with (logs / f"worker-{n}.log").open("wb") as log:
                self.procs.append(subprocess.Popen(
                    [JXCFLOW, "worker", "--concurrency", "4", "--heartbeat", "2"],
                    env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
        self.url, self.count = url, count

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        with psycopg.connect(queue_pg.conninfo(self.url), autocommit=True) as conn:
            while time.monotonic() < deadline:
                row = conn.execute("SELECT count(*) FROM procrastinate_workers").fetchone()
                if row and row[0] >= self.count:
                    return
                time.sleep(0.05)
        raise SystemExit("workers did not start; see their logs")

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _counter(url: str, sql: str, args: tuple[Any, ...]) -> Callable[[], int]:
    """A cheap repeated ``SELECT count(*)`` on a connection of its own."""
    if url.startswith("sqlite"):
        import sqlite3

        conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"), check_same_thread=False)
        sql = sql.replace("%s", "?")
    else:
        conn = psycopg.connect(queue_pg.conninfo(url), autocommit=True)

    def count() -> int:
        return int(conn.execute(sql, args).fetchone()[0])

    return count


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency(backend: str, orders: int, poll: float, workdir: Path) -> dict[str, Any]:
    """p50/p99 of confirm → the rule's timer armed by the worker."""
    with database(backend, workdir) as (url, db):
        tenant_id, ctx = shop(db)
        docs = DocumentServices(db, SystemClock())
        worker: Worker | None = None
        workers: Workers | None = None
        if backend == "sqlite":
            worker = Worker(db, SystemClock(), handler=cast(EventHandler, RuleHandler()),
                            poll_seconds=poll)
            worker.start()
        else:
            workers = Workers(url, 1, "engine.rule_handler:RuleHandler", workdir)
            workers.wait_ready()
        armed = _counter(url, "SELECT count(*) FROM durable_timer WHERE tenant_id = %s "
                              "AND status = 'armed'", (tenant_id,))
        total, command = [], []
        try:
            for n in range(orders):
                no = f"SO-{n:05d}"
                docs.sales_orders.create(ctx, NewSalesOrder(
                    customer="C-1", warehouse="WH-A", no=no,
                    lines=[NewOrderLine(sku="TEA-1", qty=Decimal(1))]))
                start = time.perf_counter()
                docs.sales_orders.confirm(ctx, no)
                committed = time.perf_counter()
                deadline = start + 30
                while armed() < n + 1:
                    if time.perf_counter() > deadline:
                        raise SystemExit(f"{backend}: no reaction to {no} within 30 s")
                    time.sleep(0.001)
                total.append((time.perf_counter() - start) * 1000)
                command.append((committed - start) * 1000)
        finally:
            if worker is not None:
                worker.stop()
            if workers is not None:
                workers.stop()
    return {"backend": backend, "orders": orders, "p50_ms": statistics.median(total),
            "p99_ms": pct(total, 0.99), "command_p50_ms": statistics.median(command),
            "command_p99_ms": pct(command, 0.99)}


def throughput(workers: int, events: int, keys: int, rules: bool,
               workdir: Path) -> dict[str, Any]:
    """Events per second drained by ``workers`` processes (rules, or the no-op handler)."""
    with database("postgresql", workdir) as (url, db):
        tenant_id, _ = shop(db)
        pool = Workers(url, workers, "engine.rule_handler:RuleHandler" if rules else None,
                       workdir)
        try:
            pool.wait_ready()
            now = SystemClock().now()
            start = time.perf_counter()
            with db.write(tenant_id) as s:
                for n in range(events):
                    no = f"SO-{n % keys:05d}"
                    if rules:
                        guarantees.append_event(
                            s, tenant_id, guarantees.new_event_id(), "sales_order.confirmed",
                            f"sales_order:{no}", {"no": no, "customer": "C-1",
                                                  "warehouse": "WH-A", "lines": []}, now)
                    else:
                        guarantees.append_event(s, tenant_id, guarantees.new_event_id(),
                                                "bench.noop", f"bench:{no}", {"n": n}, now)
            inserted = time.perf_counter()
            pending = _counter(url, "SELECT count(*) FROM outbox_event WHERE status = 'pending'",
                               ())
            while pending() > 0:
                if time.perf_counter() - start > 600:
                    raise SystemExit("not drained within 600 s")
                time.sleep(0.02)
            done = time.perf_counter()
        finally:
            pool.stop()
        with db.read(None) as s:
            timers: int = s.execute(text("SELECT count(*) FROM durable_timer")).scalar_one()
    return {"workers": workers, "handler": "rules" if rules else "no-op", "events": events,
            "keys": keys, "insert_seconds": inserted - start, "drain_seconds": done - inserted,
            "events_per_second": events / (done - inserted), "timers_armed": timers}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency", type=int, default=100, help="orders for the latency run")
    parser.add_argument("--events", type=int, default=1200)
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--poll", type=float, default=0.5,
                        help="embedded worker's idle poll, seconds (product default 0.5)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    workdir = ROOT / "var" / "bench" / "e2e"
    workdir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    results: dict[str, Any] = {"load_before": load, "latency": [], "throughput": []}
    backends = args.backends.split(",")
    print(f"1-min load before: {load:.1f} on {os.cpu_count()} CPUs")
    print(f"{'backend':<11} {'orders':>6} {'confirm→reaction p50/p99 ms':>28} "
          f"{'command alone p50/p99 ms':>25}")
    for backend in backends:
        row = latency(backend, args.latency, args.poll, workdir)
        results["latency"].append(row)
        print(f"{backend:<11} {row['orders']:>6} {row['p50_ms']:>15.1f} / {row['p99_ms']:<10.1f}"
              f" {row['command_p50_ms']:>12.1f} / {row['command_p99_ms']:<10.1f}")
    if "postgresql" in backends:
        print(f"\nPostgreSQL, {args.events} events over {args.keys} keys, committed at once:")
        print(f"{'handler':<8} {'workers':>7} {'events/s':>9} {'drain s':>8}")
        rates: dict[tuple[str, int], float] = {}
        for rules in (True, False):
            for count in (1, 3):
                row = throughput(count, args.events, args.keys, rules, workdir)
                results["throughput"].append(row)
                rates[row["handler"], count] = row["events_per_second"]
                print(f"{row['handler']:<8} {count:>7} {row['events_per_second']:>9,.0f} "
                      f"{row['drain_seconds']:>8.1f}")
        for handler in ("rules", "no-op"):
            ratio = rates[handler, 3] / rates[handler, 1]
            results[f"scaling_{handler}"] = ratio
            print(f"scaling 3 ÷ 1 workers ({handler}): {ratio:.2f}x")
        results["rules_vs_raw_1"] = rates["rules", 1] / rates["no-op", 1]
        print(f"rules ÷ raw (no-op handler), 1 worker: {results['rules_vs_raw_1']:.2f}x")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
