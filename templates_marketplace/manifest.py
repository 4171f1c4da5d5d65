"""``pack.toml``: who a pack is, which version, and what it needs.

Read with :mod:`tomllib` and validated with pydantic (the boundary), so that every broken
field is reported at once with its location.
"""

from __future__ import annotations

import re
import tomllib
from typing import Final

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from templates_marketplace.errors import PartProblem

MANIFEST: Final = "pack.toml"
#: Semantic versioning 2.0.0 (semver.org), without build metadata.
SEMVER: Final = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$")
MODULE_NAME: Final = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
PACK_ID: Final = re.compile(r"^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$")
#: The jxcflow version packs are checked against.
PRODUCT_VERSION: Final = "0.1.0"


class Text(BaseModel):
    """A label in both languages."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)


class Manifest(BaseModel):
    """The manifest of one pack."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=3, max_length=64)
    version: str
    name: Text
    description: Text
    #: The jxcflow versions the pack supports, as a PEP 440 specifier (``>=0.1,<1``).
    jxcflow: str
    #: Pack id → version specifier.
    depends: dict[str, str] = Field(default_factory=dict)
    #: Industry tags for the catalogue (``food``, ``catering`` …).
    tags: tuple[str, ...] = ()
    #: Product modules the pack switches on for the tenant (``lots``, ``recipes`` …); routes of
    #: a module answer ``module.not_installed`` until a pack that names it is installed.
    modules: tuple[str, ...] = ()

    @field_validator("modules")
    @classmethod
    def _modules(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not MODULE_NAME.match(name):
                raise ValueError(f"module {name!r}: use lower-case letters, digits and '_'")
        return value

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not PACK_ID.match(value):
            raise ValueError("use lower-case letters, digits, '.' and '-' (e.g. jxc.food)")
        return value

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not SEMVER.match(value):
            raise ValueError("use a semantic version such as 1.2.0")
        return value

    @field_validator("jxcflow")
    @classmethod
    def _supports(cls, value: str) -> str:
        _specifier(value)
        return value

    @field_validator("depends")
    @classmethod
    def _depends(cls, value: dict[str, str]) -> dict[str, str]:
        for pack, spec in value.items():
            if not PACK_ID.match(pack):
                raise ValueError(f"dependency id {pack!r} is not a pack id")
            _specifier(spec)
        return value

    def supports_product(self, product_version: str = PRODUCT_VERSION) -> bool:
        """True when this jxcflow version is within the pack's ``jxcflow`` range."""
        return Version(product_version) in SpecifierSet(self.jxcflow)


def _specifier(value: str) -> SpecifierSet:
    try:
        return SpecifierSet(value)
    except InvalidSpecifier as exc:
        raise ValueError(f"{value!r} is not a version range such as '>=1.0,<2'") from exc


def read_manifest(data: bytes) -> tuple[Manifest | None, list[PartProblem]]:
    """Parse ``pack.toml``; on failure return every problem found (never raises)."""
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return None, [PartProblem(MANIFEST, "pack.manifest_syntax",
                                  f"not valid TOML: {exc}", f"不是有效的 TOML：{exc}")]
    try:
        return Manifest.model_validate(raw), []
    except ValidationError as exc:
        return None, [
            PartProblem(f"{MANIFEST} [{'.'.join(str(p) for p in err['loc'])}]",
                        "pack.manifest_field", field_message(err["msg"]),
                        f"字段无效：{field_message(err['msg'])}")
            for err in exc.errors()
        ]


def field_message(message: str) -> str:
    """Pydantic's message without its ``Value error,`` prefix."""
    return message.removeprefix("Value error, ")


def raw_id(data: bytes) -> str:
    """The ``id`` written in a manifest, even when the manifest is otherwise broken."""
    try:
        value = tomllib.loads(data.decode("utf-8")).get("id")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "?"
    return value if isinstance(value, str) and PACK_ID.match(value) else "?"
