"""recipes: dishes and recipes, catering stores, dish sales and waste records with their
ingredient use, table bookings, temperature forecasts, and the 04:00 purchase lists.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-23 15:38:21.913597
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dish',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_dish_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dish')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_dish_tenant_id_code'))
    )
    with op.batch_alter_table('dish', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dish_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('catering_store',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('central_kitchen_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('pool_channel', sa.String(length=40), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('purchase_list_at', sa.String(length=5), nullable=False),
    sa.Column('lookback_days', sa.Integer(), nullable=False),
    sa.Column('base_temperature_c', sa.BigInteger(), nullable=False),
    sa.Column('share_per_degree', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['central_kitchen_id'], ['warehouse.id'], name=op.f('fk_catering_store_central_kitchen_id_warehouse')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_catering_store_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_catering_store_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catering_store')),
    sa.UniqueConstraint('tenant_id', 'warehouse_id', name=op.f('uq_catering_store_tenant_id_warehouse_id'))
    )
    with op.batch_alter_table('catering_store', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catering_store_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('dish_sale',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('no', sa.String(length=40), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('covers', sa.Integer(), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('sold_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('covers >= 0', name=op.f('ck_dish_sale_covers_not_negative')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_dish_sale_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_dish_sale_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dish_sale')),
    sa.UniqueConstraint('tenant_id', 'no', name=op.f('uq_dish_sale_tenant_id_no'))
    )
    with op.batch_alter_table('dish_sale', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dish_sale_business_date'), ['business_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_dish_sale_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dish_sale_warehouse_id'), ['warehouse_id'], unique=False)

    op.create_table('ingredient_use',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('document_type', sa.String(length=40), nullable=False),
    sa.Column('document_no', sa.String(length=40), nullable=False),
    sa.Column('qty', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('qty > 0', name=op.f('ck_ingredient_use_qty_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_ingredient_use_item_id_item')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_ingredient_use_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_ingredient_use_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ingredient_use'))
    )
    with op.batch_alter_table('ingredient_use', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ingredient_use_business_date'), ['business_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_ingredient_use_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ingredient_use_warehouse_id'), ['warehouse_id'], unique=False)

    op.create_table('purchase_list',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('no', sa.String(length=40), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_purchase_list_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_purchase_list_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_list')),
    sa.UniqueConstraint('tenant_id', 'no', name=op.f('uq_purchase_list_tenant_id_no')),
    sa.UniqueConstraint('warehouse_id', 'business_date', name=op.f('uq_purchase_list_warehouse_id_business_date'))
    )
    with op.batch_alter_table('purchase_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_list_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('recipe_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('dish_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty_per_portion', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('qty_per_portion > 0', name=op.f('ck_recipe_line_qty_positive')),
    sa.ForeignKeyConstraint(['dish_id'], ['dish.id'], name=op.f('fk_recipe_line_dish_id_dish')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_recipe_line_item_id_item')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_recipe_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipe_line')),
    sa.UniqueConstraint('dish_id', 'item_id', name=op.f('uq_recipe_line_dish_id_item_id'))
    )
    with op.batch_alter_table('recipe_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recipe_line_dish_id'), ['dish_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recipe_line_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('table_booking',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('booking_date', sa.Date(), nullable=False),
    sa.Column('covers', sa.Integer(), nullable=False),
    sa.Column('guest', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('covers > 0', name=op.f('ck_table_booking_covers_positive')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_table_booking_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_table_booking_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_table_booking'))
    )
    with op.batch_alter_table('table_booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_table_booking_booking_date'), ['booking_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_table_booking_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_table_booking_warehouse_id'), ['warehouse_id'], unique=False)

    op.create_table('temperature_forecast',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('forecast_date', sa.Date(), nullable=False),
    sa.Column('temperature_c', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_temperature_forecast_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_temperature_forecast_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_temperature_forecast'))
    )
    with op.batch_alter_table('temperature_forecast', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_temperature_forecast_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_temperature_forecast_warehouse_id'), ['warehouse_id'], unique=False)

    op.create_table('waste_record',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('no', sa.String(length=40), nullable=False),
    sa.Column('warehouse_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_waste_record_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_waste_record_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waste_record')),
    sa.UniqueConstraint('tenant_id', 'no', name=op.f('uq_waste_record_tenant_id_no'))
    )
    with op.batch_alter_table('waste_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waste_record_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_waste_record_warehouse_id'), ['warehouse_id'], unique=False)

    op.create_table('purchase_list_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('list_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('used_qty', sa.BigInteger(), nullable=False),
    sa.Column('needed_qty', sa.BigInteger(), nullable=False),
    sa.Column('on_hand', sa.BigInteger(), nullable=False),
    sa.Column('to_buy_qty', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_purchase_list_line_item_id_item')),
    sa.ForeignKeyConstraint(['list_id'], ['purchase_list.id'], name=op.f('fk_purchase_list_line_list_id_purchase_list')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_purchase_list_line_tenant_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_list_line'))
    )
    with op.batch_alter_table('purchase_list_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_list_line_list_id'), ['list_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_list_line_tenant_id'), ['tenant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('purchase_list_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_list_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_list_line_list_id'))

    op.drop_table('purchase_list_line')
    with op.batch_alter_table('waste_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waste_record_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_waste_record_tenant_id'))

    op.drop_table('waste_record')
    with op.batch_alter_table('temperature_forecast', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_temperature_forecast_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_temperature_forecast_tenant_id'))

    op.drop_table('temperature_forecast')
    with op.batch_alter_table('table_booking', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_table_booking_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_table_booking_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_table_booking_booking_date'))

    op.drop_table('table_booking')
    with op.batch_alter_table('recipe_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recipe_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_recipe_line_dish_id'))

    op.drop_table('recipe_line')
    with op.batch_alter_table('purchase_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_list_tenant_id'))

    op.drop_table('purchase_list')
    with op.batch_alter_table('ingredient_use', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ingredient_use_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_ingredient_use_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_ingredient_use_business_date'))

    op.drop_table('ingredient_use')
    with op.batch_alter_table('dish_sale', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dish_sale_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_dish_sale_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_dish_sale_business_date'))

    op.drop_table('dish_sale')
    with op.batch_alter_table('catering_store', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catering_store_tenant_id'))

    op.drop_table('catering_store')
    with op.batch_alter_table('dish', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dish_tenant_id'))

    op.drop_table('dish')
