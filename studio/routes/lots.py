"""Lots and the food pack's reports: FEFO picking, lot freezes and freezer readings (cold
chain), the recall report, the loss curve and near-expiry bundles.

Every route answers ``module.not_installed`` (404) until a pack that switches its module on
(``lots``, ``cold_chain`` or ``recall``; the food pack does) is installed in the tenant.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import PlainTextResponse

from inventory.lots import as_csv
from inventory.lots.service import LotService
from studio.deps import (
    ClockDep,
    DbDep,
    IdempotencyKey,
    PagingDep,
    QualityReleaser,
    StockReader,
    StockWriter,
    module,
)
from studio.routes.stock import context
from studio.schemas import Page
from studio.schemas_lots import (
    BundleOut,
    FefoOut,
    FreezeOut,
    LossCurveOut,
    ReadingIn,
    ReadingOut,
    RecallOut,
    ReleaseIn,
)
from templates_marketplace.pack_settings import installed_setting

router = APIRouter(tags=["lots"])
LOTS = [Depends(module("lots"))]
COLD_CHAIN = [Depends(module("cold_chain"))]
RECALL = [Depends(module("recall"))]
SkuQuery = Annotated[str, Query(min_length=1, max_length=64)]
LotQuery = Annotated[str, Query(min_length=1, max_length=64)]
CodeQuery = Annotated[str, Query(min_length=1, max_length=40)]


def get_lots(db: DbDep, clock: ClockDep) -> LotService:
    """The lots service on the application's database and clock."""
    return LotService(db, clock)


Lots = Annotated[LotService, Depends(get_lots)]


def _report_days(db: DbDep, tenant_id: int, key: str, given: int | None, default: int) -> int:
    """``given``, else the installed pack's ``[reports] key`` (food: settings.toml), else
    ``default``."""
    if given is not None:
        return given
    with db.read(tenant_id) as session:
        value = installed_setting(session, "reports", key)
    return int(value) if isinstance(value, int) else default


def _page(items: list[Any], total: int, paging: Any) -> dict[str, Any]:
    return {"items": items, "count": total, "offset": paging.offset, "limit": paging.limit}


@router.get("/lots/fefo", response_model=FefoOut, dependencies=LOTS)
def fefo_picks(principal: StockReader, lots: Lots, sku: SkuQuery, warehouse: CodeQuery,
               qty: Annotated[Decimal, Query(gt=0, le=Decimal(10) ** 12)]) -> dict[str, Any]:
    """Which lots to pick ``qty`` from, earliest expiry first; frozen and expired lots are
    listed under ``skipped`` with the reason."""
    return lots.fefo(principal.tenant_id, sku, warehouse, qty)


@router.get("/lots/loss-curve", response_model=Page[LossCurveOut], dependencies=LOTS)
def loss_curve(principal: StockReader, lots: Lots, paging: PagingDep, db: DbDep,
               days: Annotated[int | None, Query(ge=1, le=366)] = None,
               category: Annotated[str | None, Query(max_length=60)] = None
               ) -> dict[str, Any]:
    """The fresh-produce loss curve per category over the last ``days`` days (default: the
    pack's ``loss_curve_days``)."""
    days = _report_days(db, principal.tenant_id, "loss_curve_days", days, 30)
    curves = [c for c in lots.loss_curve(principal.tenant_id, days)
              if category is None or c["category"] == category]
    return _page(curves[paging.offset:paging.offset + paging.limit], len(curves), paging)


@router.get("/lots/near-expiry-bundles", response_model=Page[BundleOut], dependencies=LOTS)
def near_expiry_bundles(principal: StockReader, lots: Lots, paging: PagingDep, db: DbDep,
                        within_days: Annotated[int | None, Query(ge=0, le=60)] = None,
                        category: Annotated[str | None, Query(max_length=60)] = None
                        ) -> dict[str, Any]:
    """Lots expiring within ``within_days`` (default: the pack's ``near_expiry_days``), each
    with a partner item and a discount."""
    within_days = _report_days(db, principal.tenant_id, "near_expiry_days", within_days, 7)
    rows = [b for b in lots.bundles(principal.tenant_id, within_days)
            if category is None or b["category"] == category]
    return _page(rows[paging.offset:paging.offset + paging.limit], len(rows), paging)


@router.get("/lots/freezes", response_model=Page[FreezeOut], dependencies=COLD_CHAIN)
def list_freezes(principal: StockReader, lots: Lots, paging: PagingDep,
                 status_: Annotated[Literal["frozen", "released"] | None,
                                    Query(alias="status")] = None) -> dict[str, Any]:
    """Lots frozen by location (by a rule or a person), newest first."""
    return _page(*lots.freezes(principal.tenant_id, status_, paging.offset, paging.limit),
                 paging)


@router.post("/lots/freezes/release", response_model=FreezeOut, dependencies=COLD_CHAIN)
def release_lot(body: ReleaseIn, principal: QualityReleaser, lots: Lots,
                key: IdempotencyKey = None) -> dict[str, Any]:
    """Lift one lot's freeze in one location (quality role)."""
    return lots.release(context(principal, key), body.sku, body.lot_no, body.warehouse)


@router.post("/cold-chain/readings", response_model=ReadingOut,
             status_code=status.HTTP_201_CREATED, dependencies=COLD_CHAIN)
def record_reading(body: ReadingIn, principal: StockWriter, lots: Lots,
                   key: IdempotencyKey = None) -> dict[str, Any]:
    """A freezer's temperature: raises ``freezer.temperature_read`` for the tenant's rules."""
    return lots.record_reading(context(principal, key), body.freezer, body.location,
                               body.celsius, body.at)


@router.get("/recall", response_model=RecallOut, dependencies=RECALL)
def recall_report(principal: StockReader, lots: Lots, paging: PagingDep, sku: SkuQuery,
                  lot_no: LotQuery,
                  customer: Annotated[str | None, Query(max_length=40)] = None
                  ) -> dict[str, Any]:
    """Every customer who received the lot (one row per customer and shipment)."""
    report = lots.recall(principal.tenant_id, sku, lot_no)
    rows = [r for r in report["receivers"] if customer is None or r["customer"] == customer]
    return {**report, "receivers": rows[paging.offset:paging.offset + paging.limit],
            "count": len(rows), "offset": paging.offset, "limit": paging.limit}


@router.get("/recall.csv", response_class=PlainTextResponse, dependencies=RECALL,
            responses={200: {"content": {"text/csv": {}}}})
def recall_csv(principal: StockReader, lots: Lots, sku: SkuQuery, lot_no: LotQuery
               ) -> PlainTextResponse:
    """The recall report as CSV (UTF-8, one row per customer and shipment)."""
    report = lots.recall(principal.tenant_id, sku, lot_no)
    return PlainTextResponse(
        as_csv(report["receivers"]), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename*=UTF-8''"
                 + quote(f"recall-{sku}-{lot_no}.csv", safe="")})
