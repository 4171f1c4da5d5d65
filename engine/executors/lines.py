"""The order lines an action's ``target`` names (one line or a list of them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def target_lines(target: Any) -> list[Mapping[str, Any]]:
    """``target`` as a list of lines; anything that is not a line is left out."""
    if isinstance(target, Mapping):
        return [target]
    if isinstance(target, list | tuple):
        return [t for t in target if isinstance(t, Mapping)]
    return []
