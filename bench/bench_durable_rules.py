"""Limits of durable-rules (the optional sequence-pattern backend), measured here.

Run from the repository root::

    .venv/bin/python -m bench.bench_durable_rules [--json var/bench/durable_rules.json]
                                                  [--quick]

Each probe runs in a child process with a time limit, because durable-rules fails by
``MemoryError``, by a crash of its C engine or by not answering:

* **timers** — eight rulesets' 2 s timers (``start_timer``), started 130 ms apart; how long
  after its start each one fired (wall clock: the only clock durable-rules has);
* **live correlations** — the triple-scan sequence; one first scan per key (``sid``), none
  completed: how many open keys before it fails, and the memory it took; then the same
  number of scans in one shared state (one ``sid``), where each post gets slower;
* **rule-set size** — one ruleset of R simple rules (``kind == kR and v > R``): the first
  post's time, or the failure, for growing R.

For the engine side of the same questions: our timers are ``durable_timer`` rows fired by
a conditional UPDATE (any granularity the clock has, exact under the virtual clock), our
windows are per-key rows (no process memory per open key), and a rule set is a plan of
closures indexed by event type (bench_engine measures 1,000 rules).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "var" / "bench" / "durable_rules.json"

_TIMERS = """
import json, time
from durable.lang import ruleset, when_all, m, timeout, post
fired = {}
with ruleset('timers'):
    @when_all(m.kind == 'start')
    def start(c):
        c.start_timer('late', 2)
    @when_all(timeout('late'))
    def late(c):
        fired[c.s.sid] = time.monotonic()
starts = {}
for i in range(8):
    starts[f's{i}'] = time.monotonic()
    post('timers', {'sid': f's{i}', 'kind': 'start'})
    time.sleep(0.13)
deadline = time.monotonic() + 8
while len(fired) < len(starts) and time.monotonic() < deadline:
    time.sleep(0.05)
print(json.dumps({k: (fired[k] - v if k in fired else None) for k, v in starts.items()}))
"""

_LIVE = """
import json, resource, sys, time
from durable.lang import ruleset, when_all, m, c, post
limit, shared = int(sys.argv[1]), sys.argv[2] == 'shared'
with ruleset('scans'):
    @when_all(c.e0 << (m.kind == 'scan'),
              c.e1 << (m.kind == 'scan') & (m.t >= c.e0.t) & (m.t < c.e0.t + 100),
              c.e2 << (m.kind == 'scan') & (m.t >= c.e1.t) & (m.t < c.e0.t + 100))
    def hit(c):
        pass
start, done, error, last = time.perf_counter(), 0, None, None
try:
    for i in range(limit):
        t0 = time.perf_counter()
        post('scans', {'id': str(i), 'sid': '0' if shared else f'k{i}', 'kind': 'scan',
                       't': i * 1000})
        last = time.perf_counter() - t0
        done = i + 1
        if done % 64 == 0:  # a crash of the C engine leaves no traceback: say how far it got
            print(json.dumps({'open': done, 'error': 'process died after this line',
                              'seconds': time.perf_counter() - start}), flush=True)
except BaseException as exc:
    error = type(exc).__name__ + (': ' + str(exc)[:120] if str(exc) else '')
print(json.dumps({'open': done, 'error': error, 'seconds': time.perf_counter() - start,
                  'last_post_ms': None if last is None else last * 1000,
                  'max_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_RULES = """
import json, sys, time
from durable.lang import ruleset, when_all, m, post
size = int(sys.argv[1])
with ruleset('big'):
    for i in range(size):
        when_all((m.kind == f'k{i}') & (m.v > i))(lambda c: None)
t0 = time.perf_counter()
post('big', {'kind': 'k0', 'v': 5})
print(json.dumps({'first_post_seconds': time.perf_counter() - t0}))
"""


def probe(code: str, *args: str, limit: float) -> dict[str, Any]:
    """Run ``code`` in a child process; its JSON answer, or how it failed."""
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args],
                              capture_output=True, text=True, timeout=limit, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"outcome": f"no answer within {limit:.0f} s"}
    elapsed = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    answer: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {**answer, "outcome": f"exit {done.returncode}: {tail[:160]}",
                "seconds": elapsed}
    return {"outcome": "ok", **answer}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--quick", action="store_true", help="fewer rule-set sizes")
    args = parser.parse_args(argv)
    try:
        import durable  # noqa: F401
    except ImportError:
        print("durable-rules is not installed (pip install 'jxcflow[cep]'); nothing measured")
        return 0
    results: dict[str, Any] = {}

    timers = probe(_TIMERS, limit=40)
    results["timers_2s"] = timers
    delays = sorted(v for k, v in timers.items() if k.startswith("s") and v is not None)
    print("durable-rules 2 s timers, fired after (s):",
          ", ".join(f"{d:.2f}" for d in delays) or timers["outcome"],
          f"({8 - len(delays)} of 8 never fired)" if len(delays) < 8 else "")

    for mode in ("per-key", "shared"):
        limit = "5000" if mode == "per-key" else "3000"
        live = probe(_LIVE, limit, "shared" if mode == "shared" else "keys", limit=150)
        results[f"live_{mode}"] = live
        print(f"open correlations ({mode} state, up to {limit}):",
              f"{live.get('open')} open, error {live.get('error')},",
              f"{live.get('seconds', 0):.1f} s, last post {live.get('last_post_ms') or 0:.1f} ms,",
              f"peak {live.get('max_rss_mb', 0):.0f} MB" if live["outcome"] == "ok"
              else f"then {live['outcome']}")

    sizes = [100, 250, 500, 700] if args.quick else [100, 250, 400, 500, 600, 700, 1000]
    for size in sizes:
        outcome = probe(_RULES, str(size), limit=30)
        results[f"rules_{size}"] = outcome
        print(f"rule set of {size:>5} rules: " + (
            f"first post {outcome['first_post_seconds'] * 1000:.0f} ms"
            if outcome["outcome"] == "ok" else outcome["outcome"]))

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
