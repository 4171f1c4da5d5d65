"""Packs: time to install each shipped pack into a fresh tenant, and time from a fresh
``jxcflow demo`` to a pack's first rule having run in the sandbox.

Run from the repository root::

    .venv/bin/python -m bench.bench_packs [--rounds 5] [--backends sqlite,postgresql]
                                          [--json var/bench/packs.json]

**Install.** A fresh migrated database per backend; per pack and round a new tenant, its
dependencies installed first (not timed), then one timed
:meth:`templates_marketplace.service.Marketplace.install` — the product path the API and
the page take: trust decision, schema extensions, settings, every rule set stored as a
governance version, the pack's rule tests run against it, moved to sandbox, one commit.
The raw limit beside it is reading and validating the same pack from its folder (parse,
type-check every rule, check every part) with no database at all; the ratio says what
storing, compiling and testing add. Aim: under 5 s per pack.

**Demo to first rule.** Wall time of three real processes on a fresh SQLite file, as a new
user would run them: ``jxcflow demo`` (migrate and load the demo tenant, which comes with the
Standard pack), ``jxcflow pack install jxc.food --tenant demo`` (whose rule tests are the
pack's rules evaluated in the sandbox), and then a check that the tenant has a green
rule-test run of a Food pack version in ``sandbox``. Aim: under a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.bench_governance import fresh_database
from engine.governance.models import RuleTestRun
from engine.models import RuleSetVersion
from kernel import accounts
from kernel.db import Database, make_engine
from kernel.settings import Settings
from templates_marketplace.catalogue import BUILTIN_DIR, builtin_packs
from templates_marketplace.pack import read_folder, validate
from templates_marketplace.service import Actor, Marketplace

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)
AIM_INSTALL_S = 5.0
AIM_DEMO_S = 60.0


def _folders() -> dict[str, Path]:
    return {validate(read_folder(f)).manifest.id: f
            for f in sorted(BUILTIN_DIR.iterdir()) if (f / "pack.toml").exists()}


def _order(pack_id: str, depends: dict[str, dict[str, str]]) -> list[str]:
    """``pack_id``'s dependencies, deepest first (not including itself)."""
    seen: list[str] = []
    for dep in depends.get(pack_id, {}):
        for d in [*_order(dep, depends), dep]:
            if d not in seen:
                seen.append(d)
    return seen


def bench_install(backend: str, rounds: int) -> list[dict[str, Any]]:
    """Per shipped pack: median/max install time and the validate-only floor."""
    packs = {p.manifest.id: p for p in builtin_packs()}
    depends = {i: dict(p.manifest.depends) for i, p in packs.items()}
    folders = _folders()
    results = []
    with fresh_database(backend) as url:
        db = Database(make_engine(url, Settings(pool_size=4)))
        market = Marketplace(db)
        for pack_id in sorted(packs):
            installs, floors = [], []
            for _ in range(rounds):
                with db.write(None) as session:
                    tenant = accounts.create_tenant(session, f"b{uuid.uuid4().hex[:8]}",
                                                    "压测商贸", NOW).id
                actor = Actor(tenant, "user:bench", True)
                for dep in _order(pack_id, depends):
                    market.install(actor, dep, None, False, NOW)
                started = time.perf_counter()
                market.install(actor, pack_id, None, False, NOW)
                installs.append(time.perf_counter() - started)
                started = time.perf_counter()
                validate(read_folder(folders[pack_id]))
                floors.append(time.perf_counter() - started)
            median, floor = statistics.median(installs), statistics.median(floors)
            results.append({"backend": backend, "pack": pack_id,
                            "rule_sets": len(packs[pack_id].parts.rule_sets),
                            "install_median_s": round(median, 3),
                            "install_max_s": round(max(installs), 3),
                            "validate_only_s": round(floor, 3),
                            "ratio_to_validate": round(median / floor, 1) if floor else None,
                            "meets_aim": max(installs) < AIM_INSTALL_S})
    return results


def _run(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "jxcflow"), *args], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def bench_demo_to_first_rule() -> dict[str, Any]:
    """Fresh SQLite file → demo tenant → Food pack installed with its rules tested."""
    with tempfile.TemporaryDirectory(prefix="jxcflow_bench_") as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        env = {**os.environ, "JXCFLOW_DATABASE_URL": url}
        demo_s = _run(["demo"], env)
        install_s = _run(["pack", "install", "jxc.food", "--tenant", "demo"], env)
        db = Database(make_engine(url, Settings()))
        with db.read(None) as session:
            green = session.scalar(
                select(RuleTestRun.id).join(RuleSetVersion,
                                            RuleSetVersion.id == RuleTestRun.version_id)
                .where(RuleTestRun.is_passed, RuleSetVersion.state == "sandbox",
                       RuleSetVersion.name.like("jxc.food:%")).limit(1))
    total = demo_s + install_s
    return {"demo_s": round(demo_s, 2), "pack_install_s": round(install_s, 2),
            "total_s": round(total, 2), "first_rule_ran_in_sandbox": green is not None,
            "ratio_to_aim": round(total / AIM_DEMO_S, 2),
            "meets_aim": green is not None and total < AIM_DEMO_S}


def main() -> None:
    """Run both measurements and print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report: dict[str, Any] = {"machine": f"{platform.machine()} {os.cpu_count()} cores",
                              "python": platform.python_version(), "install": []}
    for backend in args.backends.split(","):
        report["install"] += bench_install(backend, args.rounds)
    report["demo_to_first_rule"] = bench_demo_to_first_rule()
    print(f"{'backend':<11}{'pack':<22}{'sets':>5}{'median s':>10}{'max s':>8}"
          f"{'validate s':>12}{'ratio':>7}  aim<5s")
    for r in report["install"]:
        print(f"{r['backend']:<11}{r['pack']:<22}{r['rule_sets']:>5}"
              f"{r['install_median_s']:>10}{r['install_max_s']:>8}{r['validate_only_s']:>12}"
              f"{r['ratio_to_validate']:>6}×  {'yes' if r['meets_aim'] else 'NO'}")
    d = report["demo_to_first_rule"]
    print(f"demo {d['demo_s']} s + pack install {d['pack_install_s']} s = {d['total_s']} s "
          f"({d['ratio_to_aim']}× the 60 s aim); first rule ran in sandbox: "
          f"{d['first_rule_ran_in_sandbox']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2), "utf-8")


if __name__ == "__main__":
    main()
