"""The event handler that runs reaction rules: load plans, evaluate (pure), execute."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine import ir
from engine.dispatch import OutboxRecord
from engine.evaluate import evaluate
from engine.event_scope import to_event
from engine.executors.production import Applied, ProductionExecutor, load_windows
from engine.rulesets import PlanCache, production_plans


class RuleHandler:
    """Evaluates every production rule set of the event's tenant and applies the decisions."""

    def __init__(self, cache: PlanCache | None = None) -> None:
        self.cache = cache or PlanCache()

    def handle(self, session: Session, event: OutboxRecord, now: datetime) -> list[Applied]:
        """React to one committed event inside the worker's transaction."""
        applied: list[Applied] = []
        plans = production_plans(session, self.cache)
        if not plans:
            return applied
        evaluation_event = to_event(event)
        executor = ProductionExecutor(session, event.tenant_id, now)
        for plan in plans:
            windowed = [rid for rid, rule in plan.by_id.items()
                        if isinstance(rule.temporal, ir.CountWithin | ir.Sustained)]
            # Windows and timers run on the time the event happened, not when a worker
            # got to it: three scans 100 ms apart stay 100 ms apart after a queue delay.
            decision = evaluate(plan, evaluation_event, {}, evaluation_event.occurred_at,
                                windows=load_windows(session, windowed))
            applied += executor.apply(decision)
        return applied
