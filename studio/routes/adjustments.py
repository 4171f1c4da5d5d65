"""Adjustments (库存调整单): the only correction of stock outside another document.

A reason from the list and at least one photo, always; above the configured threshold
a second user, never the creator, approves before anything posts.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status

from inventory.documents import AdjustmentReason, NewAdjustment, NewAdjustmentLine
from studio.deps import IdempotencyKey, PagingDep, StockReader, StockWriter
from studio.routes.document_deps import Docs, No, page_of
from studio.routes.stock import context
from studio.schemas import Page
from studio.schemas_warehouse import AdjustmentCreate, AdjustmentOut, RejectIn

router = APIRouter(tags=["adjustments"])
StatusQuery = Annotated[Literal["draft", "awaiting_approval", "posted", "rejected",
                                "cancelled"] | None, Query(alias="status")]


@router.post("/adjustments", response_model=AdjustmentOut, status_code=status.HTTP_201_CREATED)
def create_adjustment(body: AdjustmentCreate, principal: StockWriter, docs: Docs,
                      key: IdempotencyKey = None) -> dict[str, Any]:
    """Write a draft adjustment (reason and photos required)."""
    new = NewAdjustment(**{**body.model_dump(), "reason": AdjustmentReason(body.reason),
                           "lines": tuple(NewAdjustmentLine(**line.model_dump())
                                          for line in body.lines)})
    return docs.adjustments.create(context(principal, key), new)


@router.get("/adjustments", response_model=Page[AdjustmentOut])
def list_adjustments(principal: StockReader, docs: Docs, paging: PagingDep,
                     status_: StatusQuery = None) -> dict[str, Any]:
    """Adjustments, newest first."""
    return page_of(docs.adjustments.list(principal.tenant_id, status_, paging.offset,
                                         paging.limit), paging)


@router.get("/adjustments/{no}", response_model=AdjustmentOut)
def get_adjustment(no: No, principal: StockReader, docs: Docs) -> dict[str, Any]:
    """One adjustment."""
    return docs.adjustments.get(principal.tenant_id, no)


@router.post("/adjustments/{no}/submit", response_model=AdjustmentOut)
def submit_adjustment(no: No, principal: StockWriter, docs: Docs,
                      key: IdempotencyKey = None) -> dict[str, Any]:
    """Post it if within the threshold, else send it to a second user for approval."""
    return docs.adjustments.submit(context(principal, key), no)


@router.post("/adjustments/{no}/approve", response_model=AdjustmentOut)
def approve_adjustment(no: No, principal: StockWriter, docs: Docs,
                       key: IdempotencyKey = None) -> dict[str, Any]:
    """Approve and post (a user other than the creator)."""
    return docs.adjustments.approve(context(principal, key), no)


@router.post("/adjustments/{no}/reject", response_model=AdjustmentOut)
def reject_adjustment(no: No, body: RejectIn, principal: StockWriter, docs: Docs,
                      key: IdempotencyKey = None) -> dict[str, Any]:
    """Refuse it (a user other than the creator); stock is unchanged."""
    return docs.adjustments.reject(context(principal, key), no, body.reason)


@router.post("/adjustments/{no}/cancel", response_model=AdjustmentOut)
def cancel_adjustment(no: No, principal: StockWriter, docs: Docs,
                      key: IdempotencyKey = None) -> dict[str, Any]:
    """Withdraw a draft or an adjustment awaiting approval."""
    return docs.adjustments.cancel(context(principal, key), no)
