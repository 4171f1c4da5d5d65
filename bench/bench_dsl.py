"""Rule-language speed: parse+check of generated rule files, beside ``json.loads``.

Run from the repo root: ``python -m bench.bench_dsl``. Prints a small table:

* lines per second of parse+check on a generated 5,000-rule file, and of ``json.loads``
  on the same rules serialised as JSON (the syntax tree as plain dicts), and the ratio;
* the time to parse+check a 200-rule file (the studio editor re-checks on every pause
  in typing, so this must stay well under 100 ms).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import statistics
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from dsl import check, default_registry, parse

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "rules"


def _items(text: str) -> list[str]:
    """Split a rule file into its items (each starts at a line beginning a keyword)."""
    starts = ("rule ", "guard ", "table ", "规则 ", "守卫 ", "决策表 ")
    items: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if line.startswith(starts):
            items.append([])
        if items:
            items[-1].append(line)
    return ["\n".join(i).strip() for i in items if i]


def generate(count: int) -> str:
    """A rule file of ``count`` items made from the examples, each with its own name."""
    templates = [item for p in sorted(EXAMPLES.glob("*.rule"))
                 for item in _items(p.read_text(encoding="utf-8"))]
    out = []
    for i in range(count):
        t = templates[i % len(templates)]
        head, _, rest = t.partition("\n")
        keyword, name, *title = head.split(" ", 2)
        out.append(" ".join([keyword, f"{name}_{i}", *title]) + "\n" + rest)
    return "\n\n".join(out) + "\n"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__name__,
                **{f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal | dt.date):
        return str(value)
    return value


def _best(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Measure and print the table."""
    registry = default_registry()
    big = generate(5000)
    lines = big.count("\n")
    ast = parse(big)
    assert not check(ast, registry), "the generated rules must check clean"
    as_json = json.dumps(_plain(ast), ensure_ascii=False)

    dsl_s = _best(lambda: check(parse(big), registry), 3)
    json_s = _best(lambda: json.loads(as_json), 3)

    small = generate(200)
    small_lines = small.count("\n")
    samples: list[float] = []
    cpu: list[float] = []
    for _ in range(30):
        start, start_cpu = time.perf_counter(), time.process_time()
        check(parse(small), registry)
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)

    print("jxcflow rule language: parse + check")
    print(f"{'measure':<46} {'value':>16}")
    print("-" * 63)
    print(f"{'5,000 rules: lines':<46} {lines:>16,}")
    print(f"{'5,000 rules: parse+check':<46} {dsl_s * 1000:>13.0f} ms")
    print(f"{'5,000 rules: parse+check lines/s':<46} {lines / dsl_s:>16,.0f}")
    print(f"{f'same rules as JSON ({len(as_json):,} bytes): json.loads':<46} "
          f"{json_s * 1000:>13.0f} ms")
    print(f"{'json.loads, in DSL lines/s':<46} {lines / json_s:>16,.0f}")
    print(f"{'ratio parse+check / json.loads':<46} {dsl_s / json_s:>15.1f}x")
    print(f"{f'200 rules ({small_lines} lines): parse+check median':<46} "
          f"{statistics.median(samples) * 1000:>13.1f} ms")
    print(f"{'200 rules: parse+check median CPU time':<46} "
          f"{statistics.median(cpu) * 1000:>13.1f} ms")
    print(f"{'200 rules: parse+check p95':<46} "
          f"{sorted(samples)[int(len(samples) * 0.95) - 1] * 1000:>13.1f} ms")


if __name__ == "__main__":
    main()
