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


def _resize(wider: bool) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column, old, new in _WIDER:
        before, after = (old, new) if wider else (new, old)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, type_=sa.String(after),
                                  existing_type=sa.String(before))
    if sqlite:
        # Batch mode rebuilds ledger_entry on SQLite, which drops its append-only triggers
        # (migration 0005): put them back exactly as 0005 made them.
        for operation in ("UPDATE", "DELETE"):
            op.execute(f"DROP TRIGGER IF EXISTS ledger_entry_no_{operation.lower()}")
            op.execute(f"CREATE TRIGGER ledger_entry_no_{operation.lower()} BEFORE {operation} "
                       f"ON ledger_entry BEGIN SELECT RAISE(ABORT, 'ledger_entry is "
                       f"append-only: {operation} refused'); END")


def upgrade() -> None:
    _resize(wider=True)


def downgrade() -> None:
    _resize(wider=False)
