"""lots module: lot freezes by location (cold chain)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('lot_freeze',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('lot_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('cause_event_id', sa.String(length=36), nullable=True),
    sa.Column('rule_version', sa.String(length=64), nullable=True),
    sa.Column('rule_node', sa.String(length=80), nullable=True),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_by', sa.String(length=120), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("status in ('frozen','released')", name=op.f('ck_lot_freeze_status')),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_lot_freeze_lot_id_lot')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_lot_freeze_warehouse_id_warehouse')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_lot_freeze_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_freeze')),
    sa.UniqueConstraint('tenant_id', 'lot_id', 'warehouse_id', name=op.f('uq_lot_freeze_tenant_id_lot_id_warehouse_id'))
    )
    with op.batch_alter_table('lot_freeze', schema=None) as batch_op:
        batch_op.create_index('ix_lot_freeze_status', ['tenant_id', 'warehouse_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_freeze_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lot_freeze', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_freeze_tenant_id'))
        batch_op.drop_index('ix_lot_freeze_status')
    op.drop_table('lot_freeze')
