"""Transfers (调拨单): draft → in transit (stock in the source's transit location) → received."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status

from inventory.documents import NewTransfer, NewTransferLine
from studio.deps import IdempotencyKey, PagingDep, StockReader, StockWriter
from studio.routes.document_deps import Docs, No, page_of
from studio.routes.stock import context
from studio.schemas import Page
from studio.schemas_warehouse import TransferCreate, TransferOut

router = APIRouter(tags=["transfers"])
StatusQuery = Annotated[Literal["draft", "in_transit", "received", "returned", "cancelled"]
                        | None, Query(alias="status")]


@router.post("/transfers", response_model=TransferOut, status_code=status.HTTP_201_CREATED)
def create_transfer(body: TransferCreate, principal: StockWriter, docs: Docs,
                    key: IdempotencyKey = None) -> dict[str, Any]:
    """Write a draft transfer between two warehouses."""
    new = NewTransfer(**{**body.model_dump(), "lines": tuple(
        NewTransferLine(**line.model_dump()) for line in body.lines)})
    return docs.transfers.create(context(principal, key), new)


@router.get("/transfers", response_model=Page[TransferOut])
def list_transfers(principal: StockReader, docs: Docs, paging: PagingDep,
                   status_: StatusQuery = None) -> dict[str, Any]:
    """Transfers, newest first."""
    return page_of(docs.transfers.list(principal.tenant_id, status_, paging.offset,
                                       paging.limit), paging)


@router.get("/transfers/{no}", response_model=TransferOut)
def get_transfer(no: No, principal: StockReader, docs: Docs) -> dict[str, Any]:
    """One transfer."""
    return docs.transfers.get(principal.tenant_id, no)


@router.post("/transfers/{no}/dispatch", response_model=TransferOut)
def dispatch_transfer(no: No, principal: StockWriter, docs: Docs,
                      key: IdempotencyKey = None) -> dict[str, Any]:
    """Send the goods: out of the source, into its transit location."""
    return docs.transfers.dispatch(context(principal, key), no)


@router.post("/transfers/{no}/receive", response_model=TransferOut)
def receive_transfer(no: No, principal: StockWriter, docs: Docs,
                     key: IdempotencyKey = None) -> dict[str, Any]:
    """The goods arrive at the destination."""
    return docs.transfers.receive(context(principal, key), no)


@router.post("/transfers/{no}/return", response_model=TransferOut)
def return_transfer(no: No, principal: StockWriter, docs: Docs,
                    key: IdempotencyKey = None) -> dict[str, Any]:
    """The goods in transit go back to the source."""
    return docs.transfers.return_(context(principal, key), no)


@router.post("/transfers/{no}/cancel", response_model=TransferOut)
def cancel_transfer(no: No, principal: StockWriter, docs: Docs,
                    key: IdempotencyKey = None) -> dict[str, Any]:
    """Abandon a draft transfer."""
    return docs.transfers.cancel(context(principal, key), no)
