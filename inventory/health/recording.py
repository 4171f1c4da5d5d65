"""Writing what the recorder measured: latency samples and input outcomes, in batches.

Nothing here runs inside a request's own transaction: the studio's recorder buffers in
memory and calls :func:`store` after responses have been sent (docs/health.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, delete, insert
from sqlalchemy.orm import Session

from inventory.health.models import InputOutcome, StockQuerySample


@dataclass(frozen=True, slots=True, kw_only=True)
class LatencySample:
    """One answered stock query."""

    route: str
    status: int
    duration_us: int
    measured_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class OutcomeRecord:
    """One abnormal input: ``refused`` with a problem code, or ``escaped`` (5xx)."""

    outcome: str
    code: str
    status: int
    route: str
    occurred_at: datetime


def store(session: Session, tenant_id: int, samples: Sequence[LatencySample],
          outcomes: Sequence[OutcomeRecord]) -> None:
    """Insert one tenant's buffered samples and outcomes (two multi-row inserts)."""
    if samples:
        session.execute(insert(StockQuerySample), [
            {"tenant_id": tenant_id, "route": s.route[:120], "status": s.status,
             "duration_us": max(0, s.duration_us), "measured_at": s.measured_at}
            for s in samples])
    if outcomes:
        session.execute(insert(InputOutcome), [
            {"tenant_id": tenant_id, "outcome": o.outcome, "code": o.code[:80],
             "status": o.status, "route": o.route[:120], "occurred_at": o.occurred_at}
            for o in outcomes])


def prune(session: Session, before: datetime) -> int:
    """Delete the session's tenant's samples and outcomes older than ``before``."""
    removed = 0
    for stmt in (delete(StockQuerySample).where(StockQuerySample.measured_at < before),
                 delete(InputOutcome).where(InputOutcome.occurred_at < before)):
        result: CursorResult[Any] = session.execute(stmt)  # type: ignore[assignment]
        removed += result.rowcount
    return removed
