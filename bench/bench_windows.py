"""Count windows at scale: per-event time of a count-window rule with 1k, 10k and 100k live
window keys, through the real rule handler and production executor.

Run from the repository root::

    .venv/bin/python -m bench.bench_windows [--sizes 1000,10000,100000] [--events 300]
                                            [--backends sqlite,postgresql]
                                            [--json var/bench/windows.json]

A fresh migrated database per backend, one tenant, and the Standard pack's
``duplicate_scan.rule`` (``count(scanner.scanned) >= 3 with same item.sku within 100ms``)
in production. For each size the ``window_state`` table is filled up to that many live keys
of that rule (bulk-inserted rows, one recent scan each), then ``--events`` scans of random
live SKUs, one second apart in event time, are each handled in their own write transaction
by :meth:`engine.rule_handler.RuleHandler.handle` — route, window keys, the locked read
of the event's own row, pure evaluation, the executor, the upsert and the commit, as the
worker does it. Median and p95 per event are reported, and the ratio of the largest size's
median to the smallest's (aim: within 2×).

Beside it, the cost of what every event did before: reading every window row of the rule
(``SELECT … WHERE rule_id IN (…)`` through the ORM), timed three times per size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from bench.bench_governance import fresh_database
from dsl import default_registry
from engine.dispatch import OutboxRecord
from engine.models import WindowState
from engine.rule_handler import RuleHandler
from engine.rulesets import PlanCache, put_in_production, save_version
from kernel import accounts
from kernel.db import Database, make_engine
from kernel.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
RULE = (ROOT / "templates_marketplace/packs/standard/rules/duplicate_scan.rule").read_text(
    "utf-8")
RULE_SET, RULE_ID = "standard.duplicate_scan", "triple_scan_flagged"
START = datetime(2026, 11, 23, 8, tzinfo=UTC)
AIM_RATIO = 2.0


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _fill(db: Database, tenant_id: int, start: int, stop: int, at: datetime) -> None:
    """Live window rows for SKUs ``start``..``stop - 1``: one scan each, at ``at``."""
    with db.write(tenant_id) as session:
        for chunk in range(start, stop, 10_000):
            session.execute(insert(WindowState), [
                {"tenant_id": tenant_id, "rule_set": RULE_SET, "rule_id": RULE_ID,
                 "key": f"SKU-{n}", "state": [_ms(at)], "updated_at": at,
                 "expires_at": at + timedelta(milliseconds=100)}
                for n in range(chunk, min(chunk + 10_000, stop))])
    if db.engine.dialect.name == "postgresql":
        with db.write(None) as session:
            session.execute(text("ANALYZE window_state"))


def _scan(tenant_id: int, sku: str, at: datetime) -> OutboxRecord:
    return OutboxRecord(id=0, event_id=str(uuid.uuid4()), tenant_id=tenant_id,
                        type="scanner.scanned", key=f"scanner:SC-{sku}",
                        payload={"item": {"sku": sku}, "scanner": {"id": "SC-1"}},
                        occurred_at=at, attempts=0)


def _read_every_key(db: Database, tenant_id: int) -> float:
    """The old per-event read: every window row of the rule, as ORM objects."""
    started = time.perf_counter()
    with db.read(tenant_id) as session:
        rows = list(session.scalars(select(WindowState).where(
            WindowState.rule_id.in_([RULE_ID]))))
        assert rows
    return time.perf_counter() - started


def bench_backend(backend: str, sizes: list[int], events: int) -> list[dict[str, Any]]:
    """Per-event times at each size on one backend."""
    results = []
    with fresh_database(backend) as url:
        db = Database(make_engine(url, Settings(pool_size=4)))
        with db.write(None) as session:
            tenant_id = accounts.create_tenant(session, f"b{uuid.uuid4().hex[:8]}", "压测商贸",
                                               START).id
        with db.write(tenant_id) as session:
            version = save_version(session, tenant_id, RULE_SET, RULE, default_registry(),
                                   "bench", START)
            put_in_production(session, version)
        handler, rng = RuleHandler(PlanCache()), random.Random(7)
        at, filled = START, 0
        for size in sizes:
            _fill(db, tenant_id, filled, size, at)
            filled = size
            samples = []
            for n in range(events + 20):  # the first 20 warm up
                at += timedelta(seconds=1)
                record = _scan(tenant_id, f"SKU-{rng.randrange(size)}", at)
                started = time.perf_counter()
                with db.write(tenant_id) as session:
                    handler.handle(session, record, at)
                if n >= 20:
                    samples.append(time.perf_counter() - started)
            with db.read(tenant_id) as session:
                live = session.scalar(select(func.count()).select_from(WindowState))
            assert live == size, (live, size)
            old = min(_read_every_key(db, tenant_id) for _ in range(3))
            ordered = sorted(samples)
            results.append({"backend": backend, "live_keys": size, "events": events,
                            "median_ms": round(statistics.median(ordered) * 1000, 3),
                            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3),
                            "read_every_key_ms": round(old * 1000, 1)})
            row = results[-1]
            print(f"{backend:10} {size:>7} keys  per event median {row['median_ms']:>7.2f} ms"
                  f"  p95 {row['p95_ms']:>7.2f} ms   (reading every key, as before: "
                  f"{row['read_every_key_ms']:>8.1f} ms)", flush=True)
        db.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table (and JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--json", default="var/bench/windows.json")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    out: dict[str, Any] = {"machine": platform.platform(), "python": sys.version.split()[0],
                           "cpus": os.cpu_count(), "load_before": os.getloadavg(),
                           "results": [], "ratios": {}}
    print(f"{'backend':10} {'live':>7}       per-event time through RuleHandler.handle "
          f"({args.events} events)", flush=True)
    met = True
    for backend in args.backends.split(","):
        rows = bench_backend(backend, sizes, args.events)
        out["results"] += rows
        ratio = rows[-1]["median_ms"] / rows[0]["median_ms"]
        out["ratios"][backend] = round(ratio, 2)
        met = met and ratio <= AIM_RATIO
        print(f"{backend:10} ratio {sizes[-1]:,} ÷ {sizes[0]:,} keys (median): {ratio:.2f}× "
              f"(aim ≤ {AIM_RATIO}×: {'met' if ratio <= AIM_RATIO else 'NOT met'})",
              flush=True)
    out["load_after"] = os.getloadavg()
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
