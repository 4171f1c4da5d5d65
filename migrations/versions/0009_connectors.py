"""connectors: definitions, allow-list, subscriptions, inbound receipts and rejections,
outbound deliveries and their attempt log

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 12:35:52.856241
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('connector',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('public_id', sa.String(length=40), nullable=False),
    sa.Column('endpoint', sa.String(length=500), nullable=True),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('secret_encrypted', sa.Text(), nullable=True),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('is_enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("kind in ('webhook_in','webhook_out','mqtt','http')", name=op.f('ck_connector_kind')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_connector_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connector')),
    sa.UniqueConstraint('public_id', name=op.f('uq_connector_public_id')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_connector_tenant_id_name'))
    )
    with op.batch_alter_table('connector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_connector_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('connector_allowed_host',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('allow_private', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_connector_allowed_host_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connector_allowed_host')),
    sa.UniqueConstraint('tenant_id', 'host', name=op.f('uq_connector_allowed_host_tenant_id_host'))
    )
    with op.batch_alter_table('connector_allowed_host', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_connector_allowed_host_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('connector_delivery',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('delivery_id', sa.String(length=36), nullable=False),
    sa.Column('connector_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=True),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("status in ('pending','delivered','dead')", name=op.f('ck_connector_delivery_status')),
    sa.ForeignKeyConstraint(['connector_id'], ['connector.id'], name=op.f('fk_connector_delivery_connector_id_connector'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_connector_delivery_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connector_delivery')),
    sa.UniqueConstraint('delivery_id', name=op.f('uq_connector_delivery_delivery_id'))
    )
    with op.batch_alter_table('connector_delivery', schema=None) as batch_op:
        batch_op.create_index('ix_connector_delivery_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_connector_delivery_tenant', ['tenant_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_connector_delivery_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('connector_receipt',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('connector_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['connector_id'], ['connector.id'], name=op.f('fk_connector_receipt_connector_id_connector'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_connector_receipt_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connector_receipt')),
    sa.UniqueConstraint('connector_id', 'message_id', name=op.f('uq_connector_receipt_connector_id_message_id'))
    )
    with op.batch_alter_table('connector_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_connector_receipt_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('connector_rejection',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('connector_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['connector_id'], ['connector.id'], name=op.f('fk_connector_rejection_connector_id_connector'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_connector_rejection_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connector_rejection'))
    )
    with op.batch_alter_table('connector_rejection', schema=None) as batch_op:
        batch_op.create_index('ix_connector_rejection_connector', ['tenant_id', 'connector_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_connector_rejection_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('connector_subscription',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('connector_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('event_type', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['connector_id'], ['connector.id'], name=op.f('fk_connector_subscription_connector_id_connector'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_connector_subscription_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connector_subscription')),
    sa.UniqueConstraint('tenant_id', 'connector_id', 'event_type', name=op.f('uq_connector_subscription_tenant_id_connector_id_event_type'))
    )
    with op.batch_alter_table('connector_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_connector_subscription_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_connector_subscription_type', ['tenant_id', 'event_type'], unique=False)

    op.create_table('connector_delivery_attempt',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('delivery_pk', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_pk'], ['connector_delivery.id'], name=op.f('fk_connector_delivery_attempt_delivery_pk_connector_delivery'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_connector_delivery_attempt_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connector_delivery_attempt'))
    )
    with op.batch_alter_table('connector_delivery_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_connector_delivery_attempt_delivery', ['delivery_pk', 'attempt'], unique=False)
        batch_op.create_index(batch_op.f('ix_connector_delivery_attempt_tenant_id'), ['tenant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('connector_delivery_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connector_delivery_attempt_tenant_id'))
        batch_op.drop_index('ix_connector_delivery_attempt_delivery')

    op.drop_table('connector_delivery_attempt')
    with op.batch_alter_table('connector_subscription', schema=None) as batch_op:
        batch_op.drop_index('ix_connector_subscription_type')
        batch_op.drop_index(batch_op.f('ix_connector_subscription_tenant_id'))

    op.drop_table('connector_subscription')
    with op.batch_alter_table('connector_rejection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connector_rejection_tenant_id'))
        batch_op.drop_index('ix_connector_rejection_connector')

    op.drop_table('connector_rejection')
    with op.batch_alter_table('connector_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connector_receipt_tenant_id'))

    op.drop_table('connector_receipt')
    with op.batch_alter_table('connector_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connector_delivery_tenant_id'))
        batch_op.drop_index('ix_connector_delivery_tenant')
        batch_op.drop_index('ix_connector_delivery_due')

    op.drop_table('connector_delivery')
    with op.batch_alter_table('connector_allowed_host', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connector_allowed_host_tenant_id'))

    op.drop_table('connector_allowed_host')
    with op.batch_alter_table('connector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connector_tenant_id'))

    op.drop_table('connector')
