"""Rule-language speed: parse+check of generated rule files, beside ``json.loads``.

Run from the repo root: ``python -m bench.bench_dsl``. Prints a small table:

* lines per second of parse+check on a generated 5,000-rule file, and of ``json.loads``
  on the same rules serialised as JSON (the syntax tree as plain dicts), and the ratio;
* the time to parse+check a 200-rule file (the studio editor re-checks on every pause
  in typing, so this must stay well under 100 ms): cold (nothing cached: the first check
  of a file), after one rule was edited (the common case while typing), and after a line
  was inserted at the top (every item moves down), in wall and CPU time (the machine may
  be shared; CPU time is the steadier figure).

``parse`` caches the items of a file (see :mod:`dsl.parser`); every "cold" figure clears
that cache before each run, so the 5,000-rule rate and its ratio are never cache hits.
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
from dsl.parser import clear_cache

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


def _best(fn: Any, runs: int, cold: bool = False) -> float:
    times = []
    for _ in range(runs):
        if cold:
            clear_cache()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _timed(texts: list[str], registry: Any, cold: bool) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of parse+check of each text in turn."""
    wall: list[float] = []
    cpu: list[float] = []
    for text in texts:
        if cold:
            clear_cache()
        start, start_cpu = time.perf_counter(), time.process_time()
        check(parse(text), registry)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def _edits(text: str, count: int) -> list[str]:
    """``count`` versions of ``text``, each with one more character typed in some rule."""
    lines = text.split("\n")
    out = []
    for i in range(count):
        n = (7 + i * 53) % len(lines)
        while not lines[n].strip() or lines[n].lstrip().startswith("#"):
            n = (n + 1) % len(lines)
        lines[n] = lines[n] + " "
        out.append("\n".join(lines))
    return out


def _ms(values: list[float], q: float = 0.5) -> str:
    value = statistics.median(values) if q == 0.5 else \
        sorted(values)[max(int(len(values) * q) - 1, 0)]
    return f"{value * 1000:>13.1f} ms"


def main() -> None:
    """Measure and print the table."""
    registry = default_registry()
    big = generate(5000)
    lines = big.count("\n")
    ast = parse(big)
    assert not check(ast, registry), "the generated rules must check clean"
    as_json = json.dumps(_plain(ast), ensure_ascii=False)

    dsl_s = _best(lambda: check(parse(big), registry), 3, cold=True)
    # Cached items would slow json.loads too (more live objects for the garbage collector
    # to walk): time it with the cache empty, as the DSL's cold runs start.
    json_s = _best(lambda: json.loads(as_json), 5, cold=True)

    small = generate(200)
    small_lines = small.count("\n")
    cold_wall, cold_cpu = _timed([small] * 30, registry, cold=True)
    _timed([small], registry, cold=False)
    edit_wall, edit_cpu = _timed(_edits(small, 30), registry, cold=False)
    moved = "\n" + small
    move_wall, move_cpu = _timed([moved, small] * 15, registry, cold=False)

    print("jxcflow rule language: parse + check")
    print(f"{'measure':<46} {'value':>16}")
    print("-" * 63)
    print(f"{'5,000 rules: lines':<46} {lines:>16,}")
    print(f"{'5,000 rules: parse+check (cold)':<46} {dsl_s * 1000:>13.0f} ms")
    print(f"{'5,000 rules: parse+check lines/s':<46} {lines / dsl_s:>16,.0f}")
    print(f"{f'same rules as JSON ({len(as_json):,} bytes): json.loads':<46} "
          f"{json_s * 1000:>13.0f} ms")
    print(f"{'json.loads, in DSL lines/s':<46} {lines / json_s:>16,.0f}")
    print(f"{'ratio parse+check / json.loads':<46} {dsl_s / json_s:>15.1f}x")
    print(f"{f'200 rules ({small_lines} lines), cold: median':<46} {_ms(cold_wall)}")
    print(f"{'200 rules, cold: median CPU time':<46} {_ms(cold_cpu)}")
    print(f"{'200 rules, cold: p95':<46} {_ms(cold_wall, 0.95)}")
    print(f"{'200 rules, one rule edited: median':<46} {_ms(edit_wall)}")
    print(f"{'200 rules, one rule edited: median CPU time':<46} {_ms(edit_cpu)}")
    print(f"{'200 rules, one rule edited: p95':<46} {_ms(edit_wall, 0.95)}")
    print(f"{'200 rules, line inserted at top: median':<46} {_ms(move_wall)}")
    print(f"{'200 rules, line inserted at top: median CPU':<46} {_ms(move_cpu)}")


if __name__ == "__main__":
    main()
