"""Inbound webhooks: one URL per connector, authenticated by its Standard Webhooks signature."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from connectors import SecretBox, inbound
from kernel.clock import SystemClock
from studio.deps import ClockDep, DbDep

router = APIRouter(tags=["webhooks"])
PublicId = Annotated[str, Path(min_length=1, max_length=40)]


class WebhookAccepted(BaseModel):
    """The event the webhook became (or, for a repeat of a webhook-id, the first one)."""

    event_id: str
    event_type: str
    is_duplicate: bool


@router.post("/hooks/{public_id}", response_model=WebhookAccepted,
             responses={401: {"description": "Missing, forged, stale or future signature."}})
async def receive(public_id: PublicId, request: Request, db: DbDep,
                  clock: ClockDep) -> WebhookAccepted:
    """Receive a signed webhook (webhook-id, webhook-timestamp, webhook-signature headers)."""
    body = await request.body()
    box: SecretBox = request.app.state.secret_box
    accepted = await run_in_threadpool(inbound.receive_webhook, db, box, public_id,
                                       dict(request.headers), body, clock,
                                       SystemClock().now())
    return WebhookAccepted(event_id=accepted.event_id, event_type=accepted.event_type,
                           is_duplicate=accepted.is_duplicate)
