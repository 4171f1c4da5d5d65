"""The ledger is append-only in the database itself: UPDATE and DELETE are refused.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Defence in depth: no code path updates or deletes a ledger row, and now neither can a
bug, a script or a hand-typed SQL statement. (Dropping the table in a downgrade still
works; TRUNCATE on PostgreSQL is not covered, by design of row triggers.)
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION jxcflow_ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entry is append-only: % refused', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute("CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE "
                   "ON ledger_entry FOR EACH ROW EXECUTE FUNCTION jxcflow_ledger_append_only()")
        return
    for operation in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER ledger_entry_no_{operation.lower()} BEFORE {operation} "
                   f"ON ledger_entry BEGIN SELECT RAISE(ABORT, 'ledger_entry is append-only: "
                   f"{operation} refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry")
        op.execute("DROP FUNCTION IF EXISTS jxcflow_ledger_append_only()")
        return
    for operation in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS ledger_entry_no_{operation}")
