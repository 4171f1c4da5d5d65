"""The schema registry: which events exist, what fields each carries, and their labels.

The checker asks only these few questions (the :class:`SchemaRegistry` protocol). The
engine fills a registry from the database (inventory's documents plus fields added by
packs); :class:`InMemorySchemaRegistry` is the in-package twin, and
:func:`dsl.schema_defaults.default_registry` has the 进销存 basics.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final, Protocol

from dsl.types import DATETIME, ID, DslType


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldDef:
    """A field a rule can read, such as ``order.deposit_amount: money``."""

    path: str
    type: DslType
    label_en: str
    label_zh: str
    #: Other names for the field, such as ``订单.定金``.
    aliases: tuple[str, ...] = ()
    #: True when a rule may write it with ``set`` or a decision table.
    is_settable: bool = False
    #: Where the value sits in the payload the product emits (a dotted path such as
    #: ``deposit_amount`` or ``document.ref``; ``@id`` / ``@occurred_at`` name the event's
    #: envelope); None when a fact loader fills the field.
    source: str | None = None
    #: The fact loader that fills the field when the payload does not carry it (``order``,
    #: ``customer``, ``item``, ``balance``, ``supplier``: see ``engine.facts``). A field has a
    #: source or a loader; the checker refuses to read one that has neither.
    loader: str | None = None

    @property
    def has_source(self) -> bool:
        """True when something fills the field: the payload or a fact loader."""
        return self.source is not None or self.loader is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventType:
    """A business event (or a command request, when ``is_blockable``) and its fields."""

    name: str
    label_en: str
    label_zh: str
    fields: tuple[FieldDef, ...]
    aliases: tuple[str, ...] = ()
    #: The field that correlates events of one business object by default.
    key: str | None = None
    #: True for requests checked by guards before they commit (they can be refused).
    is_blockable: bool = False
    #: Who raises it (:data:`PRODUCER_KINDS`): ``document:<document>.<action>``,
    #: ``module:<name>``, ``connector``, ``engine:<timer|emit>``, ``pack:<id>`` or
    #: ``api:<endpoint>``. A test walks the registry and fails on an event without one.
    producer: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentType:
    """A document a rule may create, with the fields it may fill."""

    name: str
    label_en: str
    label_zh: str
    fields: tuple[FieldDef, ...]
    aliases: tuple[str, ...] = ()


#: The closed vocabulary of producers (the part before the colon).
#:
#: - ``document:<document>.<action>``: a document action (its service emits the event, or
#:   asks the guards with it, inside the action's transaction);
#: - ``module:<name>``: a product module outside the documents (stock, reservations,
#:   channel_pools, matching, recipes);
#: - ``connector``: an inbound webhook or MQTT mapping names it as its event type;
#: - ``engine:timer`` (a durable timer fires) and ``engine:emit`` (a rule's ``emit event``);
#: - ``pack:<id>``: an installed pack declared it (its connectors or rules raise it);
#: - ``api:<endpoint>``: a device endpoint of the JSON API (``api:scans``).
PRODUCER_KINDS: Final[tuple[str, ...]] = ("document", "module", "connector", "engine", "pack",
                                          "api")


class SchemaRegistry(Protocol):
    """What the checker needs to know about the tenant's schema."""

    def event(self, name: str) -> EventType | None:
        """The event type called ``name`` (or one of its aliases)."""

    def event_names(self) -> Sequence[str]:
        """Every event type name and alias (for suggestions)."""

    def field(self, event: str, path: str) -> FieldDef | None:
        """The field at ``path`` (or an alias) on the canonical event ``event``."""

    def field_names(self, event: str) -> Sequence[str]:
        """Every field path and alias on ``event`` (for suggestions)."""

    def document(self, name: str) -> DocumentType | None:
        """The document type called ``name`` (or an alias)."""

    def document_names(self) -> Sequence[str]:
        """Every document type name and alias."""

    def role(self, name: str) -> str | None:
        """The canonical role for ``name`` (or its Chinese label); None if unknown."""

    def role_names(self) -> Sequence[str]:
        """Every role and label (empty: roles are not checked)."""

    def action_refusal(self, kind: str, variant: str | None) -> tuple[str, str] | None:
        """Why production will not apply the action ``kind`` (with ``variant``: the target
        kind of a freeze, the document type of a create document, the entity of a set), as
        (English, Chinese); None when it applies it. See :mod:`dsl.action_kinds`."""

    def connector_names(self) -> Sequence[str]:
        """The tenant's outbound connector names (empty: names are not checked)."""


#: Fields every event carries.
COMMON_FIELDS: Final[tuple[FieldDef, ...]] = (
    FieldDef(path="event.id", type=ID, label_en="Event id", label_zh="编号",
             aliases=("事件.编号",), source="@id"),
    FieldDef(path="event.occurred_at", type=DATETIME, label_en="Occurred at",
             label_zh="发生时间", aliases=("事件.发生时间",), source="@occurred_at"),
)


