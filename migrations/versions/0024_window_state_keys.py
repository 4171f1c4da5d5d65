"""window and timer state keyed by rule set, rule id and correlation key

Window rows gain their rule set's name and the moment they stop mattering (``expires_at``);
the unique index becomes (tenant_id, rule_set, rule_id, key). Existing rows move to the one
production rule set of their tenant that has their rule id (a count window's end is worked
out from the rule's span); a row whose rule id is in no production rule set, or in more
than one (its state was the mix of all of them), gets rule_set '' and ends at its last
update, so the first sweep removes it. Armed rule timers are renamed
``<rule set>:<rule id>:<key>`` and their payload names the rule set, found from the version
that armed them.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_windows = sa.table("window_state", sa.column("id", sa.BigInteger),
                    sa.column("tenant_id", sa.BigInteger), sa.column("rule_set", sa.String),
                    sa.column("rule_id", sa.String), sa.column("key", sa.String),
                    sa.column("state", sa.JSON), sa.column("updated_at", sa.DateTime(True)),
                    sa.column("expires_at", sa.DateTime(True)))
_versions = sa.table("rule_set_version", sa.column("tenant_id", sa.BigInteger),
                     sa.column("name", sa.String), sa.column("version_hash", sa.String),
                     sa.column("state", sa.String), sa.column("ir", sa.JSON))
_timers = sa.table("durable_timer", sa.column("id", sa.BigInteger),
                   sa.column("tenant_id", sa.BigInteger), sa.column("key", sa.String),
                   sa.column("status", sa.String), sa.column("payload", sa.JSON))


def _data(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _temporal(node: Any) -> Iterator[dict[str, Any]]:
    """Every time clause node inside a rule's IR data."""
    if isinstance(node, dict):
        if node.get("node") in {"CountWithin", "Sustained", "Absence"}:
            yield node
        for value in node.values():
            yield from _temporal(value)
    elif isinstance(node, list):
        for value in node:
            yield from _temporal(value)


def _owners(bind: sa.Connection) -> dict[tuple[int, str], set[tuple[str, int | None]]]:
    """(tenant, rule id) → {(production rule set, count span in ms or None)}."""
    owners: dict[tuple[int, str], set[tuple[str, int | None]]] = {}
    for row in bind.execute(sa.select(_versions.c.tenant_id, _versions.c.name, _versions.c.ir)
                            .where(_versions.c.state == "production")):
        for rule in (_data(row.ir) or {}).get("rules", []):
            spans = [int(t["within_ms"]) for t in _temporal(rule) if t["node"] == "CountWithin"]
            owners.setdefault((row.tenant_id, rule["id"]), set()).add(
                (row.name, spans[0] if spans else None))
    return owners


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _move_windows(bind: sa.Connection) -> None:
    owners = _owners(bind)
    for row in bind.execute(sa.select(_windows.c.id, _windows.c.tenant_id, _windows.c.rule_id,
                                      _windows.c.state, _windows.c.updated_at)).all():
        state = _data(row.state) or []
        where = _windows.c.id == row.id
        if not state or state == [None, False]:
            bind.execute(sa.delete(_windows).where(where))
            continue
        found = owners.get((row.tenant_id, row.rule_id), set())
        if len(found) != 1:
            bind.execute(sa.update(_windows).where(where).values(
                rule_set="", expires_at=_aware(row.updated_at)))
            continue
        name, span = next(iter(found))
        expires = None
        if span is not None and all(isinstance(t, int) for t in state):
            expires = datetime.fromtimestamp(0, UTC) + timedelta(
                milliseconds=max(state) + span)
        bind.execute(sa.update(_windows).where(where).values(rule_set=name,
                                                             expires_at=expires))


def _rule_timers(bind: sa.Connection) -> Iterator[tuple[Any, dict[str, Any]]]:
    for row in bind.execute(sa.select(_timers.c.id, _timers.c.tenant_id, _timers.c.key,
                                      _timers.c.payload)
                            .where(_timers.c.status == "armed")).all():
        payload = _data(row.payload)
        if isinstance(payload, dict) and {"rule_id", "key", "version"} <= payload.keys():
            yield row, payload


def _name_timers(bind: sa.Connection) -> None:
    names: dict[tuple[int, str], set[str]] = {}
    for row in bind.execute(sa.select(_versions.c.tenant_id, _versions.c.name,
                                      _versions.c.version_hash)):
        names.setdefault((row.tenant_id, row.version_hash), set()).add(row.name)
    for row, payload in _rule_timers(bind):
        if "rule_set" in payload or row.key != f"{payload['rule_id']}:{payload['key']}":
            continue
        found = names.get((row.tenant_id, payload["version"]), set())
        if len(found) != 1:
            continue  # left as it was: any rule set with its rule id acts on it
        name = next(iter(found))
        key = f"{name}:{payload['rule_id']}:{payload['key']}"
        if len(key) <= 200:
            bind.execute(sa.update(_timers).where(_timers.c.id == row.id).values(
                key=key, payload={**payload, "rule_set": name}))


def upgrade() -> None:
    with op.batch_alter_table("window_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rule_set", sa.String(length=80), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.drop_constraint("uq_window_state_tenant_id_rule_id_key", type_="unique")
        batch_op.create_unique_constraint("uq_window_state_tenant_id_rule_set_rule_id_key",
                                          ["tenant_id", "rule_set", "rule_id", "key"])
        batch_op.create_index("ix_window_state_expires_at", ["expires_at"], unique=False)
    bind = op.get_bind()
    _move_windows(bind)
    _name_timers(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for row, payload in _rule_timers(bind):
        if "rule_set" in payload:
            bind.execute(sa.update(_timers).where(_timers.c.id == row.id).values(
                key=f"{payload['rule_id']}:{payload['key']}"))
    # Rule sets sharing a rule id and key cannot all stay under the old index: keep the newest.
    newest = sa.select(sa.func.max(_windows.c.id)).group_by(
        _windows.c.tenant_id, _windows.c.rule_id, _windows.c.key)
    bind.execute(sa.delete(_windows).where(_windows.c.id.not_in(newest)))
    with op.batch_alter_table("window_state", schema=None) as batch_op:
        batch_op.drop_index("ix_window_state_expires_at")
        batch_op.drop_constraint("uq_window_state_tenant_id_rule_set_rule_id_key",
                                 type_="unique")
        batch_op.create_unique_constraint("uq_window_state_tenant_id_rule_id_key",
                                          ["tenant_id", "rule_id", "key"])
        batch_op.drop_column("expires_at")
        batch_op.drop_column("rule_set")
