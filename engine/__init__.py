"""Rule graphs, compiled plans, pure evaluation, executors and workers.

text (dsl) → IR (``ir``, ``lowering*``, ``canonical``) → plan (``compiler``, ``tables``)
→ ``evaluate`` (pure) → a decision, applied by an executor (``executors``: production with
its ``actions_*`` modules, sandbox) from a worker (``worker``, ``queue_pg``, ``dispatch``,
``timers``, ``rule_handler``, ``guards``); a sandbox tenant moves its own clock
(``sandbox_clock``).
"""

from __future__ import annotations

from engine.worker import Worker

__all__ = ["Worker"]
