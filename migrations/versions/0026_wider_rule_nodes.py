"""wider rule node ids (nested if branches make longer node paths)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column, old length, new length)
_WIDER = (("ledger_entry", "rule_node", 80, 240), ("lot_freeze", "rule_node", 80, 240),
          ("inbox_message", "rule_node", 120, 240), ("rule_write", "rule_node", 120, 240),
          ("effect", "effect_key", 200, 320))


def upgrade() -> None:
    for table, column, old, new in _WIDER:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, type_=sa.String(new), existing_type=sa.String(old))


def downgrade() -> None:
    for table, column, old, new in _WIDER:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, type_=sa.String(old), existing_type=sa.String(new))
