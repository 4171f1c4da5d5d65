"""connectors (arrives with its own issue)."""

from __future__ import annotations

__all__: list[str] = []
