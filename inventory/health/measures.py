"""The self-assessment's measurements, read from recorded rows of one tenant in a window.

Every value here is counted from data the product wrote while working — latency samples
of real stock queries, outbox events, posted stocktakes, ledger rows, refused requests —
never from a number someone typed in. See docs/health.md for each source and formula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from inventory.documents import (
    adjustment,
    purchase_order,
    receipt,
    sales_order,
    sales_return,
    shipment,
    stocktake,
    transfer,
)
from inventory.documents.warehouse_models import Stocktake, StocktakeLine
from inventory.health.models import InputOutcome, StockQuerySample
from inventory.health.scoring import Criterion, Measurement
from inventory.models import LedgerEntry
from kernel.models import OutboxEvent

#: Event-type prefixes of document events (``sales_order.confirmed`` …).
DOCUMENT_TYPES = tuple(m.DOCUMENT for m in (adjustment, purchase_order, receipt, sales_order,
                                            sales_return, shipment, stocktake, transfer))
#: The standard pack's duplicate-scan rule emits this when it flags a double feed.
DUPLICATE_SCAN_FLAGGED = "scan.duplicate_flagged"
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True, kw_only=True)
class Window:
    """The time range ``[since, until]`` a report covers (``until`` is usually "now")."""

    since: datetime
    until: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncOutcomes:
    """Concluded outbound deliveries of the connectors (counted by the connectors layer)."""

    delivered: int = 0
    dead: int = 0


def _share(good: int, total: int) -> Decimal | None:
    """``good ÷ total`` in percent to 4 places; None when there is nothing to count."""
    if total == 0:
        return None
    return (Decimal(good) * _HUNDRED / Decimal(total)).quantize(Decimal("0.0001"))


def _between(column: Any, window: Window) -> ColumnElement[bool]:
    return and_(column >= window.since, column <= window.until)


def is_document_event(event_type: Any) -> ColumnElement[bool]:
    """True for event types of a document (``sales_order.confirmed``, ``stocktake.posted`` …)."""
    return or_(*(event_type.startswith(f"{t}.", autoescape=True) for t in DOCUMENT_TYPES))


def stock_query_p95(session: Session, window: Window) -> Measurement:
    """p95 (nearest rank) of the recorded stock query latencies, in ms."""
    answered = and_(_between(StockQuerySample.measured_at, window), StockQuerySample.status < 500)
    count = session.scalar(select(func.count()).select_from(StockQuerySample)
                           .where(answered)) or 0
    if count == 0:
        return Measurement(criterion=Criterion.STOCK_QUERY_P95, value=None,
                           evidence={"samples": 0})
    rank = math.ceil(0.95 * count)  # nearest-rank percentile: the rank-th smallest
    micros = session.scalar(select(StockQuerySample.duration_us).where(answered)
                            .order_by(StockQuerySample.duration_us)
                            .offset(rank - 1).limit(1)) or 0
    return Measurement(criterion=Criterion.STOCK_QUERY_P95,
                       value=(Decimal(micros) / 1000).quantize(Decimal("0.1")),
                       evidence={"samples": count, "rank": rank})


def document_sync(session: Session, window: Window, deliveries: SyncOutcomes) -> Measurement:
    """Share of concluded document syncs that succeeded, in %.

    A sync is a document event handed to the workers (outbox: ``done`` or ``parked``) or
    an outbound connector delivery (``delivered`` or ``dead``). Pending ones are not yet
    concluded and are left out.
    """
    rows = session.execute(select(OutboxEvent.status, func.count())
                           .where(is_document_event(OutboxEvent.type),
                                  _between(OutboxEvent.occurred_at, window),
                                  OutboxEvent.status.in_(("done", "parked")))
                           .group_by(OutboxEvent.status)).all()
    by_status = {status: int(n) for status, n in rows}
    done, parked = by_status.get("done", 0), by_status.get("parked", 0)
    good = done + deliveries.delivered
    total = good + parked + deliveries.dead
    return Measurement(criterion=Criterion.DOCUMENT_SYNC, value=_share(good, total),
                       evidence={"events_done": done, "events_parked": parked,
                                 "deliveries_delivered": deliveries.delivered,
                                 "deliveries_dead": deliveries.dead})


def count_variance(session: Session, window: Window) -> Measurement:
    """Pooled count-variance rate of the stocktakes posted in the window, in %.

    Σ|system − counted| ÷ Σ system over all their counted lines (a big count weighs more
    than a small one, as in a single stocktake's own rate).
    """
    rows = session.execute(
        select(StocktakeLine.system_qty, StocktakeLine.counted_qty)
        .join(Stocktake, Stocktake.id == StocktakeLine.stocktake_id)
        .where(Stocktake.status == "posted", _between(Stocktake.posted_at, window),
               StocktakeLine.counted_qty.is_not(None))).all()
    pairs = [(system, counted) for system, counted in rows if counted is not None]
    rate = stocktake.total_variance_rate(pairs)
    stocktakes = session.scalar(select(func.count()).select_from(Stocktake).where(
        Stocktake.status == "posted", _between(Stocktake.posted_at, window))) or 0
    value = None if rate is None else (rate * _HUNDRED).quantize(Decimal("0.0001"))
    return Measurement(criterion=Criterion.COUNT_VARIANCE, value=value,
                       evidence={"stocktakes": stocktakes, "lines": len(pairs)})


def movement_traced(session: Session, window: Window) -> Measurement:
    """Share of ledger rows written in the window that name their document, in %."""
    in_window = _between(LedgerEntry.created_at, window)
    total = session.scalar(select(func.count()).select_from(LedgerEntry).where(in_window)) or 0
    traced = session.scalar(select(func.count()).select_from(LedgerEntry).where(
        in_window, LedgerEntry.document_type.is_not(None), LedgerEntry.document_type != "",
        LedgerEntry.document_ref.is_not(None), LedgerEntry.document_ref != "")) or 0
    return Measurement(criterion=Criterion.MOVEMENT_TRACED, value=_share(traced, total),
                       evidence={"ledger_rows": total, "traced": traced,
                                 "untraced": total - traced})


def input_intercepted(session: Session, window: Window, rejected_messages: int) -> Measurement:
    """Share of abnormal inputs that were refused or flagged, in %.

    Intercepted: requests refused with a problem (recorded), duplicate scans flagged by
    the rules (outbox), inbound connector messages rejected (counted by the connectors
    layer, ``rejected_messages``). Escaped: requests that ended in a server error.
    """
    rows = session.execute(select(InputOutcome.outcome, func.count())
                           .where(_between(InputOutcome.occurred_at, window))
                           .group_by(InputOutcome.outcome)).all()
    by_outcome = {outcome: int(n) for outcome, n in rows}
    flagged = session.scalar(select(func.count()).select_from(OutboxEvent).where(
        OutboxEvent.type == DUPLICATE_SCAN_FLAGGED,
        _between(OutboxEvent.occurred_at, window))) or 0
    refused, escaped = by_outcome.get("refused", 0), by_outcome.get("escaped", 0)
    intercepted = refused + flagged + rejected_messages
    return Measurement(criterion=Criterion.INPUT_INTERCEPTED,
                       value=_share(intercepted, intercepted + escaped),
                       evidence={"refused_requests": refused, "duplicate_scans_flagged": flagged,
                                 "rejected_messages": rejected_messages,
                                 "escaped": escaped})
