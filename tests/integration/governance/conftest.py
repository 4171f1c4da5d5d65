"""Fixtures of the governance tests: a module database (workers drain every tenant's
outbox), a tenant with stock, and a driver that walks versions through the lifecycle."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dsl import default_registry
from engine.governance import replay, review, versions
from engine.models import RuleSetVersion
from engine.rulesets import PlanCache
from inventory import DocumentRef, guarantees
from tests.integration.engine.conftest import database  # noqa: F401  (module database)

ROOT = Path(__file__).parents[3]
EXAMPLES = ROOT / "examples"
LIMIT = Decimal("0.05")
AUTHOR, REVIEWER, REVIEWER_2 = "user:author", "user:reviewer", "user:reviewer2"


def deposit_rules(hours: int = 2, extra: str = "") -> str:
    """The deposit rule with a chosen hold, plus any extra rule text."""
    text = (EXAMPLES / "rules/deposit_locks_stock.rule").read_text("utf-8")
    return text.replace("for 2h", f"for {hours}h") + extra


PASSING_TESTS = (EXAMPLES / "rules/deposit_locks_stock.tests.toml").read_text("utf-8")


class Governance:
    """Drives versions of one tenant through governance, one transaction per step."""

    def __init__(self, world: Any) -> None:
        self.world, self.db, self.clock = world, world.db, world.clock
        self.tenant_id = world.tenant_id
        self.cache = PlanCache()

    def version(self, source: str, name: str = "deposit", author: str = AUTHOR) -> int:
        with self.db.write(self.tenant_id) as s:
            return versions.create_version(s, self.tenant_id, name, source, default_registry(),
                                           author, self.clock.now()).id

    def get(self, version_id: int) -> RuleSetVersion:
        with self.db.read(self.tenant_id) as s:
            row = versions.get_version(s, version_id)
            s.expunge(row)
            return row

    def state(self, version_id: int) -> str:
        return self.get(version_id).state

    def test(self, version_id: int, text: str = PASSING_TESTS) -> Any:
        with self.db.write(self.tenant_id) as s:
            run = versions.run_tests(s, versions.get_version(s, version_id), text, AUTHOR,
                                     self.clock.now(), self.cache)
            return run.is_passed

    def advance(self, version_id: int, target: str, actor: str = AUTHOR) -> None:
        with self.db.write(self.tenant_id) as s:
            versions.advance(s, versions.get_version(s, version_id), target, actor,
                             self.clock.now())

    def replay(self, version_id: int, hours: int = 72) -> dict[str, Any]:
        now = self.clock.now()
        with self.db.write(self.tenant_id) as s:
            job = replay.create_replay(s, versions.get_version(s, version_id),
                                       now - timedelta(hours=hours), now + timedelta(
                                           seconds=1), AUTHOR, now)
            job_id = job.id
        return replay.run_replay(self.db, self.tenant_id, job_id, self.clock, self.cache,
                                 LIMIT, chunk=3)

    def approve(self, version_id: int, reviewer: str = REVIEWER, **kw: Any) -> None:
        with self.db.write(self.tenant_id) as s:
            review.approve(s, versions.get_version(s, version_id), reviewer, "ok",
                           self.clock.now(), limit=LIMIT, **kw)

    def to_review(self, version_id: int) -> None:
        """Tests, sandbox, shadow, a replay, awaiting review."""
        assert self.test(version_id)
        self.advance(version_id, "sandbox")
        self.advance(version_id, "shadow")
        self.replay(version_id)
        self.advance(version_id, "awaiting_review")

    def to_production(self, version_id: int, **kw: Any) -> None:
        self.to_review(version_id)
        self.approve(version_id, **kw)

    def shop_order(self, no: str, qty: int, warehouse: str = "WH-A",
                   sku: str = "TEA-1", deposit: str = "100.00") -> str:
        """An entity-shaped confirmed deposit order (as a shop connector delivers it)."""
        event_id = guarantees.new_event_id()
        with self.db.write(self.tenant_id) as s:
            guarantees.append_event(s, self.tenant_id, event_id, "sales_order.confirmed",
                                    f"shop-order:{no}", {"order": {
                                        "id": no, "warehouse": warehouse,
                                        "deposit_amount": deposit, "lines": [
                                            {"sku": sku, "warehouse": warehouse, "qty": qty,
                                             "order_no": no}]}}, self.clock.now())
        return event_id


@pytest.fixture
def gov(world: Any) -> Governance:
    """A tenant with TEA-1 (500 in WH-A and WH-B) and a governance driver."""
    world.item("TEA-1")
    for warehouse in ("WH-A", "WH-B"):
        world.receive("TEA-1", warehouse, 500,
                      document=DocumentRef(type="opening_balance", ref="OB"))
    return Governance(world)
