"""connector lifecycle: soft delete, secret rotation time, rejection detail

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("connector", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("secret_rotated_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("connector_rejection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detail", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("connector_rejection", schema=None) as batch_op:
        batch_op.drop_column("detail")
    with op.batch_alter_table("connector", schema=None) as batch_op:
        batch_op.drop_column("secret_rotated_at")
        batch_op.drop_column("deleted_at")
