"""Count windows at scale: per-event time of a count-window rule with 1k, 10k and 100k live
window keys, through the real rule handler and production executor.

Run from the repository root::

    .venv/bin/python -m bench.bench_windows [--sizes 1000,10000,100000] [--events 300]
                                            [--rounds 5] [--backends sqlite,postgresql]
                                            [--json var/bench/windows.json]

Per backend and size a fresh migrated database, one tenant, and the Standard pack's
``duplicate_scan.rule`` (``count(scanner.scanned) >= 3 with same item.sku within 100ms``)
in production; its ``window_state`` table is filled with that many live keys of that rule
(bulk-inserted rows, one scan each). Then ``--events`` scans of random live SKUs per size,
one second apart in event time, are each handled in their own write transaction by
:meth:`engine.rule_handler.RuleHandler.handle` — route, window keys, the locked read of
the event's own row, pure evaluation, the executor, the upsert and the commit, as the
worker does it. The sizes take turns in ``--rounds`` rounds, so the machine's busy moments
hit them alike. Median and p95 per event are reported, and the ratio of the largest size's
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
from contextlib import ExitStack
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


class _Size:
    """One database with ``size`` live window keys of the rule, and its handler."""

    def __init__(self, url: str, size: int) -> None:
        self.size, self.rng = size, random.Random(size)
        self.db = Database(make_engine(url, Settings(pool_size=4)))
        with self.db.write(None) as session:
            self.tenant_id = accounts.create_tenant(session, f"b{uuid.uuid4().hex[:8]}",
                                                    "压测商贸", START).id
        with self.db.write(self.tenant_id) as session:
            version = save_version(session, self.tenant_id, RULE_SET, RULE,
                                   default_registry(), "bench", START)
            put_in_production(session, version)
        self.at = START
        _fill(self.db, self.tenant_id, 0, size, self.at)
        self.handler = RuleHandler(PlanCache())
        self.samples: list[float] = []

    def run(self, events: int, *, counted: bool = True) -> None:
        """Handle ``events`` scans of random live SKUs, one transaction each."""
        for _ in range(events):
            self.at += timedelta(seconds=1)
            record = _scan(self.tenant_id, f"SKU-{self.rng.randrange(self.size)}", self.at)
            started = time.perf_counter()
            with self.db.write(self.tenant_id) as session:
                self.handler.handle(session, record, self.at)
            if counted:
                self.samples.append(time.perf_counter() - started)

    def result(self, backend: str) -> dict[str, Any]:
        with self.db.read(self.tenant_id) as session:
            live = session.scalar(select(func.count()).select_from(WindowState))
        assert live == self.size, (live, self.size)  # every scan wrote its own key's row
        old = min(_read_every_key(self.db, self.tenant_id) for _ in range(3))
        ordered = sorted(self.samples)
        self.db.dispose()
        return {"backend": backend, "live_keys": self.size, "events": len(ordered),
                "median_ms": round(statistics.median(ordered) * 1000, 3),
                "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3),
                "read_every_key_ms": round(old * 1000, 1)}


def bench_backend(backend: str, sizes: list[int], events: int,
                  rounds: int) -> list[dict[str, Any]]:
    """Per-event times at each size on one backend, the sizes taking turns round by round
    (so a busy moment of the machine hits every size alike)."""
    with ExitStack() as stack:
        runs = [_Size(stack.enter_context(fresh_database(backend)), size) for size in sizes]
        for run in runs:
            run.run(20, counted=False)  # warm up: plan cache, pool, page cache
        per_round = max(1, events // rounds)
        for _ in range(rounds):
            for run in runs:
                run.run(per_round)
        results = [run.result(backend) for run in runs]
    for row in results:
        print(f"{backend:10} {row['live_keys']:>7} keys  per event median "
              f"{row['median_ms']:>7.2f} ms  p95 {row['p95_ms']:>7.2f} ms   (reading every "
              f"key, as before: {row['read_every_key_ms']:>8.1f} ms)", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table (and JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--events", type=int, default=300, help="per size, in all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--json", default="var/bench/windows.json")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    out: dict[str, Any] = {"machine": platform.platform(), "python": sys.version.split()[0],
                           "cpus": os.cpu_count(), "load_before": os.getloadavg(),
                           "results": [], "ratios": {}}
    print(f"{'backend':10} {'live':>7}       per-event time through RuleHandler.handle "
          f"({args.events} events)", flush=True)
    for backend in args.backends.split(","):
        rows = bench_backend(backend, sizes, args.events, args.rounds)
        out["results"] += rows
        ratio = rows[-1]["median_ms"] / rows[0]["median_ms"]
        out["ratios"][backend] = round(ratio, 2)
        print(f"{backend:10} ratio {sizes[-1]:,} ÷ {sizes[0]:,} keys (median): {ratio:.2f}× "
              f"(aim ≤ {AIM_RATIO}×: {'met' if ratio <= AIM_RATIO else 'NOT met'})",
              flush=True)
    out["load_after"] = os.getloadavg()
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
