"""The parts of a pack besides its manifest, each read and validated on its own.

A pack folder looks like::

    pack.toml               manifest (see manifest.py)
    schema/*.toml           event types and item attributes it adds (zh/en labels)
    rules/<rule set>.rule   rule sets in the DSL, one file per rule set
    tests/<rule set>.toml   rule tests for that rule set (governance's TOML form; required)
    settings.toml           document and report settings
    tiles.toml              dashboard tiles
    connectors/*.toml       connector templates (never secrets)
    demo/*.toml             optional demo data

Every broken part becomes a :class:`PartProblem`; nothing stops at the first one.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dsl import EventType, FieldDef, parse_type
from engine.governance.errors import BadRuleTests
from engine.governance.rule_tests import parse_rule_tests
from templates_marketplace.errors import PartProblem
from templates_marketplace.manifest import Text, field_message

Model = TypeVar("Model", bound=BaseModel)
#: Keys whose values would be secrets; a pack must leave them empty.
SECRET_KEYS = frozenset({"secret", "password", "token", "api_key", "private_key"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Strict):
    """A field of an event a pack adds."""

    path: str = Field(pattern=r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)+$")
    type: str
    label: Text

    @field_validator("type")
    @classmethod
    def _type(cls, value: str) -> str:
        parse_type(value)
        return value


class EventSpec(_Strict):
    """An event type a pack adds (or extends, when the name already exists)."""

    name: str = Field(pattern=r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
    label: Text
    key: str | None = None
    #: Who raises it, when not the pack's own connectors or rules (``module:forecast``):
    #: see :data:`dsl.schema.PRODUCER_KINDS`.
    producer: str | None = Field(default=None, pattern=r"^(module|connector|api):[a-z_]+$")
    field: tuple[FieldSpec, ...] = ()

    def to_event_type(self, producer: str = "pack") -> EventType:
        """The registry's view of this event: raised by the pack's connectors or rules,
        entity-shaped, so each field sits in the payload at its own path."""
        return EventType(
            name=self.name, label_en=self.label.en, label_zh=self.label.zh, key=self.key,
            producer=self.producer or producer,
            fields=tuple(FieldDef(path=f.path, type=parse_type(f.type), label_en=f.label.en,
                                  label_zh=f.label.zh, source=f.path) for f in self.field))


class ItemAttribute(_Strict):
    """An attribute a pack adds to items (e.g. shelf life in days)."""

    name: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    type: Literal["text", "int", "number", "bool", "date"]
    label: Text
    required: bool = False


class SchemaPart(_Strict):
    """One ``schema/*.toml`` file."""

    event: tuple[EventSpec, ...] = ()
    item_attribute: tuple[ItemAttribute, ...] = ()


class Tile(_Strict):
    """A dashboard tile."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: Text
    kind: Literal["metric", "chart", "list", "radar"]
    source: str = Field(min_length=1)


class TilesPart(_Strict):
    """``tiles.toml``."""

    tile: tuple[Tile, ...] = ()


class ConnectorTemplate(_Strict):
    """A connector the tenant can create from the pack (it adds its own secret)."""

    name: Text
    kind: Literal["webhook_in", "webhook_out", "mqtt", "http"]
    topic: str | None = None
    event_type: str | None = None
    mapping: dict[str, str] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("options")
    @classmethod
    def _no_secrets(cls, value: dict[str, Any]) -> dict[str, Any]:
        leaked = sorted(k for k, v in value.items() if k.lower() in SECRET_KEYS and v)
        if leaked:
            raise ValueError(f"a pack must not carry secrets ({', '.join(leaked)})")
        return value


class SettingsPart(_Strict):
    """``settings.toml``: document and report settings the pack applies."""

    documents: dict[str, Any] = Field(default_factory=dict)
    reports: dict[str, Any] = Field(default_factory=dict)
    health: dict[str, Any] = Field(default_factory=dict)


@dataclass(slots=True)
class PackParts:
    """Every part of a pack, validated."""

    events: list[EventType] = field(default_factory=list)
    event_specs: list[EventSpec] = field(default_factory=list)
    item_attributes: list[ItemAttribute] = field(default_factory=list)
    rule_sets: dict[str, str] = field(default_factory=dict)
    #: Rule set name → its rule tests, in governance's TOML form (engine.governance.rule_tests).
    tests: dict[str, str] = field(default_factory=dict)
    settings: SettingsPart = field(default_factory=SettingsPart)
    tiles: list[Tile] = field(default_factory=list)
    connectors: dict[str, ConnectorTemplate] = field(default_factory=dict)
    demo: dict[str, dict[str, Any]] = field(default_factory=dict)


def schema_declarations(parts: PackParts) -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, name, definition) of every event type and item attribute the pack declares."""
    return [*(("event", e.name, e.model_dump()) for e in parts.event_specs),
            *(("item_attribute", a.name, a.model_dump()) for a in parts.item_attributes)]


def read_parts(files: dict[str, bytes]) -> tuple[PackParts, list[PartProblem]]:
    """Validate every part in ``files`` (path → content); return what parsed and all problems."""
    parts = PackParts()
    problems: list[PartProblem] = []
    tested: set[str] = set()
    known = {"pack.toml", "settings.toml", "tiles.toml", "SIGNATURE.json", "README.md"}
    for path in sorted(files):
        folder, _, name = path.rpartition("/")
        data = files[path]
        if folder == "schema" and name.endswith(".toml"):
            schema = _model(path, data, SchemaPart, problems)
            if schema:
                parts.events.extend(e.to_event_type() for e in schema.event)
                parts.event_specs.extend(schema.event)
                parts.item_attributes.extend(schema.item_attribute)
        elif folder == "rules" and name.endswith(".rule"):
            text = _text(path, data, problems)
            if text is not None:
                parts.rule_sets[name.removesuffix(".rule")] = text
        elif folder == "tests" and name.endswith(".toml"):
            tested.add(name.removesuffix(".toml"))
            text = _text(path, data, problems)
            if text is not None and _rule_tests(path, text, problems):
                parts.tests[name.removesuffix(".toml")] = text
        elif folder == "connectors" and name.endswith(".toml"):
            connector = _model(path, data, ConnectorTemplate, problems)
            if connector:
                parts.connectors[name.removesuffix(".toml")] = connector
        elif folder == "demo" and name.endswith(".toml"):
            demo = _toml(path, data, problems)
            if demo is not None:
                parts.demo[name.removesuffix(".toml")] = demo
        elif path == "settings.toml":
            parts.settings = _model(path, data, SettingsPart, problems) or SettingsPart()
        elif path == "tiles.toml":
            tiles = _model(path, data, TilesPart, problems)
            parts.tiles = list(tiles.tile) if tiles else []
        elif path not in known:
            problems.append(PartProblem(path, "pack.unknown_part",
                                        "this file is not a known pack part",
                                        "不是模板包认识的组成部分"))
    for name in sorted(set(parts.rule_sets) - tested):
        problems.append(PartProblem(f"rules/{name}.rule", "pack.rules_without_tests",
                                    f"add tests/{name}.toml: a pack's rules arrive with tests",
                                    f"请添加 tests/{name}.toml：模板包的规则必须带测试"))
    for name in sorted(set(parts.tests) - set(parts.rule_sets)):
        problems.append(PartProblem(f"tests/{name}.toml", "pack.tests_without_rules",
                                    f"there is no rules/{name}.rule for these tests",
                                    f"没有对应的规则文件 rules/{name}.rule"))
    return parts, problems


def _text(path: str, data: bytes, problems: list[PartProblem]) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(PartProblem(path, "pack.not_utf8", "not UTF-8 text", "不是 UTF-8 文本"))
        return None


def _rule_tests(path: str, text: str, problems: list[PartProblem]) -> bool:
    try:
        parse_rule_tests(text)
    except BadRuleTests as exc:
        problems.append(PartProblem(path, "pack.bad_rule_tests", exc.render("en"),
                                    exc.render("zh")))
        return False
    return True


def _toml(path: str, data: bytes, problems: list[PartProblem]) -> dict[str, Any] | None:
    text = _text(path, data, problems)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(PartProblem(path, "pack.toml_syntax", f"not valid TOML: {exc}",
                                    f"不是有效的 TOML：{exc}"))
        return None


def _model(path: str, data: bytes, model: type[Model],
           problems: list[PartProblem]) -> Model | None:
    raw = _toml(path, data, problems)
    if raw is None:
        return None
    return _validated(path, lambda: model.model_validate(raw), problems)


def _validated(path: str, build: Callable[[], Model],
               problems: list[PartProblem]) -> Model | None:
    try:
        return build()
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            message = field_message(err["msg"])
            problems.append(PartProblem(f"{path} [{where}]", "pack.part_field", message,
                                        f"字段无效：{message}"))
        return None
