"""The jxcflow rule language: parse, check and format rules written by business users.

Rules are written with English or Chinese keywords (both give the same syntax tree), read
fields from a schema registry, and can never reach Python: there are no imports, no
attribute access outside the schema, and calls only to the built-in function list.

    >>> from dsl import parse_and_check, default_registry
    >>> rules = parse_and_check(text, default_registry())
"""

from __future__ import annotations

from dsl import ast
from dsl.ast import RuleFile
from dsl.builtins import BUILTINS, Builtin
from dsl.checker import check, resolve
from dsl.errors import (
    Diagnostic,
    DslCheckError,
    DslError,
    DslLimitError,
    DslNameError,
    DslSyntaxError,
    DslTypeError,
    list_all_errors,
)
from dsl.formatter import format_rules
from dsl.keywords import KEYWORDS, Lang
from dsl.parser import MAX_CHARS, parse
from dsl.schema import (
    DocumentType,
    EventType,
    FieldDef,
    InMemorySchemaRegistry,
    SchemaRegistry,
)
from dsl.schema_defaults import default_registry
from dsl.transformer import MAX_DEPTH
from dsl.types import DslType, parse_type


def parse_and_check(text: str, registry: SchemaRegistry) -> RuleFile:
    """Parse and check rule text; return the tree with canonical names.

    Raises:
        DslSyntaxError: the text does not follow the grammar (the first problem).
        DslLimitError: the text is too large or too deeply nested.
        DslCheckError: the text parses but has problems; ``diagnostics`` lists all.
    """
    rule_file = parse(text)
    diagnostics = check(rule_file, registry)
    if diagnostics:
        raise DslCheckError(diagnostics)
    return resolve(rule_file, registry)


def format_text(text: str, lang: Lang | None = None) -> str:
    """Reformat rule text (keeping comments), optionally switching the keyword language.

    Raises:
        DslSyntaxError: the text does not parse.
        DslLimitError: the text is too large or too deeply nested.
    """
    return format_rules(parse(text), lang)


__all__ = [
    "BUILTINS",
    "KEYWORDS",
    "MAX_CHARS",
    "MAX_DEPTH",
    "Builtin",
    "Diagnostic",
    "DocumentType",
    "DslCheckError",
    "DslError",
    "DslLimitError",
    "DslNameError",
    "DslSyntaxError",
    "DslType",
    "DslTypeError",
    "EventType",
    "FieldDef",
    "InMemorySchemaRegistry",
    "Lang",
    "RuleFile",
    "SchemaRegistry",
    "ast",
    "check",
    "default_registry",
    "format_rules",
    "format_text",
    "list_all_errors",
    "parse",
    "parse_and_check",
    "parse_type",
    "resolve",
]
