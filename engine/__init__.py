"""Rule graphs, compiled plans, pure evaluation, executors and workers.

For now it holds the worker loop that sweeps expired reservations and drains the
outbox; reaction rules join it with the engine issue.
"""

from __future__ import annotations

from engine.worker import Worker

__all__ = ["Worker"]
