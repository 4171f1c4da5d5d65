"""planning: sales channels and their stock pools with rebalance reports and replenishment
tasks, supplier invoices with three-way match and payable vouchers, replenishment policies
and suggestions; sales orders name their channel.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 12:35:52.047983
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pool_rebalance_run',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('ran_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('changed_count', sa.Integer(), nullable=False),
    sa.Column('paused_channels', sa.JSON(), nullable=False),
    sa.Column('task_count', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_pool_rebalance_run_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_rebalance_run'))
    )
    with op.batch_alter_table('pool_rebalance_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_rebalance_run_ran_at'), ['ran_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pool_rebalance_run_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('sales_channel',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_paused', sa.Boolean(), nullable=False),
    sa.Column('paused_reason', sa.Text(), nullable=False),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_sales_channel_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_channel')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_sales_channel_tenant_id_code'))
    )
    with op.batch_alter_table('sales_channel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_channel_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('channel_pool',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('channel_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.BigInteger(), nullable=False),
    sa.Column('target_qty', sa.BigInteger(), nullable=True),
    sa.Column('target_share_pct', sa.BigInteger(), nullable=True),
    sa.Column('threshold_qty', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('qty >= 0', name=op.f('ck_channel_pool_qty_not_negative')),
    sa.CheckConstraint('target_qty is null or target_qty >= 0', name=op.f('ck_channel_pool_target_not_negative')),
    sa.CheckConstraint('target_share_pct is null or (target_share_pct >= 0 and target_share_pct <= 100000)', name=op.f('ck_channel_pool_share_within_100')),
    sa.CheckConstraint('threshold_qty >= 0', name=op.f('ck_channel_pool_threshold_not_negative')),
    sa.ForeignKeyConstraint(['channel_id'], ['sales_channel.id'], name=op.f('fk_channel_pool_channel_id_sales_channel')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_channel_pool_item_id_item')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_channel_pool_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_channel_pool_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_pool')),
    sa.UniqueConstraint('channel_id', 'warehouse_id', 'item_id', name=op.f('uq_channel_pool_channel_id_warehouse_id_item_id'))
    )
    with op.batch_alter_table('channel_pool', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_pool_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_pool_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('replenishment_policy',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('supplier', sa.String(length=200), nullable=False),
    sa.Column('lead_time_days', sa.Integer(), nullable=False),
    sa.Column('service_level_pct', sa.BigInteger(), nullable=False),
    sa.Column('lookback_days', sa.Integer(), nullable=False),
    sa.Column('safety_stock', sa.BigInteger(), nullable=False),
    sa.Column('reorder_point', sa.BigInteger(), nullable=False),
    sa.Column('order_up_to', sa.BigInteger(), nullable=True),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('mean_daily_demand', sa.BigInteger(), nullable=True),
    sa.Column('demand_stdev', sa.BigInteger(), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("mode in ('static','computed')", name=op.f('ck_replenishment_policy_mode')),
    sa.CheckConstraint('lead_time_days > 0', name=op.f('ck_replenishment_policy_lead_time_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_replenishment_policy_item_id_item')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_replenishment_policy_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_replenishment_policy_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_replenishment_policy')),
    sa.UniqueConstraint('item_id', 'warehouse_id', name=op.f('uq_replenishment_policy_item_id_warehouse_id'))
    )
    with op.batch_alter_table('replenishment_policy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_replenishment_policy_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('channel_pool_entry',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('pool_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('document_ref', sa.String(length=80), nullable=True),
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['pool_id'], ['channel_pool.id'], name=op.f('fk_channel_pool_entry_pool_id_channel_pool')),
    sa.ForeignKeyConstraint(['run_id'], ['pool_rebalance_run.id'], name=op.f('fk_channel_pool_entry_run_id_pool_rebalance_run')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_channel_pool_entry_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_pool_entry'))
    )
    with op.batch_alter_table('channel_pool_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_pool_entry_document_ref'), ['document_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_pool_entry_pool_id'), ['pool_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_pool_entry_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('pool_rebalance_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('pool_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('available', sa.BigInteger(), nullable=False),
    sa.Column('distributable', sa.BigInteger(), nullable=False),
    sa.Column('target', sa.BigInteger(), nullable=False),
    sa.Column('qty_before', sa.BigInteger(), nullable=False),
    sa.Column('qty_after', sa.BigInteger(), nullable=False),
    sa.Column('is_below_threshold', sa.Boolean(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['pool_id'], ['channel_pool.id'], name=op.f('fk_pool_rebalance_line_pool_id_channel_pool')),
    sa.ForeignKeyConstraint(['run_id'], ['pool_rebalance_run.id'], name=op.f('fk_pool_rebalance_line_run_id_pool_rebalance_run')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_pool_rebalance_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_rebalance_line'))
    )
    with op.batch_alter_table('pool_rebalance_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_rebalance_line_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pool_rebalance_line_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('replenishment_suggestion',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('policy_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('reorder_point', sa.BigInteger(), nullable=False),
    sa.Column('safety_stock', sa.BigInteger(), nullable=False),
    sa.Column('suggested_qty', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('purchase_order_no', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("status in ('open','ordered')", name=op.f('ck_replenishment_suggestion_status')),
    sa.CheckConstraint('suggested_qty > 0', name=op.f('ck_replenishment_suggestion_qty_positive')),
    sa.ForeignKeyConstraint(['policy_id'], ['replenishment_policy.id'], name=op.f('fk_replenishment_suggestion_policy_id_replenishment_policy')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_replenishment_suggestion_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_replenishment_suggestion'))
    )
    with op.batch_alter_table('replenishment_suggestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_replenishment_suggestion_policy_id'), ['policy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_replenishment_suggestion_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('replenishment_task',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('pool_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('short_qty', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("status in ('open','done')", name=op.f('ck_replenishment_task_status')),
    sa.ForeignKeyConstraint(['pool_id'], ['channel_pool.id'], name=op.f('fk_replenishment_task_pool_id_channel_pool')),
    sa.ForeignKeyConstraint(['run_id'], ['pool_rebalance_run.id'], name=op.f('fk_replenishment_task_run_id_pool_rebalance_run')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_replenishment_task_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_replenishment_task'))
    )
    with op.batch_alter_table('replenishment_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_replenishment_task_pool_id'), ['pool_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_replenishment_task_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('supplier_invoice',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('no', sa.String(length=40), nullable=False),
    sa.Column('purchase_order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('invoiced_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('total_amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("status in ('recorded','matched','mismatched')", name=op.f('ck_supplier_invoice_status')),
    sa.ForeignKeyConstraint(['purchase_order_id'], ['purchase_order.id'], name=op.f('fk_supplier_invoice_purchase_order_id_purchase_order')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_supplier_invoice_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_invoice')),
    sa.UniqueConstraint('tenant_id', 'no', name=op.f('uq_supplier_invoice_tenant_id_no'))
    )
    with op.batch_alter_table('supplier_invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_invoice_purchase_order_id'), ['purchase_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_invoice_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('supplier_invoice_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['supplier_invoice.id'], name=op.f('fk_supplier_invoice_line_invoice_id_supplier_invoice')),
    sa.ForeignKeyConstraint(['order_line_id'], ['purchase_order_line.id'], name=op.f('fk_supplier_invoice_line_order_line_id_purchase_order_line')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_supplier_invoice_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_invoice_line')),
    sa.UniqueConstraint('invoice_id', 'line_no', name=op.f('uq_supplier_invoice_line_invoice_id_line_no'))
    )
    with op.batch_alter_table('supplier_invoice_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_invoice_line_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_invoice_line_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('three_way_match',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('tolerance', sa.BigInteger(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("outcome in ('matched','mismatched')", name=op.f('ck_three_way_match_outcome')),
    sa.ForeignKeyConstraint(['invoice_id'], ['supplier_invoice.id'], name=op.f('fk_three_way_match_invoice_id_supplier_invoice')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_three_way_match_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_three_way_match'))
    )
    with op.batch_alter_table('three_way_match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_three_way_match_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_three_way_match_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('payable_voucher',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('no', sa.String(length=48), nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('match_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('is_tax_trusted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['supplier_invoice.id'], name=op.f('fk_payable_voucher_invoice_id_supplier_invoice')),
    sa.ForeignKeyConstraint(['match_id'], ['three_way_match.id'], name=op.f('fk_payable_voucher_match_id_three_way_match')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_payable_voucher_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payable_voucher')),
    sa.UniqueConstraint('invoice_id', name=op.f('uq_payable_voucher_invoice_id')),
    sa.UniqueConstraint('tenant_id', 'no', name=op.f('uq_payable_voucher_tenant_id_no'))
    )
    with op.batch_alter_table('payable_voucher', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payable_voucher_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=40), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.drop_column('channel')

    with op.batch_alter_table('payable_voucher', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payable_voucher_tenant_id'))

    op.drop_table('payable_voucher')
    with op.batch_alter_table('three_way_match', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_three_way_match_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_three_way_match_invoice_id'))

    op.drop_table('three_way_match')
    with op.batch_alter_table('supplier_invoice_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_invoice_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_supplier_invoice_line_invoice_id'))

    op.drop_table('supplier_invoice_line')
    with op.batch_alter_table('supplier_invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_invoice_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_supplier_invoice_purchase_order_id'))

    op.drop_table('supplier_invoice')
    with op.batch_alter_table('replenishment_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replenishment_task_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_replenishment_task_pool_id'))

    op.drop_table('replenishment_task')
    with op.batch_alter_table('replenishment_suggestion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replenishment_suggestion_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_replenishment_suggestion_policy_id'))

    op.drop_table('replenishment_suggestion')
    with op.batch_alter_table('pool_rebalance_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_rebalance_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_pool_rebalance_line_run_id'))

    op.drop_table('pool_rebalance_line')
    with op.batch_alter_table('channel_pool_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_pool_entry_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_channel_pool_entry_pool_id'))
        batch_op.drop_index(batch_op.f('ix_channel_pool_entry_document_ref'))

    op.drop_table('channel_pool_entry')
    with op.batch_alter_table('replenishment_policy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replenishment_policy_tenant_id'))

    op.drop_table('replenishment_policy')
    with op.batch_alter_table('channel_pool', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_pool_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_channel_pool_channel_id'))

    op.drop_table('channel_pool')
    with op.batch_alter_table('sales_channel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_channel_tenant_id'))

    op.drop_table('sales_channel')
    with op.batch_alter_table('pool_rebalance_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_rebalance_run_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_pool_rebalance_run_ran_at'))

    op.drop_table('pool_rebalance_run')
