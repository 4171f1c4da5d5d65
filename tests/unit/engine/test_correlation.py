"""The seed correlation cases through both backends: the engine's windows and durable-rules.

Each stream is fed to a fresh :class:`WindowCorrelator` (the engine: pure evaluation, window
state, durable-timer twin) and a fresh :class:`DurableRulesCorrelator` in event-time
order, and both must report the same (rule, key, moment) matches. Skipped only when
durable-rules cannot be imported (it is the optional extra ``cep``; ``dev`` installs it).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dsl import parse_and_check
from dsl.schema_defaults import default_registry
from engine import ir
from engine.compiler import Plan, compile_rule_set
from engine.correlation import Correlator, Match, WindowCorrelator
from engine.decision import Event
from engine.errors import CorrelationUnsupported
from engine.lowering_rules import lower_rule_file

durable = pytest.importorskip(
    "durable.lang", reason="durable-rules (extra 'cep') is not installed: "
                           "pip install 'jxcflow[cep]' to compare the backends")

from engine.correlation_durable import DurableRulesCorrelator  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "rules"
T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
MS = timedelta(milliseconds=1)


def plan_of(example: str) -> Plan:
    source = (EXAMPLES / example).read_text(encoding="utf-8")
    return compile_rule_set(lower_rule_file(parse_and_check(source, default_registry())))


def run(correlator: Correlator, events: list[Event], until: datetime) -> list[Match]:
    """Feed the events in order, letting time pass before each one and after the last."""
    found: list[Match] = []
    for event in events:
        found += correlator.advance(event.occurred_at)
        found += correlator.observe(event)
    found += correlator.advance(until)
    return found


def both(plan: Plan, events: list[Event], until: datetime) -> list[Match]:
    ours = run(WindowCorrelator(plan), events, until)
    theirs = run(DurableRulesCorrelator(plan), events, until)
    assert ours == theirs
    return ours


def ev(n: int, kind: str, at: datetime, payload: dict[str, Any]) -> Event:
    return Event(id=f"e{n}", type=kind, tenant_id=1, occurred_at=at, payload=payload)


# --- 3 scans of one SKU within 100 ms -------------------------------------------------------

SCANS = plan_of("triple_scan_flag.rule")


def scans(*marks: tuple[str, int]) -> list[Event]:
    return [ev(n, "scanner.scanned", T0 + ms * MS,
               {"item": {"sku": sku}, "scanner": {"id": "S-7"}})
            for n, (sku, ms) in enumerate(marks)]


@pytest.mark.parametrize(("marks", "expected"), [
    # three within 100 ms: flagged at the third
    ([("A", 0), ("A", 40), ("A", 90)], [("A", 90)]),
    # the third comes 100 ms after the first: the window is open at the start, closed at the end
    ([("A", 0), ("A", 40), ("A", 100)], []),
    # two SKUs interleaved: each counts its own
    ([("A", 0), ("B", 10), ("A", 20), ("B", 30), ("A", 40), ("B", 300)], [("A", 40)]),
    # four quick scans flag once; the window starts again after a hit
    ([("A", 0), ("A", 10), ("A", 20), ("A", 30)], [("A", 20)]),
    # the same millisecond counts three times
    ([("A", 5), ("A", 5), ("A", 5)], [("A", 5)]),
])
def test_triple_scan_matches_on_both_backends(marks, expected):
    found = both(SCANS, scans(*marks), T0 + timedelta(seconds=1))
    assert [(m.key, int((m.at - T0) / MS)) for m in found] == expected


# In `make soak`, not `make test`: on this 400-event stream durable-rules' C engine crashed
# its process (SIGSEGV in assert_event) once in three full runs, taking an xdist worker with
# it. The seeded cases above keep both backends compared in every `make test`.
@pytest.mark.soak
def test_a_random_scan_stream_matches_alike_on_both_backends():
    rng = random.Random(7)
    at, marks = 0, []
    for _ in range(400):
        at += rng.choice([0, 5, 20, 45, 70, 120])
        marks.append((rng.choice("ABCDE"), at))
    found = both(SCANS, scans(*marks), T0 + timedelta(seconds=60))
    assert len(found) >= 10  # the stream exercises the pattern, not only its absence


# --- freezer above −15 °C for 10 minutes ---------------------------------------------------

FREEZER = plan_of("freezer_too_warm.rule")


def readings(*marks: tuple[str, int, int]) -> list[Event]:
    return [ev(n, "freezer.temperature_reported", T0 + minute * MINUTE, {"freezer": {
        "id": device, "name": device, "temperature": Decimal(temp), "lot_ids": ["L1"]}})
        for n, (device, minute, temp) in enumerate(marks)]


@pytest.mark.parametrize(("marks", "expected"), [
    # warm from minute 0, still warm at 10: fires once, not again at 11
    ([("F1", 0, -10), ("F1", 5, -12), ("F1", 10, -9), ("F1", 11, -9)], [("F1", 10)]),
    # a cold reading at 6 restarts the count: warm again at 7, fires at 17
    ([("F1", 0, -10), ("F1", 6, -20), ("F1", 7, -10), ("F1", 12, -11), ("F1", 17, -9)],
     [("F1", 17)]),
    # exactly −15 is not above −15; two freezers are separate
    ([("F1", 0, -15), ("F2", 0, -14), ("F1", 10, -15), ("F2", 10, -14)], [("F2", 10)]),
])
def test_freezer_too_warm_matches_on_both_backends(marks, expected):
    found = both(FREEZER, readings(*marks), T0 + timedelta(hours=1))
    assert [(m.key, int((m.at - T0) / MINUTE)) for m in found] == expected


# --- 48 h unshipped ------------------------------------------------------------------------

UNSHIPPED = plan_of("unshipped_48h.rule")


def orders(*marks: tuple[str, str, int]) -> list[Event]:
    kinds = {"confirmed": "sales_order.confirmed", "shipped": "shipment.shipped"}
    return [ev(n, kinds[kind], T0 + timedelta(hours=hours),
               {"order": {"id": order, "no": order, "customer_id": "C-1"}})
            for n, (kind, order, hours) in enumerate(marks)]


@pytest.mark.parametrize(("marks", "expected"), [
    # SO-1 never ships: due at 48 h; SO-2 ships at 47 h: nothing
    ([("confirmed", "SO-1", 0), ("confirmed", "SO-2", 1), ("shipped", "SO-2", 47)],
     [("SO-1", 48)]),
    # shipped after the deadline: the alert already went out at 48 h
    ([("confirmed", "SO-3", 0), ("shipped", "SO-3", 50)], [("SO-3", 48)]),
    # confirmed again (re-confirmed after an edit): the wait starts again
    ([("confirmed", "SO-4", 0), ("confirmed", "SO-4", 24)], [("SO-4", 72)]),
])
def test_unshipped_48h_matches_on_both_backends(marks, expected):
    found = both(UNSHIPPED, orders(*marks), T0 + timedelta(days=5))
    assert [(m.key, int((m.at - T0) / timedelta(hours=1))) for m in found] == expected


def test_durable_rules_refuses_what_it_cannot_express():
    rule = SCANS.by_id["triple_scan_flagged"].rule
    assert isinstance(rule.condition, ir.CountWithin)
    fewer = ir.CountWithin(id=rule.condition.id, event_type=rule.condition.event_type, op="<",
                           threshold=rule.condition.threshold,
                           key_path=rule.condition.key_path, within_ms=100)
    plan = compile_rule_set(ir.RuleSet(rules=(ir.Rule(
        id=rule.id, kind=rule.kind, trigger=rule.trigger, condition=fewer,
        actions=rule.actions),)))
    with pytest.raises(CorrelationUnsupported):
        DurableRulesCorrelator(plan)
