"""Random command sequences against a small in-memory model: balances always agree.

Hypothesis drives receive, ship, reserve (with and without expiry), release, transfer,
clock jumps, sweeps and repeated Idempotency-Keys on the real database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from inventory import (
    InsufficientStock,
    InventoryError,
    ReceiveStock,
    ReleaseReservation,
    ReservationNotActive,
    ReserveStock,
    ShipStock,
    TransferStock,
    queries,
)

SKUS = ["S1"]  # one SKU, two warehouses: collisions are what we want to find
WAREHOUSES = ["WH-A", "WH-B"]
qtys = st.integers(min_value=1, max_value=12).map(Decimal)


@dataclass
class Hold:
    sku: str
    warehouse: str
    qty: Decimal
    expires_at: datetime | None
    active: bool = True


class Model:
    """What the balances must be: the rules of the core in twenty lines."""

    def __init__(self) -> None:
        self.on_hand = {(s, w): Decimal(0) for s in SKUS for w in WAREHOUSES}
        self.reserved = {(s, w): Decimal(0) for s in SKUS for w in WAREHOUSES}
        self.holds: dict[str, Hold] = {}

    def expire(self, key: tuple[str, str] | None, now: datetime) -> list[Hold]:
        expired = []
        for hold in self.holds.values():
            if (hold.active and hold.expires_at is not None and hold.expires_at <= now
                    and (key is None or (hold.sku, hold.warehouse) == key)):
                hold.active = False
                self.reserved[(hold.sku, hold.warehouse)] -= hold.qty
                expired.append(hold)
        return expired

    def unexpire(self, holds: list[Hold]) -> None:
        """A refused command rolls back the expiries it wrote, like the database does."""
        for hold in holds:
            hold.active = True
            self.reserved[(hold.sku, hold.warehouse)] += hold.qty

    def available(self, key: tuple[str, str]) -> Decimal:
        return self.on_hand[key] - self.reserved[key]


class StockMachine(RuleBasedStateMachine):
    def __init__(self, make_world) -> None:
        super().__init__()
        self.world = make_world()
        for sku in SKUS:
            self.world.item(sku)
        self.model = Model()
        self.last_keyed: tuple[object, str] | None = None
        self.key_seq = 0

    def _run(self, command, keyed: bool):
        key = None
        if keyed:
            self.key_seq += 1
            key = f"k{self.key_seq}"
        result = self.world.run(command, key=key)
        if key:
            self.last_keyed = (command, key)
        return result

    @rule(sku=st.sampled_from(SKUS), wh=st.sampled_from(WAREHOUSES), qty=qtys,
          keyed=st.booleans())
    def receive(self, sku, wh, qty, keyed):
        self._run(ReceiveStock(sku=sku, warehouse=wh, qty=qty), keyed)
        self.model.on_hand[(sku, wh)] += qty

    @rule(sku=st.sampled_from(SKUS), wh=st.sampled_from(WAREHOUSES), qty=qtys,
          keyed=st.booleans())
    def ship(self, sku, wh, qty, keyed):
        key = (sku, wh)
        expired = self.model.expire(key, self.world.clock.now())
        expected_ok = self.model.available(key) >= qty
        try:
            self._run(ShipStock(sku=sku, warehouse=wh, qty=qty), keyed)
            assert expected_ok
            self.model.on_hand[key] -= qty
        except InsufficientStock:
            assert not expected_ok
            # the refused transaction rolled back its own expiries too
            self.model.unexpire(expired)

    @rule(sku=st.sampled_from(SKUS), wh=st.sampled_from(WAREHOUSES), qty=qtys,
          ttl=st.sampled_from([None, 60, 3600]), keyed=st.booleans())
    def reserve(self, sku, wh, qty, ttl, keyed):
        key = (sku, wh)
        now = self.world.clock.now()
        expired = self.model.expire(key, now)
        expected_ok = self.model.available(key) >= qty
        try:
            result = self._run(ReserveStock(sku=sku, warehouse=wh, qty=qty, ttl_seconds=ttl),
                               keyed)
            assert expected_ok
            self.model.reserved[key] += qty
            self.model.holds[result["reservation"]["id"]] = Hold(
                sku, wh, qty, now + timedelta(seconds=ttl) if ttl else None)
        except InsufficientStock:
            assert not expected_ok
            self.model.unexpire(expired)

    @rule(data=st.data())
    def release(self, data):
        if not self.model.holds:
            return
        rid = data.draw(st.sampled_from(sorted(self.model.holds)))
        hold = self.model.holds[rid]
        now = self.world.clock.now()
        expected_ok = hold.active and not (hold.expires_at and hold.expires_at <= now)
        try:
            self.world.run(ReleaseReservation(reservation_id=rid))
            assert expected_ok
            hold.active = False
            self.model.reserved[(hold.sku, hold.warehouse)] -= hold.qty
        except ReservationNotActive:
            assert not expected_ok

    @rule(sku=st.sampled_from(SKUS), qty=qtys, forward=st.booleans())
    def transfer(self, sku, qty, forward):
        src, dst = WAREHOUSES if forward else WAREHOUSES[::-1]
        expired = self.model.expire((sku, src), self.world.clock.now())
        expected_ok = self.model.available((sku, src)) >= qty
        try:
            self.world.run(TransferStock(sku=sku, from_warehouse=src, to_warehouse=dst, qty=qty))
            assert expected_ok
            self.model.on_hand[(sku, src)] -= qty
            self.model.on_hand[(sku, dst)] += qty
        except InsufficientStock:
            assert not expected_ok
            self.model.unexpire(expired)

    @rule(seconds=st.sampled_from([30, 61, 1800, 3601]))
    def advance_clock(self, seconds):
        self.world.clock.advance(timedelta(seconds=seconds))

    @rule()
    def sweep(self):
        self.world.stock.sweep_expired(self.world.tenant_id)
        self.model.expire(None, self.world.clock.now())

    @rule()
    def repeat_last_key(self):
        if self.last_keyed is None:
            return
        command, key = self.last_keyed
        try:
            assert self.world.run(command, key=key)["replayed"] is True
        except InventoryError as exc:  # pragma: no cover - would be a bug
            raise AssertionError(f"replay of {key} failed: {exc}") from exc

    @invariant()
    def balances_match_model(self):
        with self.world.db.read(self.world.tenant_id) as s:
            rows, _ = queries.balances(s, sku=None, warehouse=None, offset=0, limit=100)
        got = {(r["sku"], r["warehouse"]): (r["on_hand"], r["reserved"]) for r in rows}
        for key in self.model.on_hand:
            expected = (self.model.on_hand[key], self.model.reserved[key])
            assert got.get(key, (Decimal(0), Decimal(0))) == expected, key


def test_random_command_sequences_match_the_model(world_factory):
    run_state_machine_as_test(
        lambda: StockMachine(world_factory),
        settings=settings(max_examples=60, stateful_step_count=30, deadline=None,
                          suppress_health_check=list(HealthCheck)),
    )

