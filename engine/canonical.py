"""Canonical JSON of the IR and its sha256: the identity of a rule-set version.

The JSON is what the canvas reads and writes. Keys are sorted, separators fixed, Decimals
written as strings and spans left out, so the same rules hash the same on every run and
machine, and any change to a rule changes the hash.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from decimal import Decimal
from typing import Any

from engine import ir

_NODES: dict[str, type[Any]] = {cls.__name__: cls for cls in (
    ir.Lit, ir.Field, ir.Unary, ir.Binary, ir.Call, ir.ListExpr, ir.Template, ir.Absence,
    ir.CountWithin, ir.Sustained, ir.Action, ir.Branch, ir.TableRow, ir.DecisionTable,
    ir.Rule, ir.RuleSet)}
_TUPLE_OF_PAIRS = {("Action", "args")}


class IRFormatError(ValueError):
    """The JSON is not a valid rule graph."""


def to_data(node: Any) -> Any:
    """The IR as plain JSON-able data (tagged with ``node``)."""
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        out: dict[str, Any] = {"node": type(node).__name__}
        for f in dataclasses.fields(node):
            if f.name == "span":
                continue
            out[f.name] = to_data(getattr(node, f.name))
        return out
    if isinstance(node, tuple):
        return [to_data(x) for x in node]
    if isinstance(node, Decimal):
        return {"decimal": str(node)}
    return node


def from_data(data: Any) -> Any:
    """Rebuild IR values from :func:`to_data` output.

    Raises:
        IRFormatError: an unknown node kind or a malformed field.
    """
    if isinstance(data, list):
        return tuple(from_data(x) for x in data)
    if isinstance(data, dict):
        if set(data) == {"decimal"}:
            return Decimal(data["decimal"])
        name = data.get("node")
        cls = _NODES.get(name) if isinstance(name, str) else None
        if cls is None:
            raise IRFormatError(f"unknown node kind {name!r}")
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key == "node":
                continue
            converted = from_data(value)
            if (name, key) in _TUPLE_OF_PAIRS:
                converted = tuple((str(k), v) for k, v in converted)
            if key in {"path", "key_path", "outputs"} and isinstance(converted, tuple) and \
                    all(isinstance(p, str) for p in converted):
                converted = tuple(converted)
            kwargs[key] = converted
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise IRFormatError(f"{name}: {exc}") from exc
    return data


def canonical_json(rule_set: ir.RuleSet) -> str:
    """The one textual form of a rule set."""
    return json.dumps(to_data(rule_set), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def version_hash(rule_set: ir.RuleSet) -> str:
    """sha256 of the canonical JSON: the version id of the rule set."""
    return hashlib.sha256(canonical_json(rule_set).encode("utf-8")).hexdigest()
