"""One settings class for the whole product, read from ``JXCFLOW_*`` environment variables."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as ``JXCFLOW_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="JXCFLOW_", env_file=".env", extra="ignore")

    #: SQLAlchemy URL. SQLite (WAL) is the embedded default; PostgreSQL is production.
    database_url: str = f"sqlite:///{Path('var/jxcflow.db').resolve()}"
    #: Key for signing session cookies and encrypting connector secrets.
    secret_key: SecretStr = SecretStr("change-me-in-production")
    #: Lifetime of a bearer token issued by ``POST /api/v1/auth/token``.
    token_ttl_seconds: int = 8 * 3600
    #: How long a SQLite writer waits for the write lock before giving up.
    sqlite_busy_timeout_ms: int = 30_000
    #: Connection pool size for PostgreSQL.
    pool_size: int = 10
    #: Seconds between reservation sweeps in the worker.
    sweep_interval_seconds: float = 30.0
    #: An adjustment line above this absolute quantity needs a second user's approval.
    adjustment_approval_qty: Decimal | None = Decimal("100")
    #: An adjustment worth more than this (Σ |qty| × unit cost) needs a second approval.
    adjustment_approval_value: Decimal | None = Decimal("5000.00")
    #: Seconds between channel pool rebalance runs in the worker (渠道库存池, 15 minutes).
    pool_rebalance_interval_seconds: float = 900.0
    #: How far (yuan) order, receipt and invoice amounts of a line may differ in a three-way match.
    three_way_match_tolerance: Decimal = Decimal("1.00")
    #: How many follow-up events (``emit event``) may chain from one business event before
    #: the engine stops the chain with ``engine.cascade_too_deep``.
    max_cascade_depth: int = 8
    #: Default locale for messages ("zh-CN" or "en").
    default_locale: str = "zh-CN"
    #: Shadow divergence above this share (0.05 = 5 %) needs a reviewer's written override.
    governance_divergence_limit: float = 0.05
    #: How long a version in shadow is evaluated beside production on live events.
    governance_shadow_hours: int = 72


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()