#: Refused actions: (kind, variant) -> (reason in English, in Chinese). The variant is ""
#: for a kind without variants and "*" for every variant of the kind.
ActionRefusals = Mapping[tuple[str, str], tuple[str, str]]


class InMemorySchemaRegistry:
    """A registry held in memory (tests, the CLI, and the engine's cache)."""

    def __init__(self, events: Iterable[EventType], documents: Iterable[DocumentType] = (),
                 roles: Mapping[str, str] | None = None, *,
                 refusals: ActionRefusals | None = None,
                 connectors: Sequence[str] = ()) -> None:
        """Index the given events, documents and roles (role name -> Chinese label).

        ``refusals`` are the actions production will not apply (default: none, so tools that
        know only the language accept everything it can say); ``connectors`` the tenant's
        outbound connector names (default: not checked). The engine fills both.
        """
        self._refusals: dict[tuple[str, str], tuple[str, str]] = dict(refusals or {})
        self._connectors: tuple[str, ...] = tuple(connectors)
        self._events: dict[str, EventType] = {}
        self._event_index: dict[str, str] = {}
        self._fields: dict[str, dict[str, FieldDef]] = {}
        for ev in events:
            self._events[ev.name] = ev
            for name in (ev.name, *ev.aliases):
                self._event_index.setdefault(name, ev.name)
            index: dict[str, FieldDef] = {}
            for f in (*COMMON_FIELDS, *ev.fields):
                for name in (f.path, *f.aliases):
                    index.setdefault(name, f)
            self._fields[ev.name] = index
        self._documents: dict[str, DocumentType] = {}
        for doc in documents:
            for name in (doc.name, *doc.aliases):
                self._documents.setdefault(name, doc)
        self._role_labels: dict[str, str] = dict(roles or {})
        self._roles: dict[str, str] = {}
        for role, label in self._role_labels.items():
            self._roles[role] = role
            self._roles.setdefault(label, role)

    def extended(self, events: Iterable[EventType]) -> InMemorySchemaRegistry:
        """A new registry with ``events`` added (a pack's schema extension).

        An added event with the name of an existing one extends it: a pack may add fields
        to a built-in event by declaring it again; the built-in fields keep their sources
        and loaders, and the event its producer.
        """
        merged = {ev.name: ev for ev in self._events.values()}
        for ev in events:
            known = merged.get(ev.name)
            if known is not None:  # the built-in fields keep their sources, loaders, producer
                paths = {f.path for f in known.fields}
                ev = replace(ev, producer=known.producer, fields=(
                    *known.fields, *(f for f in ev.fields if f.path not in paths)))
            merged[ev.name] = ev
        documents = {id(doc): doc for doc in self._documents.values()}
        return InMemorySchemaRegistry(merged.values(), documents.values(), self._role_labels,
                                      refusals=self._refusals, connectors=self._connectors)

    def with_actions(self, refusals: ActionRefusals, connectors: Sequence[str]
                     ) -> InMemorySchemaRegistry:
        """A new registry that refuses ``refusals`` and knows these connector names."""
        documents = {id(doc): doc for doc in self._documents.values()}
        return InMemorySchemaRegistry(self._events.values(), documents.values(),
                                      self._role_labels, refusals=refusals,
                                      connectors=connectors)

    def event(self, name: str) -> EventType | None:
        """The event type called ``name`` (or one of its aliases)."""
        canonical = self._event_index.get(name)
        return self._events[canonical] if canonical else None

    def event_names(self) -> Sequence[str]:
        """Every event type name and alias."""
        return list(self._event_index)

    def events(self) -> Sequence[EventType]:
        """Every event type (for the docs and the studio's pickers)."""
        return list(self._events.values())

    def field(self, event: str, path: str) -> FieldDef | None:
        """The field at ``path`` (or an alias) on the canonical event ``event``."""
        return self._fields.get(event, {}).get(path)

    def field_names(self, event: str) -> Sequence[str]:
        """Every field path and alias on ``event``."""
        return list(self._fields.get(event, {}))

    def document(self, name: str) -> DocumentType | None:
        """The document type called ``name`` (or an alias)."""
        return self._documents.get(name)

    def document_names(self) -> Sequence[str]:
        """Every document type name and alias."""
        return list(self._documents)

    def role(self, name: str) -> str | None:
        """The canonical role for ``name`` (or its Chinese label)."""
        return self._roles.get(name)

    def role_names(self) -> Sequence[str]:
        """Every role and label."""
        return list(self._roles)

    def action_refusal(self, kind: str, variant: str | None) -> tuple[str, str] | None:
        """Why production will not apply ``kind`` (with ``variant``); None if it does."""
        refusals = self._refusals
        return refusals.get((kind, variant or "")) or refusals.get((kind, "*"))

    def connector_names(self) -> Sequence[str]:
        """The tenant's outbound connector names (empty: not checked)."""
        return list(self._connectors)
