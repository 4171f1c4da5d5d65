"""engine runtime: per-key outbox index, applied effects, outbox retry schedule, durable timers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00.000000

The procrastinate job queue (PostgreSQL only) is not created here: ``jxcflow migrate``
applies it with procrastinate's own schema, see ``engine.queue_pg.install``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _tenant_column() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column('tenant_id', sa.BigInteger(), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table('outbox_event', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_event_key', ['tenant_id', 'key', 'id'], unique=False)

    op.create_table('effect',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('effect_key', sa.String(length=200), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    _tenant_column(),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_effect_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_effect')),
    sa.UniqueConstraint('tenant_id', 'effect_key', name=op.f('uq_effect_tenant_id_effect_key'))
    )
    with op.batch_alter_table('effect', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_effect_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('outbox_retry',
    sa.Column('outbox_id', _ID, nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    _tenant_column(),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_event.id'], name=op.f('fk_outbox_retry_outbox_id_outbox_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_outbox_retry_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('outbox_id', name=op.f('pk_outbox_retry'))
    )
    with op.batch_alter_table('outbox_retry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_retry_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('durable_timer',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('fire_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('armed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    _tenant_column(),
    sa.CheckConstraint("status in ('armed','fired','cancelled')", name=op.f('ck_durable_timer_status')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_durable_timer_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_durable_timer'))
    )
    with op.batch_alter_table('durable_timer', schema=None) as batch_op:
        batch_op.create_index('ix_durable_timer_due', ['status', 'fire_at'], unique=False)
        batch_op.create_index('ix_durable_timer_key', ['tenant_id', 'key'], unique=False)
        batch_op.create_index(batch_op.f('ix_durable_timer_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('durable_timer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_durable_timer_tenant_id'))
        batch_op.drop_index('ix_durable_timer_key')
        batch_op.drop_index('ix_durable_timer_due')
    op.drop_table('durable_timer')
    with op.batch_alter_table('outbox_retry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_retry_tenant_id'))
    op.drop_table('outbox_retry')
    with op.batch_alter_table('effect', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_effect_tenant_id'))
    op.drop_table('effect')
    with op.batch_alter_table('outbox_event', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_event_key')
