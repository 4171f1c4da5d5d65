"""Fixtures of the rule-language tests: the default registry and the example rule files."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import InMemorySchemaRegistry, default_registry

EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "examples" / "rules"
EXAMPLE_FILES = sorted(EXAMPLES_DIR.glob("*.rule"))


@pytest.fixture(scope="session")
def registry() -> InMemorySchemaRegistry:
    """The built-in 进销存 schema."""
    return default_registry()


def example_text(name: str) -> str:
    """The text of ``examples/rules/<name>.rule``."""
    return (EXAMPLES_DIR / f"{name}.rule").read_text(encoding="utf-8")
