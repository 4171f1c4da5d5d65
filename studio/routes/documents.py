"""Business documents: sales orders, purchase orders, receipts, shipments, sales returns.

Every document is addressed by its number (path parameter ``no``); every action is one
POST that runs one transaction and accepts an ``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response, status

from inventory.documents import (
    Inspection,
    NewOrderLine,
    NewPurchaseLine,
    NewPurchaseOrder,
    NewReceipt,
    NewReceiptLine,
    NewReturnLine,
    NewSalesOrder,
    NewSalesReturn,
    NewShipment,
    NewShipmentLine,
    ReturnReason,
    parties,
)
from studio.deps import (
    CatalogWriter,
    ClockDep,
    DbDep,
    IdempotencyKey,
    PagingDep,
    QualityReleaser,
    StockReader,
    StockWriter,
)
from studio.routes.document_deps import Docs, No, page_of
from studio.routes.stock import context
from studio.schemas import Page
from studio.schemas_documents import (
    ConfirmationCodeIn,
    CustomerCreate,
    CustomerPublic,
    FreezeIn,
    InspectionIn,
    PurchaseOrderCreate,
    PurchaseOrderOut,
    ReceiptCreate,
    ReceiptOut,
    ReturnCheckIn,
    SalesOrderCreate,
    SalesOrderOut,
    SalesReturnCreate,
    SalesReturnOut,
    ShipIn,
    ShipmentCreate,
    ShipmentOut,
)

router = APIRouter(tags=["documents"])
_page = page_of


# --- Customers and confirmation codes ---------------------------------------------------------

@router.post("/customers", response_model=CustomerPublic, status_code=status.HTTP_201_CREATED)
def create_customer(body: CustomerCreate, principal: CatalogWriter, db: DbDep,
                    clock: ClockDep) -> CustomerPublic:
    """Create a customer."""
    with db.write(principal.tenant_id) as session:
        row = parties.create_customer(session, principal.tenant_id, body.code, body.name,
                                      clock.now(), body.level)
        return CustomerPublic(code=row.code, name=row.name, level=row.level,
                              is_frozen=row.is_frozen, frozen_reason=row.frozen_reason)


@router.get("/customers", response_model=Page[CustomerPublic])
def list_customers(principal: StockReader, db: DbDep, paging: PagingDep
                   ) -> Page[CustomerPublic]:
    """Customers by code."""
    with db.read(principal.tenant_id) as session:
        rows, total = parties.list_customers(session, paging.offset, paging.limit)
        items = [CustomerPublic(code=r.code, name=r.name, level=r.level, is_frozen=r.is_frozen,
                                frozen_reason=r.frozen_reason) for r in rows]
    return Page(items=items, count=total, offset=paging.offset, limit=paging.limit)


@router.put("/warehouses/{code}/confirmation-code", status_code=status.HTTP_204_NO_CONTENT)
def set_confirmation_code(code: Annotated[str, Path(min_length=1, max_length=40)],
                          body: ConfirmationCodeIn, principal: CatalogWriter, db: DbDep,
                          clock: ClockDep) -> Response:
    """Set the code the warehouse confirms shipments with."""
    with db.write(principal.tenant_id) as session:
        parties.set_confirmation_code(session, principal.tenant_id, code, body.code,
                                      clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- Sales orders ------------------------------------------------------------------------------

SalesOrderStatusQuery = Annotated[Literal["draft", "confirmed", "partially_shipped", "shipped",
                                          "closed", "cancelled"] | None, Query(alias="status")]


@router.post("/sales-orders", response_model=SalesOrderOut, status_code=status.HTTP_201_CREATED)
def create_sales_order(body: SalesOrderCreate, principal: StockWriter, docs: Docs,
                       key: IdempotencyKey = None) -> dict[str, Any]:
    """Write a draft sales order."""
    new = NewSalesOrder(**{**body.model_dump(), "lines": tuple(
        NewOrderLine(**line.model_dump()) for line in body.lines)})
    return docs.sales_orders.create(context(principal, key), new)


@router.get("/sales-orders", response_model=Page[SalesOrderOut])
def list_sales_orders(principal: StockReader, docs: Docs, paging: PagingDep,
                      status_: SalesOrderStatusQuery = None) -> dict[str, Any]:
    """Sales orders, newest first."""
    return _page(docs.sales_orders.list(principal.tenant_id, status_, paging.offset,
                                        paging.limit), paging)


@router.get("/sales-orders/{no}", response_model=SalesOrderOut)
def get_sales_order(no: No, principal: StockReader, docs: Docs) -> dict[str, Any]:
    """One sales order."""
    return docs.sales_orders.get(principal.tenant_id, no)


@router.post("/sales-orders/{no}/confirm", response_model=SalesOrderOut)
def confirm_sales_order(no: No, principal: StockWriter, docs: Docs,
                        key: IdempotencyKey = None) -> dict[str, Any]:
    """Confirm: reserve every line (a deposit order's holds lapse after its hold time)."""
    return docs.sales_orders.confirm(context(principal, key), no)


@router.post("/sales-orders/{no}/cancel", response_model=SalesOrderOut)
def cancel_sales_order(no: No, principal: StockWriter, docs: Docs,
                       key: IdempotencyKey = None) -> dict[str, Any]:
    """Cancel and release what is still reserved."""
    return docs.sales_orders.cancel(context(principal, key), no)


@router.post("/sales-orders/{no}/close", response_model=SalesOrderOut)
def close_sales_order(no: No, principal: StockWriter, docs: Docs,
                      key: IdempotencyKey = None) -> dict[str, Any]:
    """File a shipped order."""
    return docs.sales_orders.close(context(principal, key), no)


# --- Purchase orders ---------------------------------------------------------------------------

PurchaseOrderStatusQuery = Annotated[Literal["draft", "approved", "partially_received",
                                             "received", "closed", "cancelled"] | None,
                                     Query(alias="status")]


@router.post("/purchase-orders", response_model=PurchaseOrderOut,
             status_code=status.HTTP_201_CREATED)
def create_purchase_order(body: PurchaseOrderCreate, principal: StockWriter, docs: Docs,
                          key: IdempotencyKey = None) -> dict[str, Any]:
    """Write a draft purchase order."""
    new = NewPurchaseOrder(**{**body.model_dump(), "lines": tuple(
        NewPurchaseLine(**line.model_dump()) for line in body.lines)})
    return docs.purchase_orders.create(context(principal, key), new)


@router.get("/purchase-orders", response_model=Page[PurchaseOrderOut])
def list_purchase_orders(principal: StockReader, docs: Docs, paging: PagingDep,
                         status_: PurchaseOrderStatusQuery = None) -> dict[str, Any]:
    """Purchase orders, newest first."""
    return _page(docs.purchase_orders.list(principal.tenant_id, status_, paging.offset,
                                           paging.limit), paging)


@router.get("/purchase-orders/{no}", response_model=PurchaseOrderOut)
def get_purchase_order(no: No, principal: StockReader, docs: Docs) -> dict[str, Any]:
    """One purchase order."""
    return docs.purchase_orders.get(principal.tenant_id, no)


@router.post("/purchase-orders/{no}/approve", response_model=PurchaseOrderOut)
def approve_purchase_order(no: No, principal: StockWriter, docs: Docs,
                           key: IdempotencyKey = None) -> dict[str, Any]:
    """Approve: receipts may then be written against it."""
    return docs.purchase_orders.approve(context(principal, key), no)


@router.post("/purchase-orders/{no}/cancel", response_model=PurchaseOrderOut)
def cancel_purchase_order(no: No, principal: StockWriter, docs: Docs,
                          key: IdempotencyKey = None) -> dict[str, Any]:
    """Cancel before anything arrived."""
    return docs.purchase_orders.cancel(context(principal, key), no)


@router.post("/purchase-orders/{no}/close", response_model=PurchaseOrderOut)
def close_purchase_order(no: No, principal: StockWriter, docs: Docs,
                         key: IdempotencyKey = None) -> dict[str, Any]:
    """File a received order, or close a partially received one short."""
    return docs.purchase_orders.close(context(principal, key), no)


# --- Receipts ----------------------------------------------------------------------------------

ReceiptStatusQuery = Annotated[Literal["draft", "inspected", "frozen", "put_away",
                                       "cancelled"] | None, Query(alias="status")]


@router.post("/receipts", response_model=ReceiptOut, status_code=status.HTTP_201_CREATED)
def create_receipt(body: ReceiptCreate, principal: StockWriter, docs: Docs,
                   key: IdempotencyKey = None) -> dict[str, Any]:
    """Write a draft receipt against an approved purchase order."""
    new = NewReceipt(**{**body.model_dump(), "lines": tuple(
        NewReceiptLine(**line.model_dump()) for line in body.lines)})
    return docs.receipts.create(context(principal, key), new)


@router.get("/receipts", response_model=Page[ReceiptOut])
def list_receipts(principal: StockReader, docs: Docs, paging: PagingDep,
                  status_: ReceiptStatusQuery = None) -> dict[str, Any]:
    """Receipts, newest first."""
    return _page(docs.receipts.list(principal.tenant_id, status_, paging.offset,
                                    paging.limit), paging)


@router.get("/receipts/{no}", response_model=ReceiptOut)
def get_receipt(no: No, principal: StockReader, docs: Docs) -> dict[str, Any]:
    """One receipt."""
    return docs.receipts.get(principal.tenant_id, no)


@router.post("/receipts/{no}/inspect", response_model=ReceiptOut)
def inspect_receipt(no: No, body: InspectionIn, principal: StockWriter, docs: Docs,
                    key: IdempotencyKey = None) -> dict[str, Any]:
    """Record the inspection (scan, photos, weight); a failed one freezes the receipt."""
    return docs.receipts.inspect(context(principal, key), no, Inspection(**body.model_dump()))


@router.post("/receipts/{no}/report-return", response_model=ReceiptOut)
def report_return(no: No, body: ReturnCheckIn, principal: StockWriter, docs: Docs,
                  key: IdempotencyKey = None) -> dict[str, Any]:
    """Record a subcontract return's check (scan, photos, weight); the rules judge it."""
    check = body.model_dump(exclude={"process"})
    return docs.receipts.report_return(context(principal, key), no, body.process,
                                       Inspection(**check))


@router.post("/receipts/{no}/freeze", response_model=ReceiptOut)
def freeze_receipt(no: No, body: FreezeIn, principal: StockWriter, docs: Docs,
                   key: IdempotencyKey = None) -> dict[str, Any]:
    """Block put-away."""
    return docs.receipts.freeze(context(principal, key), no, body.reason)


@router.post("/receipts/{no}/release", response_model=ReceiptOut)
def release_receipt(no: No, principal: QualityReleaser, docs: Docs,
                    key: IdempotencyKey = None) -> dict[str, Any]:
    """Lift a freeze (the quality role, or admin)."""
    role = principal.role.value if principal.role else None
    return docs.receipts.release(context(principal, key), no, role)


@router.post("/receipts/{no}/put-away", response_model=ReceiptOut)
def put_away_receipt(no: No, principal: StockWriter, docs: Docs,
                     key: IdempotencyKey = None) -> dict[str, Any]:
    """Post the goods to stock, each line into its lot."""
    return docs.receipts.put_away(context(principal, key), no)


@router.post("/receipts/{no}/cancel", response_model=ReceiptOut)
def cancel_receipt(no: No, principal: StockWriter, docs: Docs,
                   key: IdempotencyKey = None) -> dict[str, Any]:
    """Cancel a draft or frozen receipt."""
    return docs.receipts.cancel(context(principal, key), no)


# --- Shipments ---------------------------------------------------------------------------------

ShipmentStatusQuery = Annotated[Literal["draft", "picked", "packed", "shipped",
                                        "cancelled"] | None, Query(alias="status")]


@router.post("/shipments", response_model=ShipmentOut, status_code=status.HTTP_201_CREATED)
def create_shipment(body: ShipmentCreate, principal: StockWriter, docs: Docs,
                    key: IdempotencyKey = None) -> dict[str, Any]:
    """Write a draft shipment for a confirmed sales order."""
    new = NewShipment(sales_order_no=body.sales_order_no, no=body.no, lines=tuple(
        NewShipmentLine(**line.model_dump()) for line in body.lines))
    return docs.shipments.create(context(principal, key), new)


@router.get("/shipments", response_model=Page[ShipmentOut])
def list_shipments(principal: StockReader, docs: Docs, paging: PagingDep,
                   status_: ShipmentStatusQuery = None) -> dict[str, Any]:
    """Shipments, newest first."""
    return _page(docs.shipments.list(principal.tenant_id, status_, paging.offset,
                                     paging.limit), paging)


@router.get("/shipments/{no}", response_model=ShipmentOut)
def get_shipment(no: No, principal: StockReader, docs: Docs) -> dict[str, Any]:
    """One shipment."""
    return docs.shipments.get(principal.tenant_id, no)


@router.post("/shipments/{no}/pick", response_model=ShipmentOut)
def pick_shipment(no: No, principal: StockWriter, docs: Docs,
                  key: IdempotencyKey = None) -> dict[str, Any]:
    """Mark the goods picked."""
    return docs.shipments.pick(context(principal, key), no)


@router.post("/shipments/{no}/pack", response_model=ShipmentOut)
def pack_shipment(no: No, principal: StockWriter, docs: Docs,
                  key: IdempotencyKey = None) -> dict[str, Any]:
    """Mark the goods packed."""
    return docs.shipments.pack(context(principal, key), no)


@router.post("/shipments/{no}/ship", response_model=ShipmentOut)
def ship_shipment(no: No, body: ShipIn, principal: StockWriter, docs: Docs,
                  key: IdempotencyKey = None) -> dict[str, Any]:
    """Hand the goods to the carrier: consumes the order's reservations."""
    return docs.shipments.ship(context(principal, key), no, **body.model_dump())


@router.post("/shipments/{no}/cancel", response_model=ShipmentOut)
def cancel_shipment(no: No, principal: StockWriter, docs: Docs,
                    key: IdempotencyKey = None) -> dict[str, Any]:
    """Cancel a shipment that has not left."""
    return docs.shipments.cancel(context(principal, key), no)


# --- Sales returns -----------------------------------------------------------------------------

SalesReturnStatusQuery = Annotated[Literal["draft", "posted", "cancelled"] | None,
                                   Query(alias="status")]


@router.post("/sales-returns", response_model=SalesReturnOut, status_code=status.HTTP_201_CREATED)
def create_sales_return(body: SalesReturnCreate, principal: StockWriter, docs: Docs,
                        key: IdempotencyKey = None) -> dict[str, Any]:
    """Write a draft return against the lines of a sales order."""
    new = NewSalesReturn(**{**body.model_dump(), "reason": ReturnReason(body.reason),
                            "lines": tuple(NewReturnLine(**line.model_dump())
                                           for line in body.lines)})
    return docs.sales_returns.create(context(principal, key), new)


@router.get("/sales-returns", response_model=Page[SalesReturnOut])
def list_sales_returns(principal: StockReader, docs: Docs, paging: PagingDep,
                       status_: SalesReturnStatusQuery = None) -> dict[str, Any]:
    """Sales returns, newest first."""
    return _page(docs.sales_returns.list(principal.tenant_id, status_, paging.offset,
                                         paging.limit), paging)


@router.get("/sales-returns/{no}", response_model=SalesReturnOut)
def get_sales_return(no: No, principal: StockReader, docs: Docs) -> dict[str, Any]:
    """One sales return."""
    return docs.sales_returns.get(principal.tenant_id, no)


@router.post("/sales-returns/{no}/post", response_model=SalesReturnOut)
def post_sales_return(no: No, principal: StockWriter, docs: Docs,
                      key: IdempotencyKey = None) -> dict[str, Any]:
    """Receive the returned goods back into stock."""
    return docs.sales_returns.post(context(principal, key), no)


@router.post("/sales-returns/{no}/cancel", response_model=SalesReturnOut)
def cancel_sales_return(no: No, principal: StockWriter, docs: Docs,
                        key: IdempotencyKey = None) -> dict[str, Any]:
    """Cancel a draft return."""
    return docs.sales_returns.cancel(context(principal, key), no)
