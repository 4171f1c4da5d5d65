"""The tenant's clock is the only clock: no product module reads the wall clock except the
clock itself and the few places named below, each for a reason that is not "what time is it
for the tenant" (a signature checked against a sender's real clock, a duration measured).

The engine is held to this by test_no_wall_clock.py already; this walks every package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.unit.engine.test_no_wall_clock import _violations

ROOT = Path(__file__).parents[2]
PACKAGES = ("kernel", "dsl", "inventory", "engine", "connectors", "templates_marketplace",
            "studio")
#: Module → the reads it may make (substrings of the walk's findings), and why.
ALLOWED: dict[str, tuple[str, ...]] = {
    # The clock itself, and the tenants' clocks built on it.
    "kernel/clock.py": ("datetime.now()", "self.base.now()"),
    # Re-reading sandbox offsets is paced by a monotonic timer; the time is base's.
    "kernel/tenant_clock.py": ("import time", "self.base.now()"),
    # Converting a given time for the SQL driver, not reading one.
    "inventory/guarantees.py": ("driver.time()",),
    "inventory/journal.py": ("driver.time()",),
    # Receivers check outbound signatures against their real clocks; durations of sends and
    # reconnect backoff are measured, not dated.
    "connectors/runtime.py": ("import time", "SystemClock", "time.perf_counter()",
                              "self.wall.now()", "time.monotonic()"),
    # The composition root makes the product's clock (real time) for the app and workers.
    "studio/app.py": ("SystemClock",),
    "studio/cli.py": ("SystemClock",),
    "studio/cli_pack.py": ("SystemClock",),
    # An inbound signature's timestamp comes from the sender's real clock.
    "studio/routes/hooks.py": ("SystemClock",),
    # Request durations for the health page.
    "studio/health_recorder.py": ("import time", "time.perf_counter()"),
}
MODULES = sorted(p.relative_to(ROOT).as_posix() for pkg in PACKAGES
                 for p in (ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_no_module_reads_the_wall_clock_outside_the_clock(module):
    found = _violations(ast.parse((ROOT / module).read_text(encoding="utf-8")))
    allowed = ALLOWED.get(module, ())
    unexplained = [v for v in found if not any(a in v for a in allowed)]
    assert unexplained == [], f"{module} reads the wall clock"


def test_every_allowance_is_still_needed():
    for module, allowed in ALLOWED.items():
        found = _violations(ast.parse((ROOT / module).read_text(encoding="utf-8")))
        for what in allowed:
            assert any(what in v for v in found), f"{module} no longer needs {what!r}"
