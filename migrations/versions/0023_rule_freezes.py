"""items and suppliers can be frozen (by a rule or a person), with the reason

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("item", "supplier"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("frozen_reason", sa.String(length=300),
                                          nullable=True))


def downgrade() -> None:
    for table in ("supplier", "item"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("frozen_reason")
