"""customer level (normal, vip, key_account), read by rules as customer.level

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("level", sa.String(length=20), nullable=False,
                                      server_default="normal"))
        batch_op.create_check_constraint(batch_op.f("ck_customer_level"),
                                         "level in ('normal','vip','key_account')")


def downgrade() -> None:
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_customer_level"), type_="check")
        batch_op.drop_column("level")
