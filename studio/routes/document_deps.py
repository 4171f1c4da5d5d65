"""What every document router shares: the services dependency, the number path parameter
and the page shape."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request

from inventory.documents import ApprovalThreshold, DocumentServices
from kernel.settings import Settings
from studio.deps import ClockDep, DbDep, Paging

No = Annotated[str, Path(min_length=1, max_length=40, description="The document number.")]


def get_documents(request: Request, db: DbDep, clock: ClockDep) -> DocumentServices:
    """The document services on the application's database, clock, settings and guard rules."""
    settings: Settings = request.app.state.settings
    threshold = ApprovalThreshold(qty=settings.adjustment_approval_qty,
                                  value=settings.adjustment_approval_value)
    return DocumentServices(db, clock, guard=request.app.state.guard, threshold=threshold)


Docs = Annotated[DocumentServices, Depends(get_documents)]


def page_of(rows: tuple[list[dict[str, Any]], int], paging: Paging) -> dict[str, Any]:
    """A page answer from (rows, total)."""
    return {"items": rows[0], "count": rows[1], "offset": paging.offset, "limit": paging.limit}
