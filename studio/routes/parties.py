"""Suppliers with their qualifications, customer freezes, shifts and shift-end snapshots."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from inventory.documents import QualificationKind
from studio.deps import CatalogWriter, IdempotencyKey, PagingDep, StockReader
from studio.routes.document_deps import Docs, page_of
from studio.routes.stock import context
from studio.schemas import Page
from studio.schemas_documents import CustomerPublic
from studio.schemas_warehouse import (
    CustomerFreezeIn,
    QualificationIn,
    ShiftCreate,
    ShiftOut,
    SnapshotOut,
    SupplierCreate,
    SupplierOut,
)

router = APIRouter(tags=["parties"])
SupplierCode = Annotated[str, Path(min_length=1, max_length=40)]
CustomerCode = Annotated[str, Path(min_length=1, max_length=40)]


@router.post("/suppliers", response_model=SupplierOut, status_code=status.HTTP_201_CREATED)
def create_supplier(body: SupplierCreate, principal: CatalogWriter, docs: Docs,
                    key: IdempotencyKey = None) -> dict[str, Any]:
    """Register a supplier."""
    return docs.parties.create_supplier(context(principal, key), body.code, body.name)


@router.get("/suppliers", response_model=Page[SupplierOut])
def list_suppliers(principal: StockReader, docs: Docs, paging: PagingDep) -> dict[str, Any]:
    """Suppliers by code, with their qualifications."""
    return page_of(docs.parties.list_suppliers(principal.tenant_id, paging.offset,
                                               paging.limit), paging)


@router.get("/suppliers/{supplier}", response_model=SupplierOut)
def get_supplier(supplier: SupplierCode, principal: StockReader, docs: Docs) -> dict[str, Any]:
    """One supplier with its qualifications."""
    return docs.parties.get_supplier(principal.tenant_id, supplier)


@router.post("/suppliers/{supplier}/qualifications", response_model=SupplierOut,
             status_code=status.HTTP_201_CREATED)
def add_qualification(supplier: SupplierCode, body: QualificationIn, principal: CatalogWriter,
                      docs: Docs, key: IdempotencyKey = None) -> dict[str, Any]:
    """Record a licence or certificate; an expired one blocks approving purchase orders."""
    return docs.parties.add_qualification(context(principal, key), supplier,
                                          QualificationKind(body.kind), body.number,
                                          body.expiry_date)


@router.post("/customers/{customer}/freeze", response_model=CustomerPublic)
def freeze_customer(customer: CustomerCode, body: CustomerFreezeIn, principal: CatalogWriter,
                    docs: Docs, key: IdempotencyKey = None) -> dict[str, Any]:
    """Freeze a customer: their orders can no longer be confirmed."""
    return docs.parties.set_customer_frozen(context(principal, key), customer, True,
                                            body.reason)


@router.post("/customers/{customer}/unfreeze", response_model=CustomerPublic)
def unfreeze_customer(customer: CustomerCode, principal: CatalogWriter, docs: Docs,
                      key: IdempotencyKey = None) -> dict[str, Any]:
    """Lift a customer's freeze."""
    return docs.parties.set_customer_frozen(context(principal, key), customer, False, "")


@router.post("/shifts", response_model=ShiftOut, status_code=status.HTTP_201_CREATED)
def create_shift(body: ShiftCreate, principal: CatalogWriter, docs: Docs,
                 key: IdempotencyKey = None) -> dict[str, Any]:
    """Define a shift; a snapshot of the warehouse is taken at each of its ends."""
    return docs.parties.create_shift(context(principal, key), body.warehouse, body.name,
                                     body.end_time, body.timezone)


@router.get("/shifts", response_model=list[ShiftOut])
def list_shifts(principal: StockReader, docs: Docs) -> list[dict[str, Any]]:
    """The shifts of every warehouse."""
    return docs.parties.list_shifts(principal.tenant_id)


@router.get("/shift-snapshots", response_model=Page[SnapshotOut])
def list_snapshots(principal: StockReader, docs: Docs, paging: PagingDep,
                   warehouse: Annotated[str | None, Query(max_length=40)] = None,
                   flagged_only: bool = False) -> dict[str, Any]:
    """Shift-end snapshots, newest first; ``flagged_only`` keeps those with ±3 % flags."""
    return page_of(docs.parties.list_snapshots(principal.tenant_id, warehouse, flagged_only,
                                               paging.offset, paging.limit), paging)


@router.get("/shift-snapshots/{snapshot_id}", response_model=SnapshotOut)
def get_snapshot(snapshot_id: Annotated[int, Path(ge=1, le=2**62)], principal: StockReader,
                 docs: Docs) -> dict[str, Any]:
    """One snapshot with every SKU, flagged ones first."""
    return docs.parties.get_snapshot(principal.tenant_id, snapshot_id)
