"""engine actions: rule writes with provenance, sandbox tenants with their own clock

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23

``rule_write`` records what the production executor changed outside the ledger (fields,
documents, freezes, follow-up events) with the event, rule, version and node. A tenant may
be a sandbox (``is_sandbox``) whose clock runs ``clock_offset_seconds`` ahead.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rule_write",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  autoincrement=True, nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("rule_version", sa.String(length=64), nullable=False),
        sa.Column("rule_node", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"],
                                name=op.f("fk_rule_write_tenant_id_tenant"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_write")),
    )
    with op.batch_alter_table("rule_write", schema=None) as batch_op:
        batch_op.create_index("ix_rule_write_target", ["tenant_id", "target", "id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_rule_write_tenant_id"), ["tenant_id"],
                              unique=False)
    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_sandbox", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("clock_offset_seconds", sa.BigInteger(), nullable=False,
                                      server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.drop_column("clock_offset_seconds")
        batch_op.drop_column("is_sandbox")
    with op.batch_alter_table("rule_write", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_write_tenant_id"))
        batch_op.drop_index("ix_rule_write_target")
    op.drop_table("rule_write")
