"""Field mapping with JMESPath: an external payload → a domain event, an event → a payload.

A mapping is data, never code: each target field is a JMESPath expression (a query
language with no way to call Python), compiled once and checked when the connector is
saved. Targets are dotted paths (``freezer.temperature``) that build nested objects, so a
mapped event is entity-shaped, as rules read it.

Inbound mapping::

    {"event_type": "freezer.temperature_reported",
     "key": "levels[3]",                      # events of one key are handled in order
     "message_id": "body.seq",                # optional: deduplicate by this value
     "occurred_at": "body.ts",                # optional: the source's time (event_time)
     "fields": {"freezer.id": "levels[3]", "freezer.temperature": "body.t"}}

Outbound mapping: ``{"fields": {"order_no": "data.order.no", ...}}`` over the document
``{"type", "event_id", "occurred_at", "data"}``; without one, that document is sent as is.

Expressions may call JMESPath's functions and the string and number helpers of
:mod:`connectors.mapping_functions` (``replace``, ``split``, ``upper`` …); a call of any
other function is refused when the mapping is built, naming the function and the closest
known one. Values keep their JSON types: numbers stay numbers.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError
from jmespath.parser import ParsedResult

from connectors.errors import InvalidMapping, UnknownMappingFunction
from connectors.event_time import TimeRule
from connectors.mapping_functions import FUNCTIONS, NAMES

_OPTIONS = jmespath.Options(custom_functions=FUNCTIONS)

_EVENT_TYPE_MAX = 80


@dataclass(frozen=True, slots=True, kw_only=True)
class MappedEvent:
    """A domain event made from an external payload."""

    type: str
    key: str
    payload: dict[str, Any]
    #: Deduplication id from the payload, when the mapping names one.
    message_id: str | None = None
    #: The source's own time (UTC), when the mapping names one (``occurred_at``).
    occurred_at: datetime | None = None


def _called(node: Any) -> Iterator[str]:
    """The function names an expression's syntax tree calls."""
    if isinstance(node, Mapping):
        if node.get("type") == "function_expression":
            yield str(node.get("value"))
        for child in node.get("children", ()):
            yield from _called(child)
    elif isinstance(node, list):
        for child in node:
            yield from _called(child)


def _compile(field: str, expression: Any) -> ParsedResult:
    if not isinstance(expression, str) or not expression.strip():
        raise InvalidMapping(field=field, reason="expected a JMESPath expression (text)")
    try:
        compiled = jmespath.compile(expression)
    except JMESPathError as exc:
        raise InvalidMapping(field=field, reason=str(exc).replace("\n", " ")) from exc
    for name in _called(compiled.parsed):
        if name not in NAMES:
            close = difflib.get_close_matches(name, sorted(NAMES), n=1)
            raise UnknownMappingFunction(
                field=field, function=name, suggestion=close[0] if close else None,
                hint_en=f"; did you mean {close[0]}()?" if close else "",
                hint_zh=f"；是否想用 {close[0]}()？" if close else "")
    return compiled


def search(field: str, expression: ParsedResult, document: Any) -> Any:
    """``expression`` applied to ``document`` with the mapping functions.

    Raises:
        InvalidMapping: the expression does not apply (e.g. ``upper`` of a number).
    """
    try:
        return expression.search(document, options=_OPTIONS)
    except (JMESPathError, ValueError, TypeError, OverflowError) as exc:
        raise InvalidMapping(field=field, reason=str(exc).replace("\n", " ")[:300]) from exc


