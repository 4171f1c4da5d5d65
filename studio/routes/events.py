"""Outbox events: see what the workers did, and send a parked event back to them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from engine import dispatch
from studio.deps import Admin, DbDep, PagingDep, StockReader
from studio.schemas import Page

router = APIRouter(tags=["events"])
EventId = Annotated[str, Path(min_length=1, max_length=36)]


class EventOut(BaseModel):
    """A domain event and how the workers handled it."""

    event_id: str
    type: str
    key: str
    payload: dict[str, Any]
    occurred_at: datetime
    #: pending (waiting or retrying), done, or parked (kept with its error, never dropped).
    status: str
    attempts: int
    last_error: str | None
    processed_at: datetime | None


@router.get("/events", response_model=Page[EventOut])
def list_events(
    principal: StockReader, db: DbDep, paging: PagingDep,
    status_: Annotated[Literal["pending", "done", "parked"] | None,
                       Query(alias="status")] = None,
) -> Page[EventOut]:
    """Domain events, newest first; ``status=parked`` lists the ones that kept failing."""
    with db.read(principal.tenant_id) as session:
        rows, total = dispatch.list_events(session, principal.tenant_id, status_,
                                           paging.offset, paging.limit)
    return Page(items=[EventOut(**r) for r in rows], count=total, offset=paging.offset,
                limit=paging.limit)


@router.post("/events/{event_id}/retry", response_model=EventOut)
def retry_event(event_id: EventId, principal: Admin, db: DbDep) -> dict[str, Any]:
    """Send a parked event back to the workers."""
    with db.write(principal.tenant_id) as session:
        return dispatch.retry_parked(session, principal.tenant_id, event_id)
