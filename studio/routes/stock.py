"""Stock balances and the commands that move goods.

There is no bare adjust command here: a correction of stock is an adjustment document
(``/adjustments``: a reason, photos, and a second approver above the threshold).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from inventory import (
    CommandContext,
    DocumentRef,
    ReceiveStock,
    ShipStock,
    TransferStock,
    queries,
)
from kernel.security import Principal
from studio.deps import DbDep, IdempotencyKey, PagingDep, StockDep, StockReader, StockWriter
from studio.schemas import (
    BalanceRow,
    DocumentIn,
    LotRow,
    MovementOut,
    Page,
    ReceiptIn,
    ShipmentIn,
    TransferIn,
)

router = APIRouter(tags=["stock"])
CodeQuery = Annotated[str | None, Query(max_length=64)]


def context(principal: Principal, key: str | None) -> CommandContext:
    """The command context of an API call."""
    return CommandContext(tenant_id=principal.tenant_id, actor=principal.actor,
                          idempotency_key=key)


def document(doc: DocumentIn | None) -> DocumentRef | None:
    """A document reference from the request body."""
    return DocumentRef(type=doc.type, ref=doc.ref) if doc else None


def _fields(body: Any) -> dict[str, Any]:
    return {**body.model_dump(exclude={"document"}), "document": document(body.document)}


@router.get("/stock", response_model=Page[BalanceRow])
def list_balances(principal: StockReader, db: DbDep, paging: PagingDep, sku: CodeQuery = None,
                  warehouse: CodeQuery = None) -> Page[BalanceRow]:
    """Balances per SKU × warehouse: on hand, reserved, available."""
    with db.read(principal.tenant_id) as session:
        rows, total = queries.balances(session, sku=sku, warehouse=warehouse,
                                       offset=paging.offset, limit=paging.limit)
    return Page(items=[BalanceRow(**r) for r in rows], count=total, offset=paging.offset,
                limit=paging.limit)


@router.get("/stock/lots/{sku}", response_model=list[LotRow])
def list_lots(sku: Annotated[str, Path(min_length=1, max_length=64)], principal: StockReader,
              db: DbDep, warehouse: CodeQuery = None) -> list[LotRow]:
    """Lot balances of one SKU, first expiry first."""
    with db.read(principal.tenant_id) as session:
        return [LotRow(**r) for r in queries.lots(session, sku, warehouse)]


@router.post("/stock/receipts", response_model=MovementOut, status_code=status.HTTP_201_CREATED)
def receive(body: ReceiptIn, principal: StockWriter, stock: StockDep,
            key: IdempotencyKey = None) -> dict[str, Any]:
    """Receive goods into a warehouse (into a lot when given)."""
    return stock.execute(context(principal, key), ReceiveStock(**_fields(body)))


@router.post("/stock/shipments", response_model=MovementOut, status_code=status.HTTP_201_CREATED)
def ship(body: ShipmentIn, principal: StockWriter, stock: StockDep,
         key: IdempotencyKey = None) -> dict[str, Any]:
    """Ship goods out; consumes the named reservation, else takes available stock (FEFO)."""
    return stock.execute(context(principal, key), ShipStock(**_fields(body)))


@router.post("/stock/transfers", response_model=MovementOut, status_code=status.HTTP_201_CREATED)
def transfer(body: TransferIn, principal: StockWriter, stock: StockDep,
             key: IdempotencyKey = None) -> dict[str, Any]:
    """Move goods between two warehouses in one transaction."""
    return stock.execute(context(principal, key), TransferStock(**_fields(body)))

