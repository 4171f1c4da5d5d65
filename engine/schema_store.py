"""A tenant's schema: the built-in 进销存 events plus what installed packs added.

Packs add event types (and fields to existing ones) and item attributes; they are kept
as rows so that every rule of the tenant is checked against the same registry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from dsl import EventType, FieldDef, InMemorySchemaRegistry, parse_type
from dsl.action_kinds import expressible
from dsl.schema_defaults import default_registry
from engine import actions
from engine.executors import outbound
from kernel.models import Base, Id, Json
from kernel.tenancy import TenantScoped
from kernel.types import UtcDateTime


class SchemaExtension(TenantScoped, Base):
    """One event type or item attribute a pack added to a tenant's schema."""

    __tablename__ = "schema_extension"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "name"),
        CheckConstraint("kind in ('event','item_attribute')", name="kind"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    #: ``pack:<id>`` of the pack that added it.
    source: Mapped[str] = mapped_column(String(80))
    #: The declaration as written in the pack (label, key, fields / type, required).
    definition: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


def event_type_from(definition: dict[str, Any], producer: str = "pack") -> EventType:
    """The registry's event type for a stored declaration.

    A pack's events are raised by its connectors' mappings or its rules' ``emit event``,
    entity-shaped: each field sits in the payload at its own path.
    """
    return EventType(
        name=definition["name"], label_en=definition["label"]["en"],
        label_zh=definition["label"]["zh"], key=definition.get("key"),
        producer=definition.get("producer") or producer,
        fields=tuple(FieldDef(path=f["path"], type=parse_type(f["type"]),
                              label_en=f["label"]["en"], label_zh=f["label"]["zh"],
                              source=f["path"])
                     for f in definition.get("field", ())))


def tenant_registry(session: Session) -> InMemorySchemaRegistry:
    """The registry rules of the session's tenant are checked against: its events and
    fields, and what production applies (the action registry) with its connector names."""
    rows = session.scalars(select(SchemaExtension).where(SchemaExtension.kind == "event")
                           .order_by(SchemaExtension.id))
    registry = default_registry().extended(event_type_from(r.definition, r.source) for r in rows)
    return with_action_catalogue(session, registry)


def action_refusals(registry: InMemorySchemaRegistry) -> dict[tuple[str, str], tuple[str, str]]:
    """Every action the language can say on ``registry`` that production will not apply in
    this process, with why (the action registry's answer; no tenant data)."""
    return actions.refusals(expressible(registry, [e.name for e in registry.events()]))


def with_action_catalogue(session: Session, registry: InMemorySchemaRegistry
                          ) -> InMemorySchemaRegistry:
    """``registry`` refusing every action production will not apply for this tenant, and
    knowing the tenant's outbound connector names (through the connectors' catalogue)."""
    refused = action_refusals(registry)
    names: list[str] = []
    catalogue = outbound.catalogue()
    if catalogue is not None:
        names = list(catalogue.names(session, "webhook"))
        if not names:
            refused[("call_webhook", "")] = (
                "the tenant has no outbound webhook connector; add one under Connectors",
                "本租户还没有出站 Webhook 连接器，请先在连接器中添加")
        if not catalogue.names(session, "mqtt"):
            refused[("publish_mqtt", "")] = (
                "the tenant has no MQTT connector; add one under Connectors",
                "本租户还没有 MQTT 连接器，请先在连接器中添加")
    return registry.with_actions(refused, names)


def item_attributes(session: Session) -> list[dict[str, Any]]:
    """The item attributes packs added to the session's tenant."""
    rows = session.scalars(select(SchemaExtension)
                           .where(SchemaExtension.kind == "item_attribute")
                           .order_by(SchemaExtension.id))
    return [dict(r.definition, source=r.source) for r in rows]
