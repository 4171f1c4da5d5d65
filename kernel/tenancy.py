"""Tenant scoping in one place: every ORM query and insert of a session is bound to its tenant.

A session carries ``info["tenant_id"]``. Every ORM-enabled SELECT, UPDATE and DELETE of a
:class:`TenantScoped` model gets ``tenant_id = :tenant`` added (SQLAlchemy's
``with_loader_criteria``); Core statements on tables and the hand-written hot-path SQL
(:class:`kernel.db.Sql`) carry ``tenant_id = :tenant_id`` explicitly instead. Every new
ORM row gets the session's tenant or is refused if it names another. A system session
(``tenant_id=None``) sees all tenants and is only used by migrations, the demo loader,
login and cross-tenant sweeps.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ForeignKey, event
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    mapped_column,
    sessionmaker,
    with_loader_criteria,
)


class TenantScoped:
    """Mixin for every row that belongs to a company."""

    tenant_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("tenant.id", ondelete="RESTRICT"), index=True
    )


class CrossTenantWrite(RuntimeError):
    """A row of one tenant was about to be written by another tenant's session."""


def install_tenant_scoping(factory: sessionmaker[Session]) -> None:
    """Attach the scoping listeners to sessions made by ``factory``."""

    @event.listens_for(factory, "do_orm_execute")
    def _scope_queries(state: ORMExecuteState) -> None:
        # Core statements (on tables, not entities) are left alone: loader criteria apply
        # to ORM entities only, so adding them there changed nothing but cost ~18% of a
        # command. Such statements, like every hand-written one, name tenant_id themselves.
        if not state.is_orm_statement:
            return
        tenant_id = state.session.info.get("tenant_id")
        if tenant_id is None or state.is_column_load or state.is_relationship_load:
            return
        state.statement = state.statement.options(
            with_loader_criteria(
                TenantScoped,
                lambda cls: cls.tenant_id == tenant_id,
                include_aliases=True,
            )
        )

    @event.listens_for(factory, "before_flush")
    def _stamp_tenant(session: Session, _ctx: Any, _instances: Any) -> None:
        tenant_id = session.info.get("tenant_id")
        if tenant_id is None:
            return
        for obj in list(session.new) + list(session.dirty):
            if not isinstance(obj, TenantScoped):
                continue
            if obj.tenant_id is None:
                obj.tenant_id = tenant_id
            elif obj.tenant_id != tenant_id:
                raise CrossTenantWrite(f"{type(obj).__name__} belongs to another tenant")
