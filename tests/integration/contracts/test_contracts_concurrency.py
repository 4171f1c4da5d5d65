"""Concurrent meter resends and concurrent invoice drafts, with real threads and their own
connections, on SQLite and PostgreSQL: one record, one draft, and no server error."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from inventory.contracts import Caller, ContractsService, NewContract, NewMilestone, NewUsage
from inventory.contracts.errors import InvoiceAlreadyDrafted
from inventory.contracts.models import InvoiceDraft, UsageRecord
from kernel.models import OutboxEvent
from tests.conftest import TenantWorld


def together(work: Callable[[], Any], n: int = 2) -> list[Any]:
    """Run ``work`` in ``n`` threads released at once; their results or exceptions."""
    start = threading.Barrier(n)
    results: list[Any] = []
    lock = threading.Lock()

    def run() -> None:
        start.wait()
        try:
            found: Any = work()
        except Exception as exc:  # noqa: BLE001  (the test inspects what each thread got)
            found = exc
        with lock:
            results.append(found)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def count(world: TenantWorld, model: Any) -> int:
    with world.db.read(None) as session:
        return session.scalar(select(func.count()).select_from(model)
                              .where(model.tenant_id == world.tenant_id)) or 0


def test_a_meter_event_sent_twice_at_once_is_recorded_once(world: TenantWorld) -> None:
    service = ContractsService(world.db, world.clock)
    caller = Caller(tenant_id=world.tenant_id, actor="meter")
    service.create(caller, NewContract(
        no="SVC-9", customer="ACME", title="接口", starts_on=date(2026, 10, 1),
        prices={"api_calls": {"pricing": "per_unit", "tiers": [{"unit_price": "0.01"}]}}))
    usage = NewUsage(contract="SVC-9", metric="api_calls", qty=Decimal("40"),
                     occurred_at=datetime(2026, 10, 3, tzinfo=UTC), event_id="meter-1")

    answers = together(lambda: service.record_usage(caller, usage))

    assert not [a for a in answers if isinstance(a, Exception)], answers
    assert sorted(a["duplicate"] for a in answers) == [False, True]
    assert len({a["id"] for a in answers}) == 1
    assert count(world, UsageRecord) == 1

    drafts = together(lambda: service.draft_invoice(caller, "SVC-9", "2026-10"))

    made = [d for d in drafts if isinstance(d, dict)]
    refused = [d for d in drafts if isinstance(d, InvoiceAlreadyDrafted)]
    assert len(made) == 1 and len(refused) == 1, drafts
    assert made[0]["total"] == "0.40"
    assert count(world, InvoiceDraft) == 1


def test_a_milestone_reached_twice_at_once_is_reached_and_announced_once(
        world: TenantWorld) -> None:
    service = ContractsService(world.db, world.clock)
    caller = Caller(tenant_id=world.tenant_id, actor="pm")
    service.create(caller, NewContract(
        no="SVC-8", customer="ACME", title="上线", starts_on=date(2026, 10, 1), prices={},
        milestones=(NewMilestone(code="GO", title="上线", amount=Decimal("10.00")),)))

    answers = together(lambda: service.reach(caller, "SVC-8", "GO"))

    assert sorted(type(a).__name__ for a in answers) == ["AlreadyDone", "dict"], answers
    with world.db.read(None) as session:
        events = session.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.tenant_id == world.tenant_id,
            OutboxEvent.type == "contract.milestone_reached"))
    assert events == 1
