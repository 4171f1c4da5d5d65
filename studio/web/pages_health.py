"""The data-health page (数据健康): the radar, near-expiry lots and the variance trend."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from inventory.errors import InventoryError
from inventory.health import TARGETS, Criterion
from inventory.models import Warehouse
from studio.health import HealthDep
from studio.health_chart import line_chart, radar
from studio.web.paging import PAGE_SIZE, PageInfo, query_base
from studio.web.render import locale_of, render
from studio.web.session import PagePrincipal

router = APIRouter(include_in_schema=False)

#: Axis labels of the radar (message ids, translated on the page).
LABELS = {
    Criterion.STOCK_QUERY_P95: "Stock query p95",
    Criterion.DOCUMENT_SYNC: "Document sync success",
    Criterion.COUNT_VARIANCE: "Count variance",
    Criterion.MOVEMENT_TRACED: "Movements tied to a document",
    Criterion.INPUT_INTERCEPTED: "Abnormal input intercepted",
}

#: Evidence counts, by key (message ids).
EVIDENCE = {
    "samples": "Samples", "rank": "Rank of the p95 sample", "events_done": "Events handled",
    "events_parked": "Events parked", "deliveries_delivered": "Deliveries delivered",
    "deliveries_dead": "Deliveries dead", "stocktakes": "Posted stocktakes",
    "lines": "Counted lines", "ledger_rows": "Ledger rows", "traced": "With a document",
    "untraced": "Without a document", "refused_requests": "Refused requests",
    "duplicate_scans_flagged": "Duplicate scans flagged",
    "rejected_messages": "Rejected inbound messages", "escaped": "Server errors",
}


@router.get("/health", response_class=HTMLResponse)
def health_page(request: Request, principal: PagePrincipal, reports: HealthDep,
                horizon_days: Annotated[int, Query(ge=0, le=3650)] = 30,
                days: Annotated[int, Query(ge=1, le=730)] = 7,
                warehouse: Annotated[str | None, Query(max_length=64)] = None,
                offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> HTMLResponse:
    """The self-assessment, lots near expiry, and count variance over 90 days."""
    tenant_id = principal.tenant_id
    assessment = reports.assessment(tenant_id, days=days)
    error = None
    try:
        lots, total = reports.near_expiry(tenant_id, horizon_days=horizon_days,
                                          warehouse=warehouse or None, sku=None, offset=offset,
                                          limit=PAGE_SIZE)
    except InventoryError as exc:
        lots, total, error = [], 0, exc.render(locale_of(request))
    variance = reports.count_variance(tenant_id, days=90, warehouse=None, sku=None)
    with reports.db.read(tenant_id) as session:
        warehouses = list(session.scalars(select(Warehouse.code).order_by(Warehouse.code)))
    criteria = assessment["criteria"]
    chart = radar([(c["criterion"], c["points"], c["benchmark"], c["weight"]) for c in criteria])
    return render(request, "health.html", principal, assessment=assessment, criteria=criteria,
                  labels={c.value: label for c, label in LABELS.items()}, evidence_labels=EVIDENCE,
                  radar=chart,
                  trend=_trend(variance["counts"]), lots=lots, error=error,
                  horizon_days=horizon_days, days=days, warehouse=warehouse or "",
                  warehouses=warehouses, page=PageInfo(offset, total, len(lots)),
                  base=query_base("/health", horizon_days=str(horizon_days), days=str(days),
                                  warehouse=warehouse))


def _trend(counts: list[dict[str, Any]]) -> Any:
    """The count-variance line (percent per posted stocktake), or None with no data."""
    series: list[tuple[datetime, Decimal]] = [
        (c["posted_at"], Decimal(c["variance_rate"]) * 100) for c in counts
        if c["variance_rate"] is not None]
    if not series:
        return None
    return line_chart(series, TARGETS[Criterion.COUNT_VARIANCE].target)
