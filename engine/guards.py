"""Guard rules: evaluated inside the command's transaction, refusing with the rule's message."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.decision import Event
from engine.errors import GuardRefused
from engine.evaluate import evaluate
from engine.facts import DbFacts, install_interest, load_for_plans
from engine.rulesets import PlanCache, production_plans
from inventory import guarantees


class GuardRunner:
    """The engine's :class:`inventory.StockGuard`: the tenant's production guard rules."""

    def __init__(self, cache: PlanCache | None = None) -> None:
        self.cache = cache or PlanCache()
        install_interest()  # the inventory writes the level events the tenant's rules hear

    def check(self, session: Session, tenant_id: int, event_type: str,
              entities: dict[str, Any], now: datetime) -> None:
        """Evaluate the request; raise :class:`GuardRefused` naming the first rule that blocks.

        Raises:
            GuardRefused: a guard rule blocked the request.
        """
        plans = [p for p in production_plans(session, self.cache) if event_type in p.by_event]
        if not plans:
            return
        event = Event(id=guarantees.new_event_id(), type=event_type, tenant_id=tenant_id,
                      occurred_at=now, payload=entities)
        facts = load_for_plans(DbFacts(session), event, plans)
        for plan in plans:
            blocked = evaluate(plan, event, facts, now).blocked
            if blocked is not None:
                raise GuardRefused(rule=blocked.provenance.rule_id,
                                   version=blocked.provenance.version[:12],
                                   message=str(blocked.arg("message", "")))
