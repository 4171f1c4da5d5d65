"""The evidence a version needs before review, and the divergence check before promotion."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.governance.divergence import Divergence
from engine.governance.errors import NoShadowEvidence
from engine.governance.models import ReplayJob, ShadowJournal
from engine.models import RuleSetVersion


def latest_replay(session: Session, version: RuleSetVersion) -> ReplayJob | None:
    """The most recent finished replay of ``version``."""
    return session.scalar(select(ReplayJob).where(ReplayJob.version_id == version.id,
                                                  ReplayJob.status == "done")
                          .order_by(ReplayJob.id.desc()).limit(1))


def journal_divergence(session: Session, version: RuleSetVersion, limit: Decimal
                       ) -> dict[str, Any] | None:
    """Divergence over the live shadow journal of ``version``; None when it is empty."""
    rows = session.execute(select(ShadowJournal.production_actions,
                                  ShadowJournal.candidate_actions)
                           .where(ShadowJournal.version_id == version.id)
                           .order_by(ShadowJournal.id)).all()
    if not rows:
        return None
    totals = Divergence()
    for row in rows:
        totals.add(row.production_actions, row.candidate_actions)
    return {"source": "shadow", **totals.report(limit)}


def evidence(session: Session, version: RuleSetVersion, limit: Decimal
             ) -> dict[str, Any] | None:
    """The divergence report that counts for ``version``: its latest finished replay, or
    else its live shadow journal."""
    replay = latest_replay(session, version)
    if replay is not None and replay.result is not None:
        return {"source": f"replay:{replay.id}", **replay.result}
    return journal_divergence(session, version, limit)


def require_evidence(session: Session, version: RuleSetVersion) -> None:
    """Refuse review until a replay finished or the shadow journal has events.

    Raises:
        NoShadowEvidence: neither exists yet.
    """
    has_replay = latest_replay(session, version) is not None
    has_journal = (session.scalar(select(func.count()).select_from(ShadowJournal)
                                  .where(ShadowJournal.version_id == version.id)) or 0) > 0
    if not (has_replay or has_journal):
        raise NoShadowEvidence(version_id=version.id)
