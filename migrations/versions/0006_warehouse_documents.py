"""warehouse documents: transfers, adjustments, stocktakes, shift snapshots, suppliers;
the quality role

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

Quantities are BIGINT thousandths, money BIGINT cents (kernel.types). The role check of
app_user gains 'quality'; on SQLite that rebuilds the table (batch mode), with foreign
keys deferred to the commit so the tokens that point at users stay valid throughout.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_ROLES_OLD = "role in ('admin','author','reviewer','warehouse','viewer')"
_ROLES_NEW = "role in ('admin','author','reviewer','warehouse','quality','viewer')"


def _user_roles(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        with op.batch_alter_table('app_user', schema=None) as batch_op:
            batch_op.drop_constraint('role', type_='check')
            batch_op.create_check_constraint('role', new)
        return
    # SQLite cannot alter a CHECK, and rebuilding app_user (batch mode) breaks the
    # foreign keys of access_token inside the migration's transaction. Widening a CHECK
    # does not change the stored format, so the table's SQL is edited in place: the
    # procedure SQLite documents for such changes (sqlite.org/lang_altertable.html §7).
    sql: str = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' "
                               "AND name = 'app_user'").scalar_one()
    assert old in sql, sql
    version: int = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' "
                         "AND name = 'app_user'", (sql.replace(old, new),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    _user_roles(_ROLES_OLD, _ROLES_NEW)
    op.create_table('supplier',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_supplier_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_supplier_tenant_id_code'))
    )
    with op.batch_alter_table('supplier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('adjustment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('no', sa.String(length=40), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('photo_count', sa.Integer(), nullable=False),
    sa.Column('photo_refs', sa.JSON(), nullable=False),
    sa.Column('stocktake_no', sa.String(length=40), nullable=True),
    sa.Column('is_above_threshold', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('approved_by', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("reason in ('count_gain','count_loss','damaged','expired','lost','found','stocktake','other')", name=op.f('ck_adjustment_reason')),
    sa.CheckConstraint("status in ('draft','awaiting_approval','posted','rejected','cancelled')", name=op.f('ck_adjustment_status')),
    sa.CheckConstraint('photo_count >= 1', name=op.f('ck_adjustment_has_photo')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_adjustment_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_adjustment_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adjustment')),
    sa.UniqueConstraint('tenant_id', 'no', name=op.f('uq_adjustment_tenant_id_no'))
    )
    with op.batch_alter_table('adjustment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adjustment_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('shift',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('end_time', sa.String(length=5), nullable=False),
    sa.Column('timezone', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_shift_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_shift_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift')),
    sa.UniqueConstraint('tenant_id', 'warehouse_id', 'name', name=op.f('uq_shift_tenant_id_warehouse_id_name'))
    )
    with op.batch_alter_table('shift', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('stocktake',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('no', sa.String(length=40), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('variance_rate_ppm', sa.BigInteger(), nullable=True),
    sa.Column('adjustment_no', sa.String(length=40), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("scope in ('all','selected','blind_check')", name=op.f('ck_stocktake_scope')),
    sa.CheckConstraint("status in ('counting','closed','posted','cancelled')", name=op.f('ck_stocktake_status')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_stocktake_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_stocktake_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktake')),
    sa.UniqueConstraint('tenant_id', 'no', name=op.f('uq_stocktake_tenant_id_no'))
    )
    with op.batch_alter_table('stocktake', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stocktake_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('supplier_qualification',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('supplier_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('number', sa.String(length=80), nullable=False),
    sa.Column('expiry_date', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("kind in ('business_licence','production_licence','food_licence','quality_certificate','other')", name=op.f('ck_supplier_qualification_kind')),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_supplier_qualification_supplier_id_supplier')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_supplier_qualification_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_qualification')),
    sa.UniqueConstraint('supplier_id', 'kind', 'number', name=op.f('uq_supplier_qualification_supplier_id_kind_number'))
    )
    with op.batch_alter_table('supplier_qualification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_qualification_supplier_id'), ['supplier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_qualification_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('transfer',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('no', sa.String(length=40), nullable=False),
    sa.Column('from_warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('to_warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('transit_warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("status in ('draft','in_transit','received','returned','cancelled')", name=op.f('ck_transfer_status')),
    sa.CheckConstraint('from_warehouse_id <> to_warehouse_id', name=op.f('ck_transfer_two_warehouses')),
    sa.ForeignKeyConstraint(['from_warehouse_id'], ['warehouse.id'], name=op.f('fk_transfer_from_warehouse_id_warehouse')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_transfer_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['to_warehouse_id'], ['warehouse.id'], name=op.f('fk_transfer_to_warehouse_id_warehouse')),
    sa.ForeignKeyConstraint(['transit_warehouse_id'], ['warehouse.id'], name=op.f('fk_transfer_transit_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer')),
    sa.UniqueConstraint('tenant_id', 'no', name=op.f('uq_transfer_tenant_id_no'))
    )
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('adjustment_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('adjustment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.BigInteger(), nullable=False),
    sa.Column('unit_cost', sa.BigInteger(), nullable=False),
    sa.Column('lot_no', sa.String(length=64), nullable=True),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('qty <> 0', name=op.f('ck_adjustment_line_qty_not_zero')),
    sa.ForeignKeyConstraint(['adjustment_id'], ['adjustment.id'], name=op.f('fk_adjustment_line_adjustment_id_adjustment')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_adjustment_line_item_id_item')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_adjustment_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adjustment_line')),
    sa.UniqueConstraint('adjustment_id', 'line_no', name=op.f('uq_adjustment_line_adjustment_id_line_no'))
    )
    with op.batch_alter_table('adjustment_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adjustment_line_adjustment_id'), ['adjustment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adjustment_line_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('shift_snapshot',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('shift_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shift_end_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('flagged_count', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_shift_snapshot_shift_id_shift')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_shift_snapshot_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_shift_snapshot_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_snapshot')),
    sa.UniqueConstraint('shift_id', 'shift_end_at', name=op.f('uq_shift_snapshot_shift_id_shift_end_at'))
    )
    with op.batch_alter_table('shift_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_snapshot_shift_id'), ['shift_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shift_snapshot_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('stocktake_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('stocktake_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('system_qty', sa.BigInteger(), nullable=False),
    sa.Column('counted_qty', sa.BigInteger(), nullable=True),
    sa.Column('counted_by', sa.String(length=120), nullable=False),
    sa.Column('counted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('variance_rate_ppm', sa.BigInteger(), nullable=True),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('counted_qty is null or counted_qty >= 0', name=op.f('ck_stocktake_line_counted_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_stocktake_line_item_id_item')),
    sa.ForeignKeyConstraint(['stocktake_id'], ['stocktake.id'], name=op.f('fk_stocktake_line_stocktake_id_stocktake')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_stocktake_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktake_line')),
    sa.UniqueConstraint('stocktake_id', 'item_id', name=op.f('uq_stocktake_line_stocktake_id_item_id')),
    sa.UniqueConstraint('stocktake_id', 'line_no', name=op.f('uq_stocktake_line_stocktake_id_line_no'))
    )
    with op.batch_alter_table('stocktake_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stocktake_line_stocktake_id'), ['stocktake_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stocktake_line_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('transfer_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('transfer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.BigInteger(), nullable=False),
    sa.Column('lot_no', sa.String(length=64), nullable=True),
    sa.Column('lots', sa.JSON(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('qty > 0', name=op.f('ck_transfer_line_qty_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_transfer_line_item_id_item')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_transfer_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfer.id'], name=op.f('fk_transfer_line_transfer_id_transfer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_line')),
    sa.UniqueConstraint('transfer_id', 'line_no', name=op.f('uq_transfer_line_transfer_id_line_no'))
    )
    with op.batch_alter_table('transfer_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_line_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_line_transfer_id'), ['transfer_id'], unique=False)

    op.create_table('shift_snapshot_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('snapshot_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('on_hand', sa.BigInteger(), nullable=False),
    sa.Column('previous_on_hand', sa.BigInteger(), nullable=True),
    sa.Column('is_flagged', sa.Boolean(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_shift_snapshot_line_item_id_item')),
    sa.ForeignKeyConstraint(['snapshot_id'], ['shift_snapshot.id'], name=op.f('fk_shift_snapshot_line_snapshot_id_shift_snapshot')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_shift_snapshot_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_snapshot_line')),
    sa.UniqueConstraint('snapshot_id', 'item_id', name=op.f('uq_shift_snapshot_line_snapshot_id_item_id'))
    )
    with op.batch_alter_table('shift_snapshot_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_snapshot_line_snapshot_id'), ['snapshot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shift_snapshot_line_tenant_id'), ['tenant_id'], unique=False)



def downgrade() -> None:
    op.execute("UPDATE app_user SET role = 'viewer' WHERE role = 'quality'")
    _user_roles(_ROLES_NEW, _ROLES_OLD)
    with op.batch_alter_table('shift_snapshot_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shift_snapshot_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_shift_snapshot_line_snapshot_id'))

    op.drop_table('shift_snapshot_line')
    with op.batch_alter_table('transfer_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_line_transfer_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_line_tenant_id'))

    op.drop_table('transfer_line')
    with op.batch_alter_table('stocktake_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stocktake_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_stocktake_line_stocktake_id'))

    op.drop_table('stocktake_line')
    with op.batch_alter_table('shift_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shift_snapshot_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_shift_snapshot_shift_id'))

    op.drop_table('shift_snapshot')
    with op.batch_alter_table('adjustment_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adjustment_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_adjustment_line_adjustment_id'))

    op.drop_table('adjustment_line')
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_tenant_id'))

    op.drop_table('transfer')
    with op.batch_alter_table('supplier_qualification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_qualification_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_supplier_qualification_supplier_id'))

    op.drop_table('supplier_qualification')
    with op.batch_alter_table('stocktake', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stocktake_tenant_id'))

    op.drop_table('stocktake')
    with op.batch_alter_table('shift', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shift_tenant_id'))

    op.drop_table('shift')
    with op.batch_alter_table('adjustment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adjustment_tenant_id'))

    op.drop_table('adjustment')
    with op.batch_alter_table('supplier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_tenant_id'))

    op.drop_table('supplier')
