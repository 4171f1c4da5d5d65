"""Lineage: a ledger row back to its business event, an event forward to all it caused,
and the PDF audit report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response

from engine.lineage.service import LineageService
from studio.deps import DbDep, StockReader

router = APIRouter(tags=["lineage"])
EntryId = Annotated[int, Path(ge=1, le=2**62)]


def lineage(request: Request, db: DbDep) -> LineageService:
    """The lineage service."""
    return LineageService(db, request.app.state.clock)


Lin = Annotated[LineageService, Depends(lineage)]


@router.get("/lineage/ledger/{entry_id}")
def ledger_lineage(entry_id: EntryId, principal: StockReader, lin: Lin) -> dict[str, Any]:
    """The chain event → rule version → rule → action → this ledger row, and the graph."""
    return lin.ledger(principal.tenant_id, entry_id)


@router.get("/lineage/ledger/{entry_id}/report.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def ledger_report(entry_id: EntryId, principal: StockReader, lin: Lin) -> Response:
    """The PDF audit report of this ledger row (Chinese and English)."""
    pdf = lin.ledger_report(principal.tenant_id, principal.tenant_code, entry_id)
    return Response(content=pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="ledger-{entry_id}-audit.pdf"'})


@router.get("/lineage/events/{event_id}")
def event_lineage(event_id: Annotated[str, Path(min_length=1, max_length=36)],
                  principal: StockReader, lin: Lin) -> dict[str, Any]:
    """Everything this event caused: rule versions, actions, ledger rows, alerts, events."""
    return lin.event(principal.tenant_id, event_id)
