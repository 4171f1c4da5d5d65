"""The evidence a version needs before review, and the divergence check before promotion."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.canonical import from_data
from engine.governance.divergence import Divergence
from engine.governance.errors import NoShadowEvidence
from engine.governance.models import ReplayJob, ShadowJournal, VersionGovernance
from engine.ir import RuleSet
from engine.models import RuleSetVersion
from kernel.models import OutboxEvent


def latest_replay(session: Session, version: RuleSetVersion) -> ReplayJob | None:
    """The most recent finished replay of ``version``."""
    return session.scalar(select(ReplayJob).where(ReplayJob.version_id == version.id,
                                                  ReplayJob.status == "done")
                          .order_by(ReplayJob.id.desc()).limit(1))


def trigger_types(version: RuleSetVersion) -> frozenset[str]:
    """The event types the version's rules are triggered by."""
    rule_set = from_data(version.ir)
    assert isinstance(rule_set, RuleSet)
    return frozenset(rule.trigger for rule in rule_set.rules)


def journal_divergence(session: Session, version: RuleSetVersion, limit: Decimal
                       ) -> dict[str, Any] | None:
    """Divergence over the live shadow journal of ``version``; None when it is empty."""
    rows = session.execute(select(ShadowJournal.production_actions,
                                  ShadowJournal.candidate_actions, OutboxEvent.type)
                           .outerjoin(OutboxEvent,
                                      OutboxEvent.event_id == ShadowJournal.event_id)
                           .where(ShadowJournal.version_id == version.id)
                           .order_by(ShadowJournal.id)).all()
    if not rows:
        return None
    triggers = trigger_types(version)
    totals = Divergence()
    for row in rows:
        totals.add(row.production_actions, row.candidate_actions,
                   is_trigger=row.type in triggers)
    governance = session.get(VersionGovernance, version.id)
    until = governance.shadow_until if governance is not None else None
    started = governance.state_changed_at if governance is not None else None
    return {"source": "shadow", "window_from": started, "window_to": until,
            **totals.report(limit)}


def evidence(session: Session, version: RuleSetVersion, limit: Decimal
             ) -> dict[str, Any] | None:
    """The divergence report that counts for ``version``: its latest finished replay, or
    else its live shadow journal; with its window and how many events of the rules'
    trigger types it saw (``trigger_events``; None for a replay finished before this was
    counted)."""
    replay = latest_replay(session, version)
    if replay is not None and replay.result is not None:
        return {"source": f"replay:{replay.id}", "window_from": replay.window_from,
                "window_to": replay.window_to, "trigger_events": None, **replay.result}
    return journal_divergence(session, version, limit)


def require_evidence(session: Session, version: RuleSetVersion, now: datetime,
                     shadow_hours: int = 72) -> None:
    """Refuse review until the evidence covers the shadow window, in the tenant's time.

    Either the live shadow ran its whole window (``now``, the tenant's time, is at or past
    ``shadow_until``), or a finished replay covered at least ``shadow_hours`` of recorded
    events. A journal row alone is not evidence: minutes of live shadow are refused.

    Raises:
        NoShadowEvidence: neither, with how far the live shadow has come.
    """
    needed = timedelta(hours=shadow_hours)
    replays = session.execute(select(ReplayJob.window_from, ReplayJob.window_to)
                              .where(ReplayJob.version_id == version.id,
                                     ReplayJob.status == "done")).all()
    if any(r.window_to - r.window_from >= needed for r in replays):
        return
    row = session.get(VersionGovernance, version.id)
    until = row.shadow_until if row is not None else None
    if until is not None and now >= until:
        return
    if until is None:
        reason = (f"no replay of {shadow_hours} h has finished and it is not in live shadow",
                  f"尚无完成的 {shadow_hours} 小时回放，也未在影子运行")
    else:
        ran = max(now - (until - needed), timedelta(0))
        hours = f"{ran.total_seconds() / 3600:.2f}"
        reason = (f"live shadow has run {hours} h of {shadow_hours} h (until "
                  f"{until.isoformat()}, tenant time) and no replay of {shadow_hours} h "
                  "has finished",
                  f"影子运行仅 {hours} 小时（需 {shadow_hours} 小时，至租户时间 "
                  f"{until.isoformat()}），且尚无完成的 {shadow_hours} 小时回放")
    raise NoShadowEvidence(version_id=version.id, reason=reason[0], reason_zh=reason[1])
