"""The services pack's rules read the events the contracts module really appends: the
outbox payload (decimals as text) goes through ``to_event`` and the installed sandbox
version's plan, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from engine.dispatch import OutboxRecord
from engine.evaluate import evaluate
from engine.event_scope import to_event
from engine.models import RuleSetVersion
from engine.rulesets import PlanCache
from inventory.contracts import Caller, ContractsService, NewContract, NewUsage
from kernel.db import Database
from kernel.models import OutboxEvent
from templates_marketplace import builtin
from templates_marketplace.installer import install
from tests.conftest import TenantWorld


def decided(db: Database, tenant_id: int, now: datetime, rule_set: str, event_type: str
            ) -> list[list[str]]:
    """The action kinds the installed ``rule_set`` decides for each outbox event of
    ``event_type`` in the tenant, oldest first."""
    with db.read(tenant_id) as session:
        version = session.scalar(select(RuleSetVersion).where(RuleSetVersion.name == rule_set))
        assert version is not None and version.state == "sandbox"
        plan = PlanCache().plan(version)
        rows = session.scalars(select(OutboxEvent).where(OutboxEvent.type == event_type)
                               .order_by(OutboxEvent.id)).all()
        records = [OutboxRecord(id=r.id, event_id=r.event_id, tenant_id=tenant_id,
                                type=r.type, key=r.key, payload=r.payload,
                                occurred_at=r.occurred_at, attempts=r.attempts) for r in rows]
    return [[a.kind for a in evaluate(plan, to_event(r), {}, now).actions] for r in records]


def test_usage_and_invoice_events_reach_the_packs_rules(world: TenantWorld) -> None:
    with world.db.write(world.tenant_id) as session:
        install(session, world.tenant_id, builtin("jxc.services"), trust="builtin",
                actor="admin", now=world.clock.now())
    service = ContractsService(world.db, world.clock)
    caller = Caller(tenant_id=world.tenant_id, actor="meter")
    service.create(caller, NewContract(
        no="SVC-7", customer="ACME", title="接口", starts_on=date(2026, 10, 1),
        prices={"api_calls": {"pricing": "per_unit", "tiers": [{"unit_price": "0.25"}]}}))
    for n, qty in enumerate(("1200", "250000")):
        service.record_usage(caller, NewUsage(
            contract="SVC-7", metric="api_calls", qty=Decimal(qty), event_id=f"m-{n}",
            occurred_at=datetime(2026, 10, 3 + n, tzinfo=UTC)))
    service.draft_invoice(caller, "SVC-7", "2026-10")  # 251 200 × 0.25 = 62 800.00

    now = world.clock.now()
    assert decided(world.db, world.tenant_id, now, "jxc.services:usage_spike",
                   "metering.usage_recorded") == [[], ["alert"]]
    assert decided(world.db, world.tenant_id, now, "jxc.services:invoice_review",
                   "invoice_draft.created") == [["alert"]]
