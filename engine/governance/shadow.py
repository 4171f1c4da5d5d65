"""Shadow, live: every production event is also evaluated by each version in shadow.

The shadow executor's only write is one row of the shadow journal per (event, candidate):
what production did beside what the candidate would have done. It never touches stock,
the inbox, timers, effects or window state (a candidate reads its rule set's windows as
production saved them before this event, and never saves its own), so a shadow version
cannot change anything real.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.decision import Decision, Event
from engine.evaluate import evaluate, window_keys
from engine.facts import DbFacts, FactSource, load_for_plans
from engine.governance.divergence import summarise
from engine.governance.models import ShadowJournal, VersionGovernance
from engine.models import RuleSetVersion
from engine.price_writes import before_rule_set
from engine.rulesets import PlanCache
from engine.window_store import load_windows


class ShadowExecutor:
    """Writes decisions to the shadow journal, and nowhere else."""

    def __init__(self, session: Session, tenant_id: int, now: datetime) -> None:
        self.session, self.tenant_id, self.now = session, tenant_id, now

    def record(self, candidate: RuleSetVersion, decision: Decision,
               production: Decision | None) -> ShadowJournal:
        """Journal what the candidate would have done beside what production did."""
        row = ShadowJournal(
            tenant_id=self.tenant_id, version_id=candidate.id, event_id=decision.event_id,
            production_version=production.version if production else None,
            production_actions=summarise(production.actions) if production else [],
            candidate_actions=summarise(decision.actions), recorded_at=self.now)
        self.session.add(row)
        return row


def shadow_candidates(session: Session, now: datetime) -> list[RuleSetVersion]:
    """Versions in shadow whose live window is still open."""
    return list(session.scalars(
        select(RuleSetVersion).join(VersionGovernance,
                                    VersionGovernance.version_id == RuleSetVersion.id)
        .where(RuleSetVersion.state == "shadow", VersionGovernance.shadow_until > now)
        .order_by(RuleSetVersion.id)))


def shadow_live(session: Session, event: Event, production: Mapping[str, Decision],
                now: datetime, cache: PlanCache, facts: FactSource | None = None) -> int:
    """Evaluate ``event`` with every live shadow candidate and journal it; returns how many.

    ``production`` is the decision each rule set's production version made, by name;
    ``facts`` the loaders' source production used (the same rows are read only once).
    """
    candidates = shadow_candidates(session, now)
    if not candidates:
        return 0
    executor = ShadowExecutor(session, event.tenant_id, now)
    source = facts or DbFacts(session)
    for version in candidates:
        plan = cache.plan(version)
        facts_loaded = load_for_plans(source, event, (plan,))
        # Prices stack as in production: the candidate reads what the rule sets before
        # its own (by name) set.
        seen, facts_seen = before_rule_set(event, facts_loaded, production, version.name)
        windowed = load_windows(session, event.tenant_id, version.name,
                                window_keys(plan, seen, facts_seen))
        decision = evaluate(plan, seen, facts_seen, event.occurred_at,
                            windows=windowed, rule_set=version.name)
        executor.record(version, decision, production.get(version.name))
    session.flush()
    return len(candidates)
