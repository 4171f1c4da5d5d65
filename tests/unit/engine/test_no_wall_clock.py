"""Nothing in the engine reads the wall clock: time comes from the clock it is given.

The pure modules are held to more (test_purity.py); this walks every engine module,
executors, workers and the sandbox clock included, for the ways to read real time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import engine

ROOT = Path(engine.__file__).parent
MODULES = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.py"))
WALL_CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter",
                    "time_ns", "monotonic_ns"}
WALL_CLOCK_NAMES = {"SystemClock"}


def _violations(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name == "time"]
        elif isinstance(node, ast.ImportFrom) and node.module == "time":
            found.append("from time import …")
        elif isinstance(node, ast.Name) and node.id in WALL_CLOCK_NAMES:
            found.append(f"{node.id} at line {node.lineno}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in WALL_CLOCK_CALLS:
            owner = node.func.value
            # ``clock.now()`` and ``self.clock.now()`` ask the clock they were given.
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if "clock" not in name.lower():
                found.append(f"{ast.unparse(node.func)}() at line {node.lineno}")
    return found


def test_the_walk_sees_every_engine_module():
    assert {"worker.py", "sandbox_clock.py", "executors/production.py",
            "executors/actions_events.py"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_engine_module_reads_no_wall_clock(module):
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    assert _violations(tree) == [], f"engine/{module} reads the wall clock"


def test_the_walk_would_catch_a_wall_clock_read():
    bad = ast.parse("import time\nfrom datetime import datetime\n"
                    "x = datetime.now()\ny = time.monotonic()\nz = SystemClock()\n")
    assert len(_violations(bad)) == 4
