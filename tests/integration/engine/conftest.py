"""Fixtures of the engine runtime tests: a database of their own, events, handlers.

The workers here drain every tenant's outbox, so these tests get a fresh database per
module (both backends) instead of the session's shared one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from inventory import guarantees
from kernel.db import Database, make_engine
from kernel.models import Effect, OutboxEvent
from migrations.runner import upgrade
from tests.conftest import BACKENDS, TEST_SETTINGS, create_pg_database, drop_pg_database


@pytest.fixture(scope="module", params=BACKENDS)
def database(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A freshly migrated database of this module, once per backend."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("engine") / "jxcflow.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        db = Database(make_engine(url, TEST_SETTINGS))
        yield db
        db.dispose()
        return
    url = create_pg_database("jxcflow_engine")
    upgrade(url)
    db = Database(make_engine(url, TEST_SETTINGS))
    yield db
    db.dispose()
    drop_pg_database(url)


def append_ticks(db: Database, tenant_id: int, keys: list[str], now: datetime,
                 event_type: str = "test.tick") -> list[str]:
    """Append one event per entry of ``keys`` (in that order); returns their event ids."""
    ids = []
    with db.write(tenant_id) as session:
        for n, key in enumerate(keys):
            event_id = guarantees.new_event_id()
            guarantees.append_event(session, tenant_id, event_id, event_type, key,
                                    {"n": n}, now)
            ids.append(event_id)
    return ids


def outbox(db: Database, tenant_id: int) -> list[Any]:
    """The tenant's outbox rows in id order."""
    with db.read(None) as session:
        return list(session.execute(
            select(OutboxEvent.__table__).where(OutboxEvent.tenant_id == tenant_id)
            .order_by(OutboxEvent.id)).all())


def effect_keys(db: Database, tenant_id: int) -> list[str]:
    """The tenant's applied effect keys in the order they were applied."""
    with db.read(None) as session:
        return list(session.scalars(select(Effect.effect_key)
                                    .where(Effect.tenant_id == tenant_id).order_by(Effect.id)))


@pytest.fixture
def ticks(world: Any) -> Callable[..., list[str]]:
    """Append ``test.tick`` events to the test tenant's outbox."""

    def make(keys: list[str], event_type: str = "test.tick") -> list[str]:
        return append_ticks(world.db, world.tenant_id, keys, world.clock.now(), event_type)

    return make
