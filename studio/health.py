"""Inventory health for one tenant: the three reports, assembled from the layers that own
their data (inventory's rows, the connectors' deliveries, the packs' weights).

Shared by the API routes (studio/routes/health.py) and the page (studio/web/pages_health.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request

from connectors import health as connector_health
from inventory import health
from kernel.db import Database
from kernel.tenant_clock import TenantClocks
from studio.health_recorder import HealthRecorder
from templates_marketplace.settings import installed_setting


@dataclass(frozen=True, slots=True)
class HealthService:
    """The reports of one app: its database, tenant clocks and latency recorder."""

    db: Database
    clocks: TenantClocks
    recorder: HealthRecorder | None

    def window(self, tenant_id: int, days: int) -> health.Window:
        """The last ``days`` days of the tenant's clock."""
        now = self.clocks.now_for(tenant_id)
        return health.Window(since=now - timedelta(days=days), until=now)

    def near_expiry(self, tenant_id: int, *, horizon_days: int, warehouse: str | None,
                    sku: str | None, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Lots expiring within ``horizon_days`` (FEFO per warehouse), one page.

        Raises:
            UnknownItem, UnknownWarehouse: a filter names something not in the tenant.
        """
        today = self.clocks.now_for(tenant_id).date()
        flt = health.NearExpiryFilter(today=today, horizon_days=horizon_days,
                                      warehouse=warehouse, sku=sku)
        with self.db.read(tenant_id) as session:
            return health.near_expiry(session, flt, offset=offset, limit=limit)

    def count_variance(self, tenant_id: int, *, days: int, warehouse: str | None,
                       sku: str | None) -> dict[str, Any]:
        """Count-variance rates of the stocktakes posted in the last ``days`` days.

        Raises:
            UnknownItem, UnknownWarehouse: a filter names something not in the tenant.
        """
        window = self.window(tenant_id, days)
        flt = health.VarianceFilter(since=window.since, until=window.until,
                                    warehouse=warehouse, sku=sku)
        with self.db.read(tenant_id) as session:
            series = health.variance_series(session, flt)
        return {**series, "since": window.since, "until": window.until}

    def assessment(self, tenant_id: int, *, days: int) -> dict[str, Any]:
        """The five criteria measured over the last ``days`` days, scored with the tenant's
        weights.

        Raises:
            HealthSettingsInvalid: an installed pack's ``[health]`` weights are unusable.
        """
        if self.recorder is not None:
            self.recorder.flush()  # the latest requests count too
        window = self.window(tenant_id, days)
        with self.db.read(tenant_id) as session:
            settings, pack_id = installed_setting(session, "health")
            weights = health.weights_from_settings(settings, pack_id or "default")
            measurements = [
                health.stock_query_p95(session, window),
                health.document_sync(session, window,
                                     connector_health.document_deliveries(session, window)),
                health.count_variance(session, window),
                health.movement_traced(session, window),
                health.input_intercepted(session, window,
                                         connector_health.rejected_messages(session, window)),
            ]
        result = health.assess(measurements, weights)
        return {"since": window.since, "until": window.until, "days": days,
                "total": result.total, "benchmark_total": result.benchmark_total,
                "weights_source": result.weights_source,
                "criteria": [_criterion(c) for c in result.criteria]}


def health_service(request: Request) -> HealthService:
    """The health reports of this app."""
    state = request.app.state
    return HealthService(state.db, state.clock, getattr(state, "health_recorder", None))


HealthDep = Annotated[HealthService, Depends(health_service)]


def _criterion(c: health.CriterionScore) -> dict[str, Any]:
    return {"criterion": c.criterion.value, "value": c.value, "unit": c.target.unit,
            "target": c.target.target, "zero": c.target.zero,
            "is_lower_better": c.target.is_lower_better, "weight": c.weight,
            "points": c.points, "benchmark": c.benchmark, "status": c.status,
            "evidence": dict(c.evidence)}
