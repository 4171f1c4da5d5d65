"""Holds on stock: create with a time to live, list, show, release."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, status

from inventory import Address, ReleaseReservation, ReserveStock, queries
from studio.deps import DbDep, IdempotencyKey, PagingDep, StockDep, StockReader, StockWriter
from studio.routes.stock import _fields, context
from studio.schemas import MovementOut, Page, ReservationIn, ReservationOut

router = APIRouter(tags=["reservations"])
ReservationId = Annotated[str, Path(min_length=1, max_length=36)]


@router.post("/reservations", response_model=MovementOut, status_code=status.HTTP_201_CREATED)
def reserve(body: ReservationIn, principal: StockWriter, stock: StockDep,
            key: IdempotencyKey = None) -> dict[str, Any]:
    """Hold available stock for an order, optionally for ``ttl_seconds``."""
    fields = _fields(body)
    address = body.address
    fields["address"] = Address(text=address.text, is_real=address.is_real) if address else None
    return stock.execute(context(principal, key), ReserveStock(**fields))


@router.get("/reservations", response_model=Page[ReservationOut])
def list_reservations(
    principal: StockReader, db: DbDep, paging: PagingDep,
    status_: Annotated[Literal["active", "released", "consumed", "expired"] | None,
                       Query(alias="status")] = None,
    sku: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[ReservationOut]:
    """Reservations, newest first."""
    with db.read(principal.tenant_id) as session:
        rows, total = queries.reservations(session, status=status_, sku=sku,
                                           offset=paging.offset, limit=paging.limit)
    return Page(items=[ReservationOut(**r) for r in rows], count=total, offset=paging.offset,
                limit=paging.limit)


@router.get("/reservations/{reservation_id}", response_model=ReservationOut)
def get_reservation(reservation_id: ReservationId, principal: StockReader,
                    db: DbDep) -> dict[str, Any]:
    """One reservation."""
    with db.read(principal.tenant_id) as session:
        return queries.reservation(session, reservation_id)


@router.delete("/reservations/{reservation_id}", response_model=MovementOut)
def release(reservation_id: ReservationId, principal: StockWriter, stock: StockDep,
            key: IdempotencyKey = None) -> dict[str, Any]:
    """Release a hold back to available stock."""
    return stock.execute(context(principal, key),
                         ReleaseReservation(reservation_id=reservation_id))
