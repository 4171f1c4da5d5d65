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
    contracts,
    documents,
    events,
    forecast,
    health,
    hooks,
    inbox,
    ledger,
    lineage,
    lots,
    manufacturing,
    packs,
    parties,
    recipes,
    replenishment,
    reservations,
    rule_review,
    rule_versions,
    sandbox,
    scans,
    stock,
    stock_board,
    stocktakes,
    supplier_invoices,
    transfers,
    work_orders,
)

api_router = APIRouter(prefix="/api/v1")
for module in (auth, catalog, stock, reservations, ledger, events, documents, transfers,
               adjustments, stocktakes, parties, inbox, channel_pools, supplier_invoices,
               replenishment, packs, rule_versions, rule_review, lineage, sandbox, connectors,
               connector_deliveries, hooks, stock_board, health, scans,
               manufacturing, work_orders,  # the manufacturing module (issue #11)
               recipes,  # the catering pack's module (issue #11)
               lots):  # the food pack's lots, cold-chain and recall routes (#11)
    api_router.include_router(module.router)
# Product modules of packs (answer module.not_installed until a pack switches them on).
for router in (forecast.router, contracts.contracts_router, contracts.metering_router):
    api_router.include_router(router)

__all__ = ["api_router"]
