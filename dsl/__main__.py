"""``python -m dsl check FILE`` / ``python -m dsl fmt FILE`` (the same as ``jxcflow dsl``)."""

from __future__ import annotations

from dsl.cli import app

if __name__ == "__main__":
    app(prog_name="python -m dsl")
