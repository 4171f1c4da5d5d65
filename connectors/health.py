"""What the connectors contribute to the data-health self-assessment (docs/health.md).

Document sync: outbound deliveries of document events that concluded (``delivered`` or
``dead``; pending ones are still being retried). Abnormal input: inbound messages the
connectors refused (bad signature, stale, unmappable), kept as rejection records.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from connectors.models import Delivery, Rejection
from inventory.health import SyncOutcomes, Window, is_document_event
from kernel.models import OutboxEvent


def document_deliveries(session: Session, window: Window) -> SyncOutcomes:
    """Concluded deliveries of document events created in ``window``, by outcome."""
    rows = session.execute(
        select(Delivery.status, func.count())
        .join(OutboxEvent, OutboxEvent.event_id == Delivery.event_id)
        .where(is_document_event(OutboxEvent.type), Delivery.created_at >= window.since,
               Delivery.created_at <= window.until, Delivery.status.in_(("delivered", "dead")))
        .group_by(Delivery.status)).all()
    by_status = {status: int(n) for status, n in rows}
    return SyncOutcomes(delivered=by_status.get("delivered", 0), dead=by_status.get("dead", 0))


def rejected_messages(session: Session, window: Window) -> int:
    """Inbound messages refused in ``window``."""
    return session.scalar(select(func.count()).select_from(Rejection).where(
        Rejection.received_at >= window.since, Rejection.received_at <= window.until)) or 0
