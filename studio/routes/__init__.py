"""JSON API routes under /api/v1, one router per resource."""

from __future__ import annotations

from fastapi import APIRouter

from studio.routes import (
    adjustments,
    auth,
    catalog,
    channel_pools,
    connector_deliveries,
    connectors,
    documents,
    events,
    hooks,
    inbox,
    ledger,
    lineage,
    lots,
    packs,
    parties,
    replenishment,
    reservations,
    rule_review,
    rule_versions,
    sandbox,
    stock,
    stocktakes,
    supplier_invoices,
    transfers,
)

api_router = APIRouter(prefix="/api/v1")
for module in (auth, catalog, stock, reservations, ledger, events, documents, transfers,
               adjustments, stocktakes, parties, inbox, channel_pools, supplier_invoices,
               replenishment, packs, rule_versions, rule_review, lineage, sandbox, connectors,
               connector_deliveries, hooks,
               lots):  # the food pack's lots, cold-chain and recall routes (#11)
    api_router.include_router(module.router)

__all__ = ["api_router"]
