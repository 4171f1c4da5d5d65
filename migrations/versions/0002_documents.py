"""documents: customers, orders, receipts, shipments, returns

Revision ID: 0002
Revises: 0001

Money and quantities are BIGINT (cents and thousandths, see kernel.types). This revision
follows 0003 (engine runtime), which was written first against 0001, so the chain stays
linear: 0001 → 0003 → 0002.
Create Date: 2026-11-23 10:46:54.744692
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('customer',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_frozen', sa.Boolean(), nullable=False),
    sa.Column('frozen_reason', sa.Text(), nullable=False),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_customer_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_customer_tenant_id_code'))
    )
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('purchase_order',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('no', sa.String(length=40), nullable=False),
    sa.Column('supplier', sa.String(length=200), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("status in ('draft','approved','partially_received','received','closed','cancelled')", name=op.f('ck_purchase_order_status')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_purchase_order_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_purchase_order_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order')),
    sa.UniqueConstraint('tenant_id', 'no', name=op.f('uq_purchase_order_tenant_id_no'))
    )
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('sales_order',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('no', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('deposit_amount', sa.BigInteger(), nullable=False),
    sa.Column('hold_seconds', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("status in ('draft','confirmed','partially_shipped','shipped','closed','cancelled')", name=op.f('ck_sales_order_status')),
    sa.CheckConstraint('deposit_amount >= 0', name=op.f('ck_sales_order_deposit_not_negative')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_sales_order_customer_id_customer')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_sales_order_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_sales_order_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_order')),
    sa.UniqueConstraint('tenant_id', 'no', name=op.f('uq_sales_order_tenant_id_no'))
    )
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_order_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('warehouse_confirmation',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code_hash', sa.String(length=255), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_warehouse_confirmation_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_warehouse_confirmation_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warehouse_confirmation')),
    sa.UniqueConstraint('tenant_id', 'warehouse_id', name=op.f('uq_warehouse_confirmation_tenant_id_warehouse_id'))
    )
    with op.batch_alter_table('warehouse_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_warehouse_confirmation_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('purchase_order_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.BigInteger(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('received_qty', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('qty > 0', name=op.f('ck_purchase_order_line_qty_positive')),
    sa.CheckConstraint('received_qty >= 0 and received_qty <= qty', name=op.f('ck_purchase_order_line_received_within_qty')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_purchase_order_line_item_id_item')),
    sa.ForeignKeyConstraint(['order_id'], ['purchase_order.id'], name=op.f('fk_purchase_order_line_order_id_purchase_order')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_purchase_order_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order_line')),
    sa.UniqueConstraint('order_id', 'line_no', name=op.f('uq_purchase_order_line_order_id_line_no'))
    )
    with op.batch_alter_table('purchase_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_line_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_order_line_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('receipt',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('no', sa.String(length=40), nullable=False),
    sa.Column('purchase_order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('is_scanned', sa.Boolean(), nullable=False),
    sa.Column('photo_count', sa.Integer(), nullable=False),
    sa.Column('measured_weight_kg', sa.BigInteger(), nullable=True),
    sa.Column('expected_weight_kg', sa.BigInteger(), nullable=True),
    sa.Column('weight_tolerance_pct', sa.BigInteger(), nullable=True),
    sa.Column('frozen_reason', sa.Text(), nullable=False),
    sa.Column('released_by', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("status in ('draft','inspected','frozen','put_away','cancelled')", name=op.f('ck_receipt_status')),
    sa.CheckConstraint('photo_count >= 0', name=op.f('ck_receipt_photo_count_not_negative')),
    sa.ForeignKeyConstraint(['purchase_order_id'], ['purchase_order.id'], name=op.f('fk_receipt_purchase_order_id_purchase_order')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_receipt_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_receipt_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt')),
    sa.UniqueConstraint('tenant_id', 'no', name=op.f('uq_receipt_tenant_id_no'))
    )
    with op.batch_alter_table('receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_purchase_order_id'), ['purchase_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipt_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('sales_order_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.BigInteger(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('reservation_id', sa.String(length=36), nullable=True),
    sa.Column('shipped_qty', sa.BigInteger(), nullable=False),
    sa.Column('returned_qty', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('qty > 0', name=op.f('ck_sales_order_line_qty_positive')),
    sa.CheckConstraint('returned_qty >= 0 and returned_qty <= shipped_qty', name=op.f('ck_sales_order_line_returned_within_shipped')),
    sa.CheckConstraint('shipped_qty >= 0 and shipped_qty <= qty', name=op.f('ck_sales_order_line_shipped_within_qty')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_sales_order_line_item_id_item')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_sales_order_line_order_id_sales_order')),
    sa.ForeignKeyConstraint(['reservation_id'], ['reservation.id'], name=op.f('fk_sales_order_line_reservation_id_reservation')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_sales_order_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_order_line')),
    sa.UniqueConstraint('order_id', 'line_no', name=op.f('uq_sales_order_line_order_id_line_no'))
    )
    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_order_line_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_line_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('sales_return',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('no', sa.String(length=40), nullable=False),
    sa.Column('sales_order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("reason in ('damaged','mismatch','late','other')", name=op.f('ck_sales_return_reason')),
    sa.CheckConstraint("status in ('draft','posted','cancelled')", name=op.f('ck_sales_return_status')),
    sa.ForeignKeyConstraint(['sales_order_id'], ['sales_order.id'], name=op.f('fk_sales_return_sales_order_id_sales_order')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_sales_return_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_sales_return_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_return')),
    sa.UniqueConstraint('tenant_id', 'no', name=op.f('uq_sales_return_tenant_id_no'))
    )
    with op.batch_alter_table('sales_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_return_sales_order_id'), ['sales_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_return_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('shipment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('no', sa.String(length=40), nullable=False),
    sa.Column('sales_order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('carrier', sa.String(length=80), nullable=False),
    sa.Column('tracking_no', sa.String(length=80), nullable=False),
    sa.Column('shipped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("status in ('draft','picked','packed','shipped','cancelled')", name=op.f('ck_shipment_status')),
    sa.ForeignKeyConstraint(['sales_order_id'], ['sales_order.id'], name=op.f('fk_shipment_sales_order_id_sales_order')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_shipment_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_shipment_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment')),
    sa.UniqueConstraint('tenant_id', 'no', name=op.f('uq_shipment_tenant_id_no'))
    )
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_sales_order_id'), ['sales_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('receipt_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('receipt_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.BigInteger(), nullable=False),
    sa.Column('lot_no', sa.String(length=64), nullable=True),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('qty > 0', name=op.f('ck_receipt_line_qty_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_receipt_line_item_id_item')),
    sa.ForeignKeyConstraint(['order_line_id'], ['purchase_order_line.id'], name=op.f('fk_receipt_line_order_line_id_purchase_order_line')),
    sa.ForeignKeyConstraint(['receipt_id'], ['receipt.id'], name=op.f('fk_receipt_line_receipt_id_receipt')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_receipt_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_line')),
    sa.UniqueConstraint('receipt_id', 'line_no', name=op.f('uq_receipt_line_receipt_id_line_no'))
    )
    with op.batch_alter_table('receipt_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_line_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipt_line_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('sales_return_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('return_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.BigInteger(), nullable=False),
    sa.Column('lot_no', sa.String(length=64), nullable=True),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('qty > 0', name=op.f('ck_sales_return_line_qty_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_sales_return_line_item_id_item')),
    sa.ForeignKeyConstraint(['order_line_id'], ['sales_order_line.id'], name=op.f('fk_sales_return_line_order_line_id_sales_order_line')),
    sa.ForeignKeyConstraint(['return_id'], ['sales_return.id'], name=op.f('fk_sales_return_line_return_id_sales_return')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_sales_return_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_return_line')),
    sa.UniqueConstraint('return_id', 'line_no', name=op.f('uq_sales_return_line_return_id_line_no'))
    )
    with op.batch_alter_table('sales_return_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_return_line_return_id'), ['return_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_return_line_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('shipment_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('shipment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('qty > 0', name=op.f('ck_shipment_line_qty_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_shipment_line_item_id_item')),
    sa.ForeignKeyConstraint(['order_line_id'], ['sales_order_line.id'], name=op.f('fk_shipment_line_order_line_id_sales_order_line')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], name=op.f('fk_shipment_line_shipment_id_shipment')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_shipment_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_line')),
    sa.UniqueConstraint('shipment_id', 'line_no', name=op.f('uq_shipment_line_shipment_id_line_no'))
    )
    with op.batch_alter_table('shipment_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_line_shipment_id'), ['shipment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_line_tenant_id'), ['tenant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('shipment_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_shipment_line_shipment_id'))

    op.drop_table('shipment_line')
    with op.batch_alter_table('sales_return_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_return_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_sales_return_line_return_id'))

    op.drop_table('sales_return_line')
    with op.batch_alter_table('receipt_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_receipt_line_receipt_id'))

    op.drop_table('receipt_line')
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_shipment_sales_order_id'))

    op.drop_table('shipment')
    with op.batch_alter_table('sales_return', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_return_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_sales_return_sales_order_id'))

    op.drop_table('sales_return')
    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_order_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_sales_order_line_order_id'))

    op.drop_table('sales_order_line')
    with op.batch_alter_table('receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_receipt_purchase_order_id'))

    op.drop_table('receipt')
    with op.batch_alter_table('purchase_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_order_line_order_id'))

    op.drop_table('purchase_order_line')
    with op.batch_alter_table('warehouse_confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_warehouse_confirmation_tenant_id'))

    op.drop_table('warehouse_confirmation')
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_order_tenant_id'))

    op.drop_table('sales_order')
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_tenant_id'))

    op.drop_table('purchase_order')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_tenant_id'))

    op.drop_table('customer')
