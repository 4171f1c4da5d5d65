"""JSON API routes under /api/v1, one router per resource."""

from __future__ import annotations

from fastapi import APIRouter

from studio.routes import (
    auth,
    catalog,
    connector_deliveries,
    connectors,
    documents,
    events,
    hooks,
    inbox,
    ledger,
    reservations,
    stock,
)

api_router = APIRouter(prefix="/api/v1")
for module in (auth, catalog, stock, reservations, ledger, events, documents, inbox,
               connectors, connector_deliveries, hooks):
    api_router.include_router(module.router)

__all__ = ["api_router"]
