"""engine rules: versions, inbox, windows

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:28:19.078381
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('inbox_message',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('recipient', sa.String(length=120), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('rule_id', sa.String(length=80), nullable=False),
    sa.Column('rule_version', sa.String(length=64), nullable=False),
    sa.Column('rule_node', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("kind in ('alert','notify')", name=op.f('ck_inbox_message_kind')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_inbox_message_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_message'))
    )
    with op.batch_alter_table('inbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_message_recipient', ['tenant_id', 'recipient', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_message_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('rule_set_version',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('version_hash', sa.String(length=64), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('ir', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("state in ('draft','sandbox','shadow','awaiting_review','production','retired')", name=op.f('ck_rule_set_version_state')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_rule_set_version_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_set_version')),
    sa.UniqueConstraint('tenant_id', 'name', 'version_hash', name=op.f('uq_rule_set_version_tenant_id_name_version_hash'))
    )
    with op.batch_alter_table('rule_set_version', schema=None) as batch_op:
        batch_op.create_index('ix_rule_set_version_state', ['tenant_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_rule_set_version_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('window_state',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('rule_id', sa.String(length=80), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_window_state_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_window_state')),
    sa.UniqueConstraint('tenant_id', 'rule_id', 'key', name=op.f('uq_window_state_tenant_id_rule_id_key'))
    )
    with op.batch_alter_table('window_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_window_state_tenant_id'), ['tenant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('window_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_window_state_tenant_id'))

    op.drop_table('window_state')
    with op.batch_alter_table('rule_set_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_set_version_tenant_id'))
        batch_op.drop_index('ix_rule_set_version_state')

    op.drop_table('rule_set_version')
    with op.batch_alter_table('inbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_message_tenant_id'))
        batch_op.drop_index('ix_inbox_message_recipient')

    op.drop_table('inbox_message')
