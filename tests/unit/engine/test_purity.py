"""The evaluation core is pure: no database, network, wall clock, randomness or environment.

Walks the source of the pure modules (cf. Temporal's workflow sandbox) and fails on a
forbidden import or call, naming it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import engine

PURE = ["ir", "canonical", "compiler", "tables", "evaluate", "decision"]
FORBIDDEN_MODULES = {"os", "random", "uuid", "time", "socket", "sqlalchemy", "httpx",
                     "requests", "subprocess", "threading", "inventory", "studio", "kernel.db"}
FORBIDDEN_CALLS = {"now", "utcnow", "today", "eval", "exec", "compile", "__import__", "open"}


@pytest.mark.parametrize("module", PURE)
def test_pure_module_touches_nothing_outside(module):
    path = Path(engine.__file__).with_name(f"{module}.py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in FORBIDDEN_MODULES or node.module.split(".")[0] in FORBIDDEN_MODULES:
                found.append(node.module)
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                node.func, "id", "")
            if name in FORBIDDEN_CALLS:
                found.append(f"{name}() at line {node.lineno}")
    assert found == [], f"engine/{module}.py is not pure: {found}"
