"""Every event a rule can hear names who raises it, and that producer exists.

The registry walked is the built-in one plus every shipped pack's schema. A producer is
checked against the product itself: a document action against the document's action
enum, a module against the source of the modules that raise the event, a pack's event
against the pack's connectors (or the rules that emit it), the scanner endpoint against
the app's routes. An event nothing raises would be a rule that can never fire.
"""

from __future__ import annotations

import importlib
import inspect
import re
from enum import StrEnum
from functools import cache
from typing import Any

from dsl import default_registry
from dsl.schema import PRODUCER_KINDS, EventType
from templates_marketplace.catalogue import builtin_packs

#: ``document:<name>`` → the module that holds the document's action enum.
DOCUMENTS = {
    "sales_order": "inventory.documents.sales_order",
    "purchase_order": "inventory.documents.purchase_order",
    "receipt": "inventory.documents.receipt",
    "shipment": "inventory.documents.shipment",
    "sales_return": "inventory.documents.sales_return",
    "transfer": "inventory.documents.transfer",
    "adjustment": "inventory.documents.adjustment",
    "stocktake": "inventory.documents.stocktake",
    "work_order": "inventory.manufacturing.work_order",
}
#: A document action every document has without it being a state move.
CREATE = "create"
#: ``module:<name>`` → the modules whose source raises its events.
MODULES = {
    "stock": ("inventory.movements", "inventory.levels"),
    "reservations": ("inventory.reservations", "inventory.guards"),
    "channel_pools": ("inventory.planning.pools", "inventory.planning.rebalance",
                      "inventory.levels"),
    "matching": ("inventory.planning.invoice_service",),
    "recipes": ("inventory.recipes.sales", "inventory.recipes.purchase_lists"),
    "forecast": ("inventory.planning.forecast_service",),
    "contracts": ("inventory.contracts.service",),
}
#: ``api:<endpoint>`` → (route path, the module that raises the event).
ENDPOINTS = {"scans": ("/api/v1/scans", "inventory.scans"),
             "price_requests": ("/api/v1/prices/requests", "inventory.price_requests")}


@cache
def _packs() -> tuple[Any, ...]:
    return tuple(builtin_packs())


@cache
def _walked() -> list[tuple[str, EventType]]:
    """(where, event) for the built-in registry and each shipped pack's events."""
    found = [("built-in", ev) for ev in default_registry().events()]
    for pack in _packs():
        found += [(f"pack:{pack.manifest.id}", ev) for ev in pack.parts.events]
    return found


@cache
def _paths() -> frozenset[str]:
    """The JSON API paths of the routers the app includes under /api/v1."""
    import studio.routes as routes

    included = re.findall(r"^\s+(\w+),?\s*(?:#.*)?$", inspect.getsource(routes), re.M)
    paths = set()
    for name in included:
        module = getattr(routes, name, None)
        for route in getattr(getattr(module, "router", None), "routes", ()):
            paths.add("/api/v1" + getattr(route, "path", ""))
    return frozenset(paths)


@cache
def _source(*modules: str) -> str:
    return "".join(inspect.getsource(importlib.import_module(m)) for m in modules)


def _emitted_by_shipped_rules() -> set[str]:
    from pathlib import Path

    root = Path(__file__).parents[3]
    texts = [p.read_text("utf-8") for p in (root / "examples").rglob("*.rule")]
    texts += [p.read_text("utf-8")
              for p in (root / "templates_marketplace" / "packs").rglob("*.rule")]
    return {m for t in texts for m in re.findall(r"(?:emit event|发出事件)\s+([\w.]+)", t)}


def _problem(where: str, ev: EventType, emitted: set[str]) -> str | None:
    kind, _, name = ev.producer.partition(":")
    if kind not in PRODUCER_KINDS:
        return f"{ev.name} ({where}): no producer" if not ev.producer else \
            f"{ev.name} ({where}): unknown producer kind {ev.producer!r}"
    if kind == "document":
        document, _, action = name.partition(".")
        if document not in DOCUMENTS:
            return f"{ev.name}: no document {document!r}"
        enums = [v for v in vars(importlib.import_module(DOCUMENTS[document])).values()
                 if inspect.isclass(v) and issubclass(v, StrEnum) and v.__name__.endswith(
                     "Action")]
        actions = {a.value for enum in enums for a in enum} | {CREATE}
        return None if action in actions else f"{ev.name}: {document} has no action {action!r}"
    if kind == "module":
        if name not in MODULES:
            return f"{ev.name}: no module {name!r}"
        return None if f'"{ev.name}"' in _source(*MODULES[name]) or \
            ev.name in _source(*MODULES[name]) else f"{ev.name}: module {name} never raises it"
    if kind == "pack":
        pack_id = where.partition(":")[2]
        pack = next((p for p in _packs() if p.manifest.id == pack_id), None)
        raised = {t.event_type for t in (pack.parts.connectors.values() if pack else ())
                  if t.kind in ("webhook_in", "mqtt")}
        return None if ev.name in raised or ev.name in emitted else \
            f"{ev.name} ({where}): neither the pack's connectors nor any rule raise it"
    if kind == "engine":
        return None if name == "emit" and ev.name in emitted else \
            f"{ev.name}: no shipped rule emits it"
    if kind == "api":
        path, module = ENDPOINTS.get(name, ("?", ""))
        if path not in _paths():
            return f"{ev.name}: no endpoint {path}"
        return None if ev.name in _source(module) else f"{ev.name}: {module} never raises it"
    return None  # connector: an inbound mapping may name any event type


def test_every_event_in_the_registry_has_a_producer_that_exists() -> None:
    emitted = _emitted_by_shipped_rules()
    walked = _walked()
    assert len(walked) > 60
    problems = [p for where, ev in walked if (p := _problem(where, ev, emitted))]
    assert problems == []


def test_the_walk_fails_on_an_event_nothing_raises() -> None:
    emitted = _emitted_by_shipped_rules()
    orphan = EventType(name="stock.teleported", label_en="x", label_zh="x", fields=())
    assert _problem("built-in", orphan, emitted) == "stock.teleported (built-in): no producer"
    wrong = EventType(name="sales_order.teleported", label_en="x", label_zh="x", fields=(),
                      producer="document:sales_order.teleport")
    assert _problem("built-in", wrong, emitted) == \
        "sales_order.teleported: sales_order has no action 'teleport'"
    silent = EventType(name="stock.teleported", label_en="x", label_zh="x", fields=(),
                       producer="module:stock")
    assert _problem("built-in", silent, emitted) == \
        "stock.teleported: module stock never raises it"


def test_every_field_a_rule_can_read_has_a_source_or_a_loader() -> None:
    from engine.facts import LOADERS

    provided = {(loader.name, path) for loader in LOADERS for path in loader.provides}
    for where, ev in _walked():
        for f in ev.fields:
            if f.loader is not None:
                assert (f.loader, f.path) in provided, (where, ev.name, f.path, f.loader)
            else:
                assert f.source is not None or f.is_settable, (where, ev.name, f.path)
