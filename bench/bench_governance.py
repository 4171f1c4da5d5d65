"""Governance at scale: fast replay of 100,000 recorded events through two versions, and
the lineage query for one ledger row among 1,000,000 on PostgreSQL.

Run from the repository root::

    .venv/bin/python -m bench.bench_governance [--events 100000] [--ledger-rows 1000000]
                                               [--backends sqlite,postgresql] [--lookups 200]
                                               [--json var/bench/governance.json]

**Replay.** A fresh database per backend (migrated), one tenant, and ``--events`` recorded
outbox events bulk-inserted in one go (entity-shaped ``sales_order.confirmed`` events of
a shop: one order line each, deposits spread so that the candidate holds fewer of them,
plus ``stock.reserved`` events neither version reacts to). Version 1 (the deposit rule,
production) and version 2 (deposit > ¥50) are stored and compiled. One
:func:`engine.governance.replay.run_replay` then reads the window in chunks of 2,000,
evaluates every event with both versions, accumulates the divergence and commits
progress after each chunk — the product path the API runs. The raw limit beside it is
reading the same events in the same chunks without evaluating them (the I/O floor); the
ratio says what evaluation and divergence add on top.

**Lineage.** PostgreSQL only: ``--ledger-rows`` ledger rows and one outbox event per ten
of them are generated with ``generate_series`` (never through the ORM): every other
ledger row was caused by a rule (cause event, version, node) and raised an event of its
own. ``--lookups`` random rule-caused rows are traced back with
:meth:`engine.lineage.graph.Lineage.back_from_ledger` (a fresh read transaction each),
and as many random cause events forward with ``forward_from_event``; the raw limit is one
``SELECT`` of a ledger row by primary key through psycopg. Medians and p95 are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import insert, text

from dsl import default_registry
from engine.governance import replay, versions
from engine.governance.replay import _records
from engine.lineage.graph import Lineage
from engine.rulesets import PlanCache
from kernel import accounts
from kernel.clock import VirtualClock
from kernel.db import Database, make_engine
from kernel.models import OutboxEvent
from kernel.settings import Settings
from migrations.runner import upgrade

PG_ADMIN_URL = os.environ.get("JXCFLOW_TEST_PG_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parents[1]
RULES = (ROOT / "examples/rules/deposit_locks_stock.rule").read_text("utf-8")
STRICTER = RULES.replace("order.deposit_amount > 0", "order.deposit_amount > ¥50")
START = datetime(2026, 11, 20, tzinfo=UTC)


@contextmanager
def fresh_database(backend: str) -> Iterator[str]:
    """A new, migrated database of ``backend``; removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="jxcflow_bench_") as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            upgrade(url)
            yield url
        return
    name = f"jxcflow_bench_{uuid.uuid4().hex[:10]}"
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        upgrade(f"{base}/{name}")
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _tenant(db: Database, clock: VirtualClock) -> int:
    with db.write(None) as session:
        return accounts.create_tenant(session, f"b{uuid.uuid4().hex[:8]}", "压测商贸",
                                      clock.now()).id


def _record_events(db: Database, tenant_id: int, count: int) -> None:
    """``count`` recorded events over 72 hours, bulk-inserted (status done)."""
    rng = random.Random(7)
    span = timedelta(hours=72) / count
    rows = []
    for n in range(count):
        at = START + span * n
        if n % 5 == 4:
            rows.append({"tenant_id": tenant_id, "event_id": str(uuid.UUID(int=n)),
                         "type": "stock.reserved", "key": f"stock:SKU-{n % 500}@WH-1",
                         "payload": {"reservation": {"sku": f"SKU-{n % 500}", "qty": "2"}},
                         "occurred_at": at, "status": "done", "attempts": 0})
            continue
        no = f"SO-{n}"
        rows.append({"tenant_id": tenant_id, "event_id": str(uuid.UUID(int=n)),
                     "type": "sales_order.confirmed", "key": f"shop-order:{no}",
                     "payload": {"order": {"id": no, "deposit_amount": str(rng.choice(
                         (30, 80, 120, 200))), "lines": [{"sku": f"SKU-{n % 500}",
                                                           "warehouse": "WH-1",
                                                           "qty": rng.randint(1, 9),
                                                           "order_no": no}]}},
                     "occurred_at": at, "status": "done", "attempts": 0})
    with db.write(tenant_id) as session:
        for chunk in range(0, len(rows), 10_000):
            session.execute(insert(OutboxEvent), rows[chunk:chunk + 10_000])


