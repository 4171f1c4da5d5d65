"""Inventory health: near-expiry lots, count variance over time, the data-health score.

Reports read one tenant's rows; the self-assessment scores five criteria measured from
recorded data (docs/health.md). Nothing here imports rules, connectors or the studio:
the counts those layers own are passed in.
"""

from __future__ import annotations

from inventory.health.errors import HealthSettingsInvalid
from inventory.health.measures import (
    DOCUMENT_TYPES,
    DUPLICATE_SCAN_FLAGGED,
    SyncOutcomes,
    Window,
    count_variance,
    document_sync,
    input_intercepted,
    is_document_event,
    movement_traced,
    stock_query_p95,
)
from inventory.health.models import SAMPLES_PER_MINUTE, InputOutcome, StockQuerySample
from inventory.health.recording import LatencySample, OutcomeRecord, prune, store
from inventory.health.reports import (
    NearExpiryFilter,
    VarianceFilter,
    near_expiry,
    variance_series,
)
from inventory.health.scoring import (
    DEFAULT_WEIGHT,
    TARGETS,
    Assessment,
    Criterion,
    CriterionScore,
    Measurement,
    Target,
    Weights,
    assess,
    points,
    weights_from_settings,
)

__all__ = [
    "DEFAULT_WEIGHT", "DOCUMENT_TYPES", "DUPLICATE_SCAN_FLAGGED", "SAMPLES_PER_MINUTE", "TARGETS",
    "Assessment", "Criterion", "CriterionScore", "HealthSettingsInvalid", "InputOutcome",
    "LatencySample", "Measurement", "NearExpiryFilter", "OutcomeRecord", "StockQuerySample",
    "SyncOutcomes", "Target", "VarianceFilter", "Weights", "Window", "assess", "count_variance",
    "document_sync", "input_intercepted", "is_document_event", "movement_traced", "near_expiry",
    "points", "prune", "stock_query_p95", "store", "variance_series", "weights_from_settings",
]
