"""Every table of the product, gathered for Alembic and the schema tests.

Each layer that adds tables adds its models module here.
"""

from __future__ import annotations

from sqlalchemy import MetaData

import connectors.models  # noqa: F401  (registers the tables)
import engine.governance.models  # noqa: F401  (registers the tables)
import engine.models  # noqa: F401  (registers the tables)
import engine.schema_store  # noqa: F401  (registers the tables)
import inventory.contracts.models  # noqa: F401  (registers the tables)
import inventory.documents.models  # noqa: F401  (registers the tables)
import inventory.documents.warehouse_models  # noqa: F401  (registers the tables)
import inventory.manufacturing.models  # noqa: F401  (registers the tables)
import inventory.health.models  # noqa: F401  (registers the tables)
import inventory.lots.models  # noqa: F401  (registers the tables)
import inventory.models  # noqa: F401  (registers the tables)
import inventory.planning.forecast_models  # noqa: F401  (registers the tables)
import inventory.planning.models  # noqa: F401  (registers the tables)
import inventory.recipes.models  # noqa: F401  (registers the tables)
import kernel.models
import templates_marketplace.models  # noqa: F401  (registers the tables)
from kernel.models import Base


def target_metadata() -> MetaData:
    """The shared metadata with every table registered."""
    return Base.metadata


__all__ = ["kernel", "target_metadata"]
