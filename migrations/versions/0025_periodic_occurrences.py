"""periodic occurrences claimed once per tenant; replenishment tasks have an assignee

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "periodic_occurrence",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  autoincrement=True, nullable=False),
        sa.Column("job", sa.String(length=80), nullable=False),
        sa.Column("occurrence_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("status in ('done','skipped')",
                           name=op.f("ck_periodic_occurrence_status")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"],
                                name=op.f("fk_periodic_occurrence_tenant_id_tenant"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_periodic_occurrence")),
        sa.UniqueConstraint("tenant_id", "job", "occurrence_at",
                            name=op.f("uq_periodic_occurrence_tenant_id_job_occurrence_at")),
    )
    with op.batch_alter_table("periodic_occurrence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_periodic_occurrence_tenant_id"), ["tenant_id"],
                              unique=False)
    with op.batch_alter_table("replenishment_task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee", sa.String(length=120), nullable=False,
                                      server_default="role:purchasing"))


def downgrade() -> None:
    with op.batch_alter_table("replenishment_task", schema=None) as batch_op:
        batch_op.drop_column("assignee")
    with op.batch_alter_table("periodic_occurrence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_periodic_occurrence_tenant_id"))
    op.drop_table("periodic_occurrence")
