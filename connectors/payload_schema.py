"""JSON Schema checks of inbound payloads (the ``jsonschema`` library, Draft 2020-12).

An MQTT subscription or an inbound webhook may carry ``schema``: a JSON Schema its payload
must meet before it is mapped. The schema itself is checked when the connector is saved;
a payload that breaks it is refused with the rule it broke (its path and the library's
message), kept as a rejection — never its body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from connectors.errors import InvalidConnector

_MAX_DETAIL = 500


def check_schema(schema: Any) -> None:
    """Raise :class:`InvalidConnector` unless ``schema`` is a valid JSON Schema (2020-12)."""
    if not isinstance(schema, Mapping):
        raise InvalidConnector(reason="schema must be a JSON Schema object",
                               reason_zh="schema 必须是 JSON Schema 对象")
    try:
        Draft202012Validator.check_schema(dict(schema))
    except SchemaError as exc:
        raise InvalidConnector(reason=f"schema is not a valid JSON Schema: {exc.message}",
                               reason_zh=f"schema 不是有效的 JSON Schema：{exc.message}") from exc


class PayloadSchema:
    """A checked JSON Schema, ready to judge payloads."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        check_schema(schema)
        self._validator = Draft202012Validator(dict(schema))

    def violation(self, payload: Any) -> str | None:
        """Why ``payload`` breaks the schema (the first error, by path), or ``None``."""
        errors = sorted(self._validator.iter_errors(payload),
                        key=lambda e: [str(p) for p in e.absolute_path])
        if not errors:
            return None
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        return f"{where}: {first.message}"[:_MAX_DETAIL]


def optional(schema: Any) -> PayloadSchema | None:
    """A :class:`PayloadSchema` for ``schema``, or ``None`` when none is configured."""
    return PayloadSchema(schema) if schema else None


__all__ = ["PayloadSchema", "check_schema", "optional"]
