"""Loading the facts a plan reads for one event, from any :class:`FactSource`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from dsl import default_registry
from dsl.schema import EventType
from engine.compiler import Plan
from engine.decision import Event
from engine.facts.loaders import LOADERS, Entities, FactSource


@lru_cache(maxsize=512)
def fact_fields(event_type: EventType) -> Mapping[str, str]:
    """Field path → the loader that fills it, for the fields of ``event_type`` with one."""
    return {f.path: f.loader for f in event_type.fields if f.loader}


@lru_cache(maxsize=512)
def payload_fields(event_type: EventType) -> frozenset[str]:
    """The field paths the payload of ``event_type`` carries (a declared source)."""
    return frozenset(f.path for f in event_type.fields if f.source is not None)


def _declared(event_type: str) -> EventType | None:
    return default_registry().event(event_type)


def load_facts(source: FactSource, event: Event, reads: Iterable[str]) -> Entities:
    """The facts of ``event`` for the fields in ``reads`` (entity → field → value).

    Only loaders that fill a field in ``reads`` run; each returns every field it fills
    that the event declares with it. A loader whose key the event does not carry, or
    whose row does not exist, adds nothing (the rule reads an empty value).
    """
    declared = _declared(event.type)
    if declared is None:
        return {}
    by_field = fact_fields(declared)
    if not by_field:
        return {}
    wanted = {by_field[path] for path in reads if path in by_field}
    if not wanted:
        return {}
    view: dict[str, Any] = {k: dict(v) if isinstance(v, Mapping) else v
                            for k, v in event.payload.items()}
    out: Entities = {}
    for loader in LOADERS:
        if loader.name not in wanted:
            continue
        key = loader.key_of(view)
        if key is None:
            if not getattr(source, "is_keyless", False):
                continue
            key = ()  # a rule test's given facts belong to its one case
        for entity, values in source.fetch(loader, key).items():
            for name, value in values.items():
                path = f"{entity}.{name}"
                if by_field.get(path) != loader.name:
                    continue  # the payload carries it, or the event does not declare it
                out.setdefault(entity, {})[name] = value
                slot = view.get(entity)
                if isinstance(slot, dict):
                    slot[name] = value
                else:
                    view[entity] = {name: value}
    return out


def load_for_plans(source: FactSource, event: Event, plans: Iterable[Plan]) -> Entities:
    """The facts every plan in ``plans`` reads on ``event`` (one load for all of them)."""
    reads: set[str] = set()
    for plan in plans:
        reads.update(plan.reads.get(event.type, ()))
    return load_facts(source, event, reads) if reads else {}
