"""Work orders (生产工单): draft → released → components issued → finished goods received →
closed (or cancelled before issue). Part of the ``manufacturing`` module."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status

from inventory.manufacturing import MODULE, NewWorkOrder, WorkOrderAction
from studio.deps import IdempotencyKey, PagingDep, StockReader, StockWriter
from studio.deps import module as module_installed
from studio.routes.document_deps import No, page_of
from studio.routes.manufacturing import WorkOrders
from studio.routes.stock import context
from studio.schemas import Page
from studio.schemas_manufacturing import (
    EnergyReadingIn,
    FootprintOut,
    WorkOrderCreate,
    WorkOrderOut,
    WorkOrderStatusName,
)

router = APIRouter(tags=["work orders"], dependencies=[Depends(module_installed(MODULE))])
StatusQuery = Annotated[WorkOrderStatusName | None, Query(alias="status")]


@router.post("/work-orders", response_model=WorkOrderOut, status_code=status.HTTP_201_CREATED)
def create_work_order(body: WorkOrderCreate, principal: StockWriter, orders: WorkOrders,
                      key: IdempotencyKey = None) -> dict[str, Any]:
    """Write a draft work order from the item's bill of materials."""
    return orders.create(context(principal, key), NewWorkOrder(**body.model_dump()))


@router.get("/work-orders", response_model=Page[WorkOrderOut])
def list_work_orders(principal: StockReader, orders: WorkOrders, paging: PagingDep,
                     status_: StatusQuery = None) -> dict[str, Any]:
    """Work orders, newest first."""
    return page_of(orders.list(principal.tenant_id, status_, paging.offset, paging.limit),
                   paging)


@router.get("/work-orders/{no}", response_model=WorkOrderOut)
def get_work_order(no: No, principal: StockReader, orders: WorkOrders) -> dict[str, Any]:
    """One work order."""
    return orders.get(principal.tenant_id, no)


@router.post("/work-orders/{no}/release", response_model=WorkOrderOut)
def release_work_order(no: No, principal: StockWriter, orders: WorkOrders,
                       key: IdempotencyKey = None) -> dict[str, Any]:
    """Release the order to the shop floor."""
    return orders.act(context(principal, key), no, WorkOrderAction.RELEASE)


@router.post("/work-orders/{no}/issue", response_model=WorkOrderOut)
def issue_work_order(no: No, principal: StockWriter, orders: WorkOrders,
                     key: IdempotencyKey = None) -> dict[str, Any]:
    """Issue every component out of the warehouse (ledger rows name the order)."""
    return orders.act(context(principal, key), no, WorkOrderAction.ISSUE)


@router.post("/work-orders/{no}/receive", response_model=WorkOrderOut)
def receive_work_order(no: No, principal: StockWriter, orders: WorkOrders,
                       key: IdempotencyKey = None) -> dict[str, Any]:
    """Receive the finished goods into the warehouse."""
    return orders.act(context(principal, key), no, WorkOrderAction.RECEIVE)


@router.post("/work-orders/{no}/close", response_model=WorkOrderOut)
def close_work_order(no: No, principal: StockWriter, orders: WorkOrders,
                     key: IdempotencyKey = None) -> dict[str, Any]:
    """Close a finished order."""
    return orders.act(context(principal, key), no, WorkOrderAction.CLOSE)


@router.post("/work-orders/{no}/cancel", response_model=WorkOrderOut)
def cancel_work_order(no: No, principal: StockWriter, orders: WorkOrders,
                      key: IdempotencyKey = None) -> dict[str, Any]:
    """Abandon an order whose components are still in stock."""
    return orders.act(context(principal, key), no, WorkOrderAction.CANCEL)


@router.post("/work-orders/{no}/energy-readings", response_model=WorkOrderOut,
             status_code=status.HTTP_201_CREATED)
def record_energy(no: No, body: EnergyReadingIn, principal: StockWriter, orders: WorkOrders,
                  key: IdempotencyKey = None) -> dict[str, Any]:
    """Record the energy one operation of the order used."""
    return orders.record_energy(context(principal, key), no, body.operation, body.qty)


@router.get("/work-orders/{no}/carbon-footprint", response_model=FootprintOut)
def work_order_footprint(no: No, principal: StockReader, orders: WorkOrders
                         ) -> dict[str, Any]:
    """The actual carbon footprint of a finished order, in total and per unit (kg CO2e)."""
    return orders.footprint(principal.tenant_id, no)
