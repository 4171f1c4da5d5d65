"""Event handlers for the engine tests (also loaded by `jxcflow worker` subprocesses).

They stand in for reaction rules: each claims one effect per event before acting, as the
production executor will. ``StockMovementHandler`` is what ``JXCFLOW_TEST_HANDLER``
points at in the PostgreSQL exactly-once tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from engine.dispatch import OutboxRecord, claim_effect
from inventory import CommandContext, ReceiveStock, movements

TICK = "test.tick"


def effect_key(event: OutboxRecord) -> str:
    """The effect key of the one action a tick causes (event + version + node)."""
    return f"{event.event_id}:test-v1:receive"


@dataclass
class RecordingHandler:
    """Claims the tick's effect; fails the first ``fail_first[n]`` attempts of tick n."""

    tenant_id: int
    fail_first: dict[int, int] = field(default_factory=dict)
    #: Fail every attempt of these ticks.
    always_fail: frozenset[int] = frozenset()

    def handle(self, session: Session, event: OutboxRecord, now: datetime) -> None:
        """Fail as told, else record the effect once."""
        if event.type != TICK or event.tenant_id != self.tenant_id:
            return
        n = int(event.payload["n"])
        if n in self.always_fail or event.attempts < self.fail_first.get(n, 0):
            raise RuntimeError(f"boom on tick {n}, attempt {event.attempts + 1}")
        claim_effect(session, effect_key(event), now)


class StockMovementHandler:
    """Receives ``payload.qty`` of ``payload.sku`` into ``payload.warehouse`` once per tick."""

    def handle(self, session: Session, event: OutboxRecord, now: datetime) -> None:
        """Apply the movement unless this event's effect was applied before."""
        if event.type != TICK or not claim_effect(session, effect_key(event), now):
            return
        payload = event.payload
        ctx = CommandContext(tenant_id=event.tenant_id, actor="test:handler")
        movements.receive(session, ctx, ReceiveStock(
            sku=payload["sku"], warehouse=payload["warehouse"], qty=Decimal(payload["qty"]),
            note=event.event_id), now)