def _set(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        nested = target.setdefault(part, {})
        if not isinstance(nested, dict):
            raise InvalidMapping(field=dotted, reason=f"{part} is both a value and an object")
        target = nested
    target[parts[-1]] = value


def _fields(spec: Any) -> dict[str, ParsedResult]:
    if not isinstance(spec, Mapping) or not spec:
        raise InvalidMapping(field="fields", reason="expected an object of field → expression")
    compiled = {}
    for name, expression in spec.items():
        if not isinstance(name, str) or not all(p.isidentifier() for p in name.split(".")):
            raise InvalidMapping(field=str(name), reason="a field is a dotted name like a.b")
        compiled[name] = _compile(name, expression)
    return compiled


class FieldMap:
    """Compiled field expressions; ``apply`` builds the nested result."""

    def __init__(self, spec: Any) -> None:
        self._fields = _fields(spec)

    def apply(self, document: Any) -> dict[str, Any]:
        """The mapped object for ``document`` (missing values become ``null``)."""
        out: dict[str, Any] = {}
        for name, expression in self._fields.items():
            _set(out, name, _plain(search(name, expression, document)))
        return out

    @property
    def targets(self) -> tuple[str, ...]:
        """The dotted target fields, in order."""
        return tuple(self._fields)


class InboundMap:
    """An inbound mapping (see the module docstring), checked when built."""

    def __init__(self, spec: Any) -> None:
        if not isinstance(spec, Mapping):
            raise InvalidMapping(field="mapping", reason="expected an object")
        event_type = spec.get("event_type")
        if (not isinstance(event_type, str) or "." not in event_type
                or len(event_type) > _EVENT_TYPE_MAX):
            raise InvalidMapping(field="event_type",
                                 reason="expected an event type like freezer.temperature_reported")
        self.event_type = event_type
        self.fields = FieldMap(spec.get("fields"))
        self._key = _compile("key", spec["key"]) if spec.get("key") else None
        self._message_id = _compile("message_id", spec["message_id"]) \
            if spec.get("message_id") else None
        self._occurred_at = _compile("occurred_at", spec["occurred_at"]) \
            if spec.get("occurred_at") else None
        self.time_rule = TimeRule.of(spec)

    def apply(self, document: Any, default_key: str) -> MappedEvent:
        """The domain event of ``document``."""
        key = search("key", self._key, document) if self._key else None
        message_id = search("message_id", self._message_id, document) \
            if self._message_id else None
        occurred_at = self.time_rule.parse(search("occurred_at", self._occurred_at, document)) \
            if self._occurred_at else None
        return MappedEvent(type=self.event_type, payload=self.fields.apply(document),
                           key=str(key)[:200] if key is not None else default_key,
                           message_id=None if message_id is None else str(message_id)[:200],
                           occurred_at=occurred_at)

    def time_refusal(self, event: MappedEvent, now: datetime) -> tuple[str, str] | None:
        """``(reason, detail)`` when the event's source time is outside the mapping's
        lateness bound around ``now`` (the tenant clock); ``None`` otherwise."""
        if event.occurred_at is None:
            return None
        return self.time_rule.refusal(event.occurred_at, now)


def _json_value(value: Any) -> Any:
    """A JSON value for what ``json`` cannot write: decimals stay numbers (a rule's
    ``-20`` is sent as ``-20``, not ``"-20"``), dates become ISO-8601 text."""
    if isinstance(value, Decimal) and value.is_finite():
        if value == value.to_integral_value() and abs(value) < 2 ** 53:
            return int(value)
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _plain(value: Any) -> Any:
    """JSON-safe copy (JMESPath may hand back the input's own objects)."""
    return json.loads(json.dumps(value, default=_json_value))


def outbound_body(spec: Any, document: dict[str, Any]) -> dict[str, Any]:
    """The outbound payload for an event document, through the connector's mapping if any."""
    if not spec:
        return _plain(document)  # type: ignore[no-any-return]
    return FieldMap(spec.get("fields") if isinstance(spec, Mapping) else None).apply(document)


def check_inbound(spec: Any) -> None:
    """Raise :class:`InvalidMapping` unless ``spec`` is a valid inbound mapping."""
    InboundMap(spec)


def check_outbound(spec: Any) -> None:
    """Raise :class:`InvalidMapping` unless ``spec`` is empty or a valid outbound mapping."""
    if spec:
        FieldMap(spec.get("fields") if isinstance(spec, Mapping) else None)


def missing_required(spec: Any, schema: Mapping[str, Any] | None) -> list[str]:
    """The fields ``schema`` requires that the outbound mapping ``spec`` never fills
    (dotted, following nested ``properties``); empty without a mapping or a schema."""
    if not spec or not isinstance(schema, Mapping):
        return []
    targets = FieldMap(spec.get("fields") if isinstance(spec, Mapping) else None).targets
    missing: list[str] = []

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        found = node.get("properties")
        properties: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        for name in node.get("required") or ():
            dotted = f"{prefix}{name}"
            if not any(t == dotted or t.startswith(dotted + ".") for t in targets):
                missing.append(dotted)
            elif isinstance(properties.get(name), Mapping) and not any(
                    t == dotted for t in targets):
                walk(properties[name], dotted + ".")

    walk(schema, "")
    return missing


__all__ = ["FieldMap", "InboundMap", "MappedEvent", "check_inbound", "check_outbound",
           "missing_required", "outbound_body", "search"]
