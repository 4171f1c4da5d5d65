"""Inbound webhooks: one URL per connector, authenticated by its Standard Webhooks signature.

Body rules come first, before any other work: only ``application/json`` (UTF-8) is taken
(415 otherwise) and the body may not exceed the connector's limit (``max_body_bytes``,
1 MB by default; 413), read in chunks and never past it. Each refusal leaves a rejection.
This route is exempt from the app's general body guard (studio.guards), whose binary
upload allowance must not apply here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from connectors import SecretBox, inbound
from kernel.clock import SystemClock, tenant_now
from studio.deps import ClockDep, DbDep

router = APIRouter(tags=["webhooks"])
PublicId = Annotated[str, Path(min_length=1, max_length=40)]


class WebhookAccepted(BaseModel):
    """The event the webhook became (or, for a repeat of a webhook-id, the first one)."""

    event_id: str
    event_type: str
    is_duplicate: bool


@router.post("/hooks/{public_id}", response_model=WebhookAccepted,
             responses={401: {"description": "Missing, forged, stale or future signature."},
                        415: {"description": "The body is not application/json.",
                              "content": {"application/problem+json": {"schema": {
                                  "$ref": "#/components/schemas/Problem"}}}}})
async def receive(public_id: PublicId, request: Request, db: DbDep,
                  clock: ClockDep) -> WebhookAccepted:
    """Receive a signed webhook (webhook-id, webhook-timestamp, webhook-signature headers)."""
    target = await run_in_threadpool(inbound.find_webhook, db, public_id)
    now = tenant_now(clock, target.tenant_id)  # refusals dated on the tenant's clock
    await run_in_threadpool(inbound.check_envelope, db, target,
                            request.headers.get("content-type"),
                            request.headers.get("content-length"), now)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > target.body_limit:
            await run_in_threadpool(inbound.refuse_too_large, db, target, now, size)
        chunks.append(chunk)
    box: SecretBox = request.app.state.secret_box
    accepted = await run_in_threadpool(inbound.receive_webhook, db, box, target,
                                       dict(request.headers), b"".join(chunks), clock,
                                       SystemClock().now())
    return WebhookAccepted(event_id=accepted.event_id, event_type=accepted.event_type,
                           is_duplicate=accepted.is_duplicate)
