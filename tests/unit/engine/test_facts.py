"""The fact loaders' seam: only what the plan reads is loaded, and it never overwrites the
payload; ``event.*`` fields the payload carries reach the rules."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from dsl import default_registry, parse_and_check
from engine.compiler import Plan, compile_rule_set
from engine.decision import Event
from engine.evaluate import evaluate
from engine.facts import FactLoader, load_for_plans
from engine.lowering_rules import lower_rule_file

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def plan_of(text: str) -> Plan:
    return compile_rule_set(lower_rule_file(parse_and_check(text, default_registry())))


class Counting:
    """A fact source that answers from a table and counts what it was asked."""

    def __init__(self, rows: dict[str, dict[str, dict[str, Any]]]) -> None:
        self.rows, self.asked = rows, []

    def fetch(self, loader: FactLoader, key: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        self.asked.append((loader.name, key))
        return self.rows.get(loader.name, {})


CONFIRMED = Event(id="e1", type="sales_order.confirmed", tenant_id=1, occurred_at=AT,
                  payload={"order": {"id": "SO-1", "no": "SO-1", "deposit_amount": "30"},
                           "customer": {"id": "C1"}, "event": {"actor": "user:alice"}})


def test_a_plan_that_reads_only_the_payload_loads_nothing() -> None:
    plan = plan_of('rule r when sales_order.confirmed if order.deposit_amount > 0 '
                   'then alert role:sales_manager "定金 {order.no}" end')
    source = Counting({})
    assert load_for_plans(source, CONFIRMED, (plan,)) == {}
    assert source.asked == []


def test_only_the_loaders_the_plan_needs_run_and_the_payload_is_kept() -> None:
    plan = plan_of('rule r when sales_order.confirmed if order.total_amount > ¥100 '
                   'then alert role:sales_manager "{order.no}: {order.total_amount}" end')
    # The source also answers order.no: the payload declares it, so it is not taken.
    source = Counting({"order": {"order": {"total_amount": Decimal("300.00"), "no": "WRONG"}},
                       "customer": {"customer": {"level": "vip"}}})
    facts = load_for_plans(source, CONFIRMED, (plan,))
    assert source.asked == [("order", ("SO-1",))]
    assert facts == {"order": {"total_amount": Decimal("300.00")}}
    [alert] = evaluate(plan, CONFIRMED, facts, AT).actions
    assert alert.arg("message") == "SO-1: 300"


def test_event_fields_the_payload_carries_reach_the_rules() -> None:
    plan = plan_of('rule r when sales_order.confirmed if event.actor = "user:alice" '
                   'then alert role:sales_manager "{event.actor} {event.id} '
                   '{event.occurred_at}" end')
    [alert] = evaluate(plan, CONFIRMED, {}, AT).actions
    assert alert.arg("message") == "user:alice e1 2026-11-23 08:00:00+00:00"
