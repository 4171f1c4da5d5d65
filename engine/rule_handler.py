"""The event handler that runs reaction rules: load plans, evaluate (pure), execute."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.decision import Decision, Event
from engine.dispatch import OutboxRecord
from engine.evaluate import evaluate, window_keys
from engine.event_scope import to_event
from engine.executors.actions_events import Cause
from engine.executors.production import Applied, ProductionExecutor
from engine.facts import DbFacts, install_interest, load_for_plans
from engine.governance.rollout import route
from engine.governance.shadow import shadow_live
from engine.price_writes import with_price_writes
from engine.rulesets import PlanCache
from engine.window_store import load_windows, save_windows
from kernel.settings import get_settings


class RuleHandler:
    """Evaluates every production rule set of the event's tenant and applies the decisions.

    Each rule set runs under the version its gray release gives this event (governance);
    versions in shadow see the same event and write only to the shadow journal.
    """

    def __init__(self, cache: PlanCache | None = None,
                 max_cascade_depth: int | None = None) -> None:
        """``max_cascade_depth`` bounds follow-up events (default: the settings')."""
        self.cache = cache or PlanCache()
        install_interest()  # the inventory writes the level events the tenant's rules hear
        self.max_cascade_depth = (get_settings().max_cascade_depth
                                  if max_cascade_depth is None else max_cascade_depth)

    def handle(self, session: Session, event: OutboxRecord, now: datetime) -> list[Applied]:
        """React to one committed event inside the worker's transaction."""
        applied: list[Applied] = []
        evaluation_event = to_event(event)
        routed = route(session, self.cache, evaluation_event)
        executor = ProductionExecutor(session, event.tenant_id, now, cause=Cause.of(event),
                                      max_cascade_depth=self.max_cascade_depth)
        decisions: dict[str, Decision] = {}
        # Facts once for every version that sees the event (production and shadow share
        # the loaded rows): only the loaders the plans' fields need run.
        facts_source = DbFacts(session)
        facts = load_for_plans(facts_source, evaluation_event, [c.plan for c in routed])
        # Only the windows this event touches, each rule set's own, locked (PostgreSQL) in
        # one order (rule set, rule, key) before any action takes a lock of its own.
        windowed = {chosen.name: load_windows(
            session, event.tenant_id, chosen.name,
            window_keys(chosen.plan, evaluation_event, facts), lock=True) for chosen in routed}
        # Rule sets run by name (route sorts them), the order the conflict check assumes;
        # each one's price writes are what the next one reads (prices stack).
        stacked_event: Event = evaluation_event
        stacked_facts: Mapping[str, Any] = facts
        for chosen in routed:
            plan = chosen.plan
            # Windows and timers run on the time the event happened, not when a worker
            # got to it: three scans 100 ms apart stay 100 ms apart after a queue delay.
            decision = evaluate(plan, stacked_event, stacked_facts,
                                evaluation_event.occurred_at,
                                windows=windowed[chosen.name], rule_set=chosen.name)
            decisions[chosen.name] = decision
            applied += executor.apply(decision)
            stacked_event, stacked_facts = with_price_writes(stacked_event, stacked_facts,
                                                             decision)
        shadow_live(session, evaluation_event, decisions, now, self.cache, facts_source)
        # Saved after shadow: a candidate reads production's windows as they were before
        # this event, as production itself did.
        for chosen in routed:
            save_windows(session, event.tenant_id, chosen.name, chosen.plan,
                         decisions[chosen.name].windows, now)
        return applied
