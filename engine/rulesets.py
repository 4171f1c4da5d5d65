"""Storing rule-set versions and loading the compiled plans that run in production."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dsl import SchemaRegistry, parse_and_check
from engine.canonical import from_data, to_data, version_hash
from engine.compiler import Plan, compile_rule_set
from engine.facts.interest import forget_interest
from engine.ir import RuleSet
from engine.lowering_rules import lower_rule_file
from engine.models import InboxMessage, RuleSetVersion


def save_version(session: Session, tenant_id: int, name: str, source: str,
                 registry: SchemaRegistry, author: str, now: datetime) -> RuleSetVersion:
    """Check rule text and store it as a draft version; the same rules give the same version.

    Raises:
        DslSyntaxError, DslCheckError: the text is not a valid rule file.
    """
    rule_set = lower_rule_file(parse_and_check(source, registry))
    digest = version_hash(rule_set)
    existing = session.scalar(select(RuleSetVersion).where(
        RuleSetVersion.name == name, RuleSetVersion.version_hash == digest))
    if existing is not None:
        return existing
    row = RuleSetVersion(tenant_id=tenant_id, name=name, version_hash=digest, source=source,
                         ir=to_data(rule_set), state="draft", author=author, created_at=now)
    session.add(row)
    session.flush()
    return row


def put_in_production(session: Session, version: RuleSetVersion) -> None:
    """Make ``version`` the one production version of its rule set (retiring the previous).

    Only governance (review by someone other than the author) should call this; the
    review workflow arrives with the governance issue.
    """
    session.execute(update(RuleSetVersion)
                    .where(RuleSetVersion.name == version.name,
                           RuleSetVersion.state == "production",
                           RuleSetVersion.id != version.id)
                    .values(state="retired").execution_options(synchronize_session=False))
    version.state = "production"
    session.flush()
    forget_interest(version.tenant_id)


class PlanCache:
    """Compiled plans by version hash: a version is immutable, so its plan never changes."""

    def __init__(self, size: int = 256) -> None:
        self._plans: dict[str, Plan] = {}
        self._lock = threading.Lock()
        self._size = size

    def plan(self, version: RuleSetVersion) -> Plan:
        """The compiled plan of ``version`` (compiled once)."""
        with self._lock:
            found = self._plans.get(version.version_hash)
        if found is not None:
            return found
        rule_set = from_data(version.ir)
        assert isinstance(rule_set, RuleSet)
        plan = compile_rule_set(rule_set)
        with self._lock:
            if len(self._plans) >= self._size:
                self._plans.pop(next(iter(self._plans)))
            self._plans[version.version_hash] = plan
        return plan


def production_plans(session: Session, cache: PlanCache) -> list[Plan]:
    """The plans of every rule set in production for the session's tenant, by name."""
    rows = session.scalars(select(RuleSetVersion).where(RuleSetVersion.state == "production")
                           .order_by(RuleSetVersion.name)).all()
    return [cache.plan(row) for row in rows]


def list_inbox(session: Session, recipient: str | None, offset: int, limit: int
               ) -> tuple[list[InboxMessage], int]:
    """Alerts and notifications of the session's tenant, newest first."""
    stmt = select(InboxMessage)
    if recipient:
        stmt = stmt.where(InboxMessage.recipient == recipient)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(InboxMessage.id.desc()).offset(offset).limit(limit))
    return list(rows), total
