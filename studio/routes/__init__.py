"""JSON API routes under /api/v1, one router per resource."""

from __future__ import annotations

from fastapi import APIRouter

from studio.routes import (
    auth,
    catalog,
    channel_pools,
    documents,
    events,
    inbox,
    ledger,
    replenishment,
    reservations,
    stock,
    supplier_invoices,
)

api_router = APIRouter(prefix="/api/v1")
for module in (auth, catalog, stock, reservations, ledger, events, documents, inbox,
               channel_pools, supplier_invoices, replenishment):
    api_router.include_router(module.router)

__all__ = ["api_router"]
