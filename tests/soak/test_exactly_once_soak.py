"""Soak: 10,000 events, 3 `jxcflow worker` processes, one killed with SIGKILL 6 times.

Off by default (``-m soak``; ``make soak``). Same scenario and checks as the 1,000-event
test in ``tests/integration/engine/test_queue_pg.py``.
"""

from __future__ import annotations

import pytest

from tests.integration.engine.test_queue_pg import queue_db, run_exactly_once

__all__ = ["queue_db"]  # the fixture, imported so pytest finds it here


@pytest.mark.soak
def test_ten_thousand_events_apply_once_through_repeated_kill_9(queue_db, tmp_path):
    url, db = queue_db
    run_exactly_once(url, db, tmp_path, events=10_000, kills=6, timeout=900)
