"""Outbound deliveries (the delivery log and dead letters), re-send, inbound rejections."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from connectors import deliveries, inbound
from connectors.models import Connector, Delivery
from studio.deps import Admin, ClockDep, DbDep, PagingDep
from studio.schemas import Page

router = APIRouter(tags=["connectors"])
DeliveryId = Annotated[str, Path(min_length=1, max_length=36)]


class AttemptOut(BaseModel):
    """One attempt of a delivery."""

    model_config = ConfigDict(from_attributes=True)
    attempt: int
    attempted_at: datetime
    #: delivered, failed (retried later) or refused (egress not allowed; not retried).
    outcome: str
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(BaseModel):
    """An outbound message and how its sending went."""

    delivery_id: str
    connector: str
    event_id: str | None
    target: str
    payload: dict[str, Any]
    #: pending (waiting for its next attempt), delivered, or dead (gave up; re-send it).
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    log: list[AttemptOut] | None = None


class RejectionOut(BaseModel):
    """An inbound message that was refused (only this record is kept, never its body)."""

    connector: str
    message_id: str | None
    reason: str
    #: Why, in words (e.g. the JSON Schema rule the payload broke), when known.
    detail: str | None = None
    received_at: datetime


def _out(session: Session, row: Delivery, with_log: bool = False) -> DeliveryOut:
    connector = session.get(Connector, row.connector_id)
    assert connector is not None  # connectors are soft-deleted, never removed
    log = [AttemptOut.model_validate(a) for a in deliveries.attempts(session, row)] \
        if with_log else None
    return DeliveryOut(delivery_id=row.delivery_id, connector=connector.name,
                       event_id=row.event_id, target=row.target, payload=row.payload,
                       status=row.status, attempts=row.attempts,
                       next_attempt_at=row.next_attempt_at,
                       last_status_code=row.last_status_code, last_error=row.last_error,
                       created_at=row.created_at, delivered_at=row.delivered_at, log=log)


@router.get("/connector-deliveries", response_model=Page[DeliveryOut])
def list_deliveries(
    principal: Admin, db: DbDep, paging: PagingDep,
    status_: Annotated[Literal["pending", "delivered", "dead"] | None,
                       Query(alias="status")] = None,
) -> Page[DeliveryOut]:
    """Outbound deliveries, newest first; ``status=dead`` is the dead-letter list."""
    with db.read(principal.tenant_id) as session:
        rows, total = deliveries.list_deliveries(session, status_, paging.offset, paging.limit)
        items = [_out(session, r) for r in rows]
    return Page(items=items, count=total, offset=paging.offset, limit=paging.limit)


@router.get("/connector-deliveries/{delivery_id}", response_model=DeliveryOut)
def get_delivery(delivery_id: DeliveryId, principal: Admin, db: DbDep) -> DeliveryOut:
    """One delivery with its log of attempts."""
    with db.read(principal.tenant_id) as session:
        return _out(session, deliveries.get(session, delivery_id), with_log=True)


@router.post("/connector-deliveries/{delivery_id}/resend", response_model=DeliveryOut)
def resend(delivery_id: DeliveryId, principal: Admin, db: DbDep,
           clock: ClockDep) -> DeliveryOut:
    """Send a delivery again now (a dead letter gets a fresh budget of attempts)."""
    with db.write(principal.tenant_id) as session:
        return _out(session, deliveries.resend(session, delivery_id, clock.now()))


@router.get("/connector-rejections", response_model=Page[RejectionOut])
def list_rejections(principal: Admin, db: DbDep, paging: PagingDep) -> Page[RejectionOut]:
    """Refused inbound messages (bad signature, stale, replayed late, unmappable)."""
    with db.read(principal.tenant_id) as session:
        rows, total = inbound.list_rejections(session, paging.offset, paging.limit)
        items = [RejectionOut(connector=name, message_id=r.message_id, reason=r.reason,
                              detail=r.detail, received_at=r.received_at) for r, name in rows]
    return Page(items=items, count=total, offset=paging.offset, limit=paging.limit)
