"""Server time of the studio's main pages with the demo data grown to 10,000 SKUs and
100,000 ledger rows.

Run from the repository root::

    .venv/bin/python -m bench.bench_studio [--requests 40] [--skus 10000] [--ledger 100000]
                                           [--json var/bench/studio.json]

A fresh SQLite file gets the demo tenant (``jxcflow demo``), then, in bulk, enough extra
items (with a balance in WH-HZ) and ledger rows (spread over the last 14 days) to reach the
targets. The app runs in-process (Starlette's test client: no network, no browser), signed
in as ``admin`` through the login form, so the time measured is the server's: routing,
session, queries and template rendering. Each page is requested ``--requests`` times after
two warm-up requests (the dashboard's movement chart is a fragment it loads after the
page, measured as its own row; the version and review pages are those of a draft of
``examples/rules/deposit_locks_stock.rule`` submitted through the editor's form); the
table shows p50 and p95 per page and, as the floor of the same stack, ``/healthz`` (no
session, no database), with each page's p95 ÷ the floor's p95.
The goal is p95 < 150 ms for every page. Two more rows time the rule editor's round trips
(text → IR → canvas and canvas → IR → text) over every ``examples/rules`` file: the editor
promises the other view within a second.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

PAGES = ["/", "/dashboard/movements", "/stock/items", "/stock/items?q=TOY", "/stock/balances",
         "/stock/ledger", "/stock/ledger?warehouse=WH-HZ&offset=5000", "/documents", "/rules",
         "/rules/edit", "/inbox", "/health", "/packs", "/connectors", "/connector-deliveries"]


def grow(db_url: str, skus: int, ledger_rows: int) -> tuple[int, int]:
    """Add items, balances and ledger rows in bulk until the targets are reached."""
    from sqlalchemy import func, insert, select

    from inventory.models import Item, LedgerEntry, StockBalance, Warehouse
    from kernel import accounts
    from kernel.db import Database, make_engine

    db = Database(make_engine(db_url))
    now = datetime.now(UTC)
    with db.write(None) as session:
        tenant = accounts.get_tenant(session, "demo")
        tid = tenant.id
    with db.write(tid) as session:
        have = session.scalar(select(func.count()).select_from(Item)) or 0
        wh = session.scalar(select(Warehouse.id).where(Warehouse.code == "WH-HZ"))
        new_items = [{"tenant_id": tid, "sku": f"BULK-{i:05d}", "name_zh": f"批量商品{i}",
                      "name_en": f"Bulk item {i}", "unit": "件", "category": "bulk",
                      "attributes": {}, "created_at": now} for i in range(max(0, skus - have))]
        if new_items:
            session.execute(insert(Item), new_items)
        ids = list(session.scalars(select(Item.id).where(Item.sku.like("BULK-%"))))
        session.execute(insert(StockBalance), [
            {"tenant_id": tid, "item_id": i, "warehouse_id": wh, "on_hand": Decimal(100),
             "reserved": Decimal(0)} for i in ids])
        rows = session.scalar(select(func.count()).select_from(LedgerEntry)) or 0
        need = max(0, ledger_rows - rows)
        batch = []
        for n in range(need):
            batch.append({"tenant_id": tid, "item_id": ids[n % len(ids)], "warehouse_id": wh,
                          "bucket": "on_hand", "qty": Decimal(1 if n % 3 else -1),
                          "reason": "receipt" if n % 3 else "shipment", "note": "",
                          "event_id": str(uuid.UUID(int=n)), "actor": "bench",
                          "created_at": now - timedelta(minutes=(need - n) * 14 * 1440 // need)})
            if len(batch) == 10_000:
                session.execute(insert(LedgerEntry), batch)
                batch = []
        if batch:
            session.execute(insert(LedgerEntry), batch)
        total_items = session.scalar(select(func.count()).select_from(Item)) or 0
        total_rows = session.scalar(select(func.count()).select_from(LedgerEntry)) or 0
    return total_items, total_rows


def measure(requests: int) -> dict[str, list[float]]:
    """Per page, the server time of each request in milliseconds."""
    warnings.filterwarnings("ignore")
    from fastapi.testclient import TestClient

    from studio.app import create_app

    times: dict[str, list[float]] = {}
    with TestClient(create_app()) as client:
        token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text)
        assert token
        r = client.post("/login", data={"csrf_token": token.group(1), "tenant": "demo",
                                        "username": "admin", "password": "admin-demo-2026"})
        assert r.status_code == 200, r.text
        # The governance pages of a version (a draft of an example rule file, submitted
        # through the editor's form) over the grown data.
        source = Path("examples/rules/deposit_locks_stock.rule").read_text(encoding="utf-8")
        submitted = client.post("/rules/submit", follow_redirects=False, data={
            "csrf_token": csrf_of(client.get("/rules/edit").text) or "", "name": "bench",
            "text": source})
        assert submitted.status_code == 303, submitted.text
        version = submitted.headers["location"]
        version_pages = [version, f"{version}/review"]
        for path in ["/healthz", *PAGES, *version_pages]:
            for _ in range(2):
                assert client.get(path).status_code == 200, path
            samples = []
            for _ in range(requests):
                start = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, path
            times[path] = samples
        token_value = token.group(1)
        headers = {"X-CSRF-Token": csrf_of(client.get("/rules/edit").text) or token_value}
        text_samples: list[float] = []
        canvas_samples: list[float] = []
        examples = sorted(Path("examples/rules").glob("*.rule"))
        for _ in range(max(1, requests // 10)):
            for example in examples:
                text = example.read_text(encoding="utf-8")
                start = time.perf_counter()
                r = client.post("/rules/sync/text", json={"text": text}, headers=headers)
                text_samples.append((time.perf_counter() - start) * 1000)
                assert r.status_code == 200 and r.json()["ok"], example
                start = time.perf_counter()
                back = client.post("/rules/sync/canvas", json={"canvas": r.json()["canvas"]},
                                   headers=headers)
                canvas_samples.append((time.perf_counter() - start) * 1000)
                assert back.status_code == 200 and back.json()["ok"], example
        times["editor sync: text → canvas (examples)"] = text_samples
        times["editor sync: canvas → text (examples)"] = canvas_samples
    return times


def csrf_of(html: str) -> str | None:
    """The CSRF token a page carries."""
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    return found.group(1) if found else None


def p95(values: list[float]) -> float:
    """The 95th percentile."""
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main() -> None:
    """Grow the data, time the pages, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--ledger", type=int, default=100_000)
    parser.add_argument("--json", default="var/bench/studio.json")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="jxcflow-bench-studio-"))
    url = f"sqlite:///{folder / 'studio.db'}"
    os.environ["JXCFLOW_DATABASE_URL"] = url
    from typer.testing import CliRunner

    from studio.cli import app as cli
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    items, rows = grow(url, args.skus, args.ledger)
    times = measure(args.requests)
    floor = p95(times["/healthz"])
    print(f"studio pages, SQLite, {items:,} SKUs, {rows:,} ledger rows, "
          f"{args.requests} requests each (Python {sys.version.split()[0]})")
    print(f"{'page':44} {'p50 ms':>8} {'p95 ms':>8} {'p95 ÷ floor':>12}")
    report = {}
    for path, samples in times.items():
        q = p95(samples)
        report[path] = {"p50_ms": statistics.median(samples), "p95_ms": q}
        print(f"{path:44} {statistics.median(samples):8.1f} {q:8.1f} {q / floor:12.1f}")
    worst = max(v["p95_ms"] for k, v in report.items() if k.startswith("/") and k != "/healthz")
    print(f"worst page p95: {worst:.1f} ms (goal < 150 ms): {'ok' if worst < 150 else 'MISSED'}")
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"skus": items, "ledger_rows": rows, "pages": report}, indent=2))


if __name__ == "__main__":
    main()
