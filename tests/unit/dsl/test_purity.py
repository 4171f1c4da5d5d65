"""dsl/ is pure: no eval/exec, no clock, randomness, environment, or other jxcflow packages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import dsl

DSL_DIR = Path(dsl.__file__).resolve().parent
MODULES = sorted(DSL_DIR.glob("*.py"))
OURS = {"kernel", "inventory", "engine", "connectors", "templates_marketplace", "studio",
        "migrations"}
FORBIDDEN_MODULES = {"os", "random", "uuid", "time", "subprocess", "socket", "importlib.util",
                     "pickle", "marshal", "ctypes"}
# getattr is allowed: dsl uses it only with names from its own code (dataclass fields),
# never with a name taken from rule text.
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "setattr", "open", "breakpoint"}
FORBIDDEN_ATTRS = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"),
                   ("datetime", "today"), ("time", "time")}
# The CLI is the imperative shell: it reads and writes the files it is given.
SHELL = {"cli.py", "__main__.py"}


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_module_is_pure(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            root = name.split(".")[0]
            assert root not in OURS, f"{path.name} imports {name}"
            assert name not in FORBIDDEN_MODULES and root not in FORBIDDEN_MODULES, \
                f"{path.name} imports {name}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and path.name not in SHELL:
            assert node.func.id not in FORBIDDEN_CALLS, f"{path.name} calls {node.func.id}"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assert (node.value.id, node.attr) not in FORBIDDEN_ATTRS, \
                f"{path.name} uses {node.value.id}.{node.attr}"


def test_there_is_no_now_builtin() -> None:
    from dsl.builtins import builtin_names

    assert "now" not in builtin_names() and "eval" not in builtin_names()


def test_public_api_is_pinned() -> None:
    assert sorted(dsl.__all__) == sorted([
        "BUILTINS", "KEYWORDS", "MAX_CHARS", "MAX_DEPTH", "Builtin", "Diagnostic",
        "DocumentType", "DslCheckError", "DslError", "DslLimitError", "DslNameError",
        "DslSyntaxError", "DslType", "DslTypeError", "EventType", "FieldDef",
        "InMemorySchemaRegistry", "Lang", "RuleFile", "SchemaRegistry", "ast", "check",
        "default_registry", "format_rules", "format_text", "list_all_errors", "parse",
        "parse_and_check", "parse_type", "resolve"])
    for name in dsl.__all__:
        assert hasattr(dsl, name)
