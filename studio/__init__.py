"""The studio: the FastAPI app (JSON API and pages) and the ``jxcflow`` command."""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    if name == "create_app":
        from studio.app import create_app

        return create_app
    raise AttributeError(name)