def bench_replay(backend: str, events: int) -> dict[str, Any]:
    """Replay ``events`` through two versions; compare with reading them only."""
    with fresh_database(backend) as url:
        db = Database(make_engine(url, Settings(pool_size=4)))
        clock = VirtualClock(START + timedelta(hours=72))
        tenant_id = _tenant(db, clock)
        loaded = time.perf_counter()
        _record_events(db, tenant_id, events)
        load_s = time.perf_counter() - loaded
        with db.write(tenant_id) as s:
            production = versions.create_version(s, tenant_id, "deposit", RULES,
                                                 default_registry(), "bench", clock.now())
            production.state = "production"
            candidate = versions.create_version(s, tenant_id, "deposit", STRICTER,
                                                default_registry(), "bench", clock.now())
            job = replay.create_replay(s, candidate, START, clock.now() + timedelta(1),
                                       "bench", clock.now())
            job_id = job.id
        cache = PlanCache()
        started = time.perf_counter()
        report = replay.run_replay(db, tenant_id, job_id, clock, cache, Decimal("0.05"))
        replay_s = time.perf_counter() - started
        started = time.perf_counter()
        read = sum(len(c) for c in _records(db, tenant_id, START, clock.now() + timedelta(1),
                                            2_000))
        read_s = time.perf_counter() - started
        db.dispose()
    assert report["events"] == events == read, (report["events"], read)
    return {"backend": backend, "events": events, "load_seconds": round(load_s, 2),
            "replay_seconds": round(replay_s, 2),
            "replay_events_per_second": round(events / replay_s),
            "read_only_seconds": round(read_s, 2),
            "replay_to_read_ratio": round(replay_s / read_s, 2),
            "divergence": report["ratio"], "is_above_limit": report["is_above_limit"]}


_LOAD = [
    """INSERT INTO item (tenant_id, sku, name_zh, name_en, unit, category, attributes,
       created_at) SELECT :t, 'SKU-' || g, '商品' || g, 'Item ' || g, 'pcs', 'bench', '{}',
       now() FROM generate_series(1, 1000) g""",
    """INSERT INTO outbox_event (tenant_id, event_id, type, key, payload, occurred_at, status,
       attempts) SELECT :t, 'ev-' || g, 'sales_order.confirmed', 'order:' || g,
       '{"order": {"id": "x"}}', now(), 'done', 0 FROM generate_series(1, :n / 10) g""",
    """INSERT INTO ledger_entry (tenant_id, item_id, warehouse_id, bucket, qty, reason, note,
       event_id, cause_event_id, rule_version, rule_node, actor, created_at)
       SELECT :t, (SELECT min(id) FROM item WHERE tenant_id = :t) + g % 1000, :w,
              CASE WHEN g % 2 = 0 THEN 'reserved' ELSE 'on_hand' END, 1000 + g % 7,
              CASE WHEN g % 2 = 0 THEN 'reserve' ELSE 'receipt' END, '',
              CASE WHEN g % 2 = 0 THEN 'le-' || g ELSE 'ev-' || (1 + g % (:n / 10)) END,
              CASE WHEN g % 2 = 0 THEN 'ev-' || (1 + g % (:n / 10)) END,
              CASE WHEN g % 2 = 0 THEN repeat('ab', 32) END,
              CASE WHEN g % 2 = 0 THEN 'deposit_locks_stock/then/0' END,
              'bench', now() FROM generate_series(1, :n) g""",
]


