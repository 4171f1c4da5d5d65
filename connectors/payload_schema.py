"""JSON Schema checks of payloads (Draft 2020-12), with regular expressions that cannot
backtrack.

An MQTT subscription or an inbound webhook may carry ``schema``: a JSON Schema its payload
must meet before it is mapped (and an outbound connector ``outbound_schema``: what it sends
must meet). The schema itself is checked when the connector is saved; a payload that breaks
it is refused with the rule it broke (its path and the message), kept as a rejection —
never its body.

Payloads are judged by ``jsonschema_rs`` with its linear-time regex engine (Rust's
``regex`` crate: no backtracking, so ``^(a+)+$`` on a long payload costs microseconds, not
seconds of a frozen server). A ``pattern`` or ``patternProperties`` that this engine cannot
run in linear time (look-around, back-references) or that compiles too large is refused
when the schema is saved, as is a schema over :data:`MAX_SCHEMA_BYTES` or one that refers to
documents elsewhere (it is judged offline).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from connectors.errors import InvalidConnector

_MAX_DETAIL = 500
#: Largest schema accepted (its JSON text).
MAX_SCHEMA_BYTES = 64 * 1024
#: Compiled size allowed for one pattern, and for its lazy DFA cache.
_REGEX = {"size_limit": 1 << 20, "dfa_size_limit": 1 << 21}


def _invalid(reason: str, reason_zh: str) -> InvalidConnector:
    return InvalidConnector(reason=reason, reason_zh=reason_zh)


def _compile(schema: Mapping[str, Any]) -> Any:
    try:
        return jsonschema_rs.Draft202012Validator(
            dict(schema), pattern_options=jsonschema_rs.RegexOptions(**_REGEX), offline=True)
    except (jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError,
            ValueError) as exc:
        first = str(exc).splitlines()[0][:300]
        raise _invalid(
            f"schema refused: {first} (patterns must run in linear time: no look-around or "
            "back-references; references to other documents are not followed)",
            f"schema 被拒绝：{first}（pattern 必须可线性时间匹配：不支持前后断言与反向引用；"
            "不引用外部文档）") from exc


def check_schema(schema: Any) -> None:
    """Raise :class:`InvalidConnector` unless ``schema`` is a valid JSON Schema (2020-12)
    whose patterns the linear-time engine accepts, within :data:`MAX_SCHEMA_BYTES`."""
    if not isinstance(schema, Mapping):
        raise _invalid("schema must be a JSON Schema object", "schema 必须是 JSON Schema 对象")
    size = len(json.dumps(schema, ensure_ascii=False).encode())
    if size > MAX_SCHEMA_BYTES:
        raise _invalid(f"schema is {size} bytes; at most {MAX_SCHEMA_BYTES} are accepted",
                       f"schema 大小为 {size} 字节，最多 {MAX_SCHEMA_BYTES} 字节")
    try:
        Draft202012Validator.check_schema(dict(schema))
    except SchemaError as exc:
        raise _invalid(f"schema is not a valid JSON Schema: {exc.message}",
                       f"schema 不是有效的 JSON Schema：{exc.message}") from exc
    _compile(schema)


class PayloadSchema:
    """A checked JSON Schema, ready to judge payloads."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        check_schema(schema)
        self._validator = _compile(schema)

    def violation(self, payload: Any) -> str | None:
        """Why ``payload`` breaks the schema (the first error, by path), or ``None``."""
        try:
            errors = sorted(self._validator.iter_errors(payload),
                            key=lambda e: [str(p) for p in e.instance_path])
        except ValueError as exc:  # a value JSON cannot hold (e.g. a huge integer)
            return f"(root): {exc}"[:_MAX_DETAIL]
        if not errors:
            return None
        first = errors[0]
        where = "/".join(str(p) for p in first.instance_path) or "(root)"
        return f"{where}: {first.message}"[:_MAX_DETAIL]


@functools.lru_cache(maxsize=256)
def _cached(text: str) -> PayloadSchema:
    return PayloadSchema(json.loads(text))


def optional(schema: Any) -> PayloadSchema | None:
    """A :class:`PayloadSchema` for ``schema`` (compiled once per distinct schema), or
    ``None`` when none is configured."""
    if not schema:
        return None
    return _cached(json.dumps(schema, sort_keys=True, ensure_ascii=False))


__all__ = ["MAX_SCHEMA_BYTES", "PayloadSchema", "check_schema", "optional"]