def _quantiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2)}


def bench_lineage(rows: int, lookups: int) -> dict[str, Any]:
    """Lineage queries among ``rows`` ledger rows on PostgreSQL."""
    with fresh_database("postgresql") as url:
        db = Database(make_engine(url, Settings(pool_size=4)))
        clock = VirtualClock(START)
        tenant_id = _tenant(db, clock)
        started = time.perf_counter()
        with db.write(tenant_id) as s:
            warehouse = s.execute(text(
                "INSERT INTO warehouse (tenant_id, code, name_zh, name_en, kind, created_at) "
                "VALUES (:t, 'WH-1', '一号仓', 'WH 1', 'warehouse', now()) RETURNING id"),
                {"t": tenant_id}).scalar_one()
            for statement in _LOAD:
                s.execute(text(statement), {"t": tenant_id, "n": rows, "w": warehouse})
        with db.write(None) as s:
            s.execute(text("ANALYZE ledger_entry; ANALYZE outbox_event; ANALYZE item"))
        load_s = time.perf_counter() - started
        with db.read(None) as s:
            first = s.execute(text("SELECT min(id) FROM ledger_entry")).scalar_one()
        rng = random.Random(11)
        caused = [first + 2 * rng.randrange(rows // 2) + 1 for _ in range(lookups)]
        back, forward, raw = [], [], []
        for entry_id in caused:
            t0 = time.perf_counter()
            with db.read(tenant_id) as s:
                chain = Lineage(s, tenant_id).back_from_ledger(entry_id)
            back.append(time.perf_counter() - t0)
            assert len(chain) == 5, chain  # event → version → rule → action → ledger row
        for _ in range(lookups):
            event_id = f"ev-{1 + rng.randrange(rows // 10)}"
            t0 = time.perf_counter()
            with db.read(tenant_id) as s:
                Lineage(s, tenant_id).forward_from_event(event_id)
            forward.append(time.perf_counter() - t0)
        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
            for entry_id in caused:
                t0 = time.perf_counter()
                conn.execute("SELECT * FROM ledger_entry WHERE id = %s AND tenant_id = %s",
                             (entry_id, tenant_id)).fetchone()
                raw.append(time.perf_counter() - t0)
        db.dispose()
    result = {"ledger_rows": rows, "load_seconds": round(load_s, 1), "lookups": lookups,
              "back_from_ledger": _quantiles(back), "forward_from_event": _quantiles(forward),
              "raw_select_by_id": _quantiles(raw)}
    result["back_to_raw_ratio"] = round(result["back_from_ledger"]["median_ms"]
                                        / max(result["raw_select_by_id"]["median_ms"], 0.001),
                                        1)
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print a table (and JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--ledger-rows", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--json", default="var/bench/governance.json")
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"machine": platform.platform(), "python": sys.version.split()[0],
                           "cpus": os.cpu_count(), "replay": [], "lineage": None}
    for backend in args.backends.split(","):
        result = bench_replay(backend, args.events)
        out["replay"].append(result)
        print(f"replay {backend:10} {result['events']:>7} events  "
              f"{result['replay_seconds']:>6.2f} s  {result['replay_events_per_second']:>7}/s"
              f"  (reading alone {result['read_only_seconds']:.2f} s, ratio "
              f"{result['replay_to_read_ratio']}×)  divergence {result['divergence']}",
              flush=True)
    if "postgresql" in args.backends and args.ledger_rows:
        lineage = bench_lineage(args.ledger_rows, args.lookups)
        out["lineage"] = lineage
        print(f"lineage postgresql {lineage['ledger_rows']:>9} rows  back "
              f"{lineage['back_from_ledger']}  forward {lineage['forward_from_event']}  raw "
              f"{lineage['raw_select_by_id']}  back/raw {lineage['back_to_raw_ratio']}×",
              flush=True)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
