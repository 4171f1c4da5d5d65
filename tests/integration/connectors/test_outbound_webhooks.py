"""Outbound webhooks against a real receiver in another process (signatures checked there by
the ``standardwebhooks`` reference library); retries and dead letters on the virtual clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from connectors import SubscribingHandler, deliveries
from connectors.models import Delivery, DeliveryAttempt
from dsl import default_registry
from engine import Worker
from engine.rule_handler import RuleHandler
from engine.rulesets import put_in_production, save_version
from inventory import guarantees
from tests.integration.connectors.conftest import add_connector, allow


def subscribed(world: Any, url: str, max_attempts: int = 6) -> str:
    """An outbound connector to ``url`` subscribed to stock.received; returns its secret."""
    _, secret = add_connector(world, name="erp", kind="webhook_out", endpoint=url,
                              max_attempts=max_attempts)
    from connectors import definitions

    with world.db.write(world.tenant_id) as s:
        definitions.subscribe(s, world.tenant_id, "erp", "stock.received", world.clock.now())
    assert secret is not None
    return secret


def worker(world: Any) -> Worker:
    return Worker(world.db, world.clock, handler=SubscribingHandler(RuleHandler()))


def the_delivery(world: Any) -> Delivery:
    with world.db.read(world.tenant_id) as s:
        (row,) = s.scalars(select(Delivery)).all()
        s.expunge(row)
        return row


def attempt_log(world: Any) -> list[tuple[int, str, int | None]]:
    with world.db.read(world.tenant_id) as s:
        return [(a.attempt, a.outcome, a.status_code) for a in
                s.scalars(select(DeliveryAttempt).order_by(DeliveryAttempt.id))]


def test_a_receiver_failing_three_times_gets_the_event_on_the_fourth(world, runtime, receiver):
    allow(world, ("127.0.0.1", True))
    secret = subscribed(world, "http://placeholder")
    peer = receiver(secret, fail_first=3)
    with world.db.write(world.tenant_id) as s:  # the connector's URL, now that we know it
        from connectors.models import Connector

        s.scalar(select(Connector)).endpoint = peer.url
    world.item("TEA-1")
    event_id = world.receive("TEA-1", "WH-A", 5)["event_id"]
    worker(world).drain()
    assert the_delivery(world).target == peer.url
    assert sum(runtime.deliver_due().values()) == 1  # attempt 1: 503
    for attempt in (2, 3, 4):
        step = timedelta(seconds=10 * 2 ** (attempt - 2))
        world.clock.advance(step * 0.49)  # jitter keeps at least half the step: not due yet
        assert sum(runtime.deliver_due().values()) == 0
        world.clock.advance(step * 0.51)
        assert sum(runtime.deliver_due().values()) == 1
    got = peer.requests()
    assert [r["status"] for r in got] == [503, 503, 503, 204]
    assert all(r["verified"] for r in got), got  # the reference library verified each one
    assert len({r["id"] for r in got}) == 1  # one webhook-id across retries
    assert got[-1]["body"]["event_id"] == event_id
    assert got[-1]["body"]["type"] == "stock.received"
    row = the_delivery(world)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 4, 204)
    assert attempt_log(world) == [(1, "failed", 503), (2, "failed", 503), (3, "failed", 503),
                                  (4, "delivered", 204)]
    world.clock.advance(timedelta(days=1))
    assert sum(runtime.deliver_due().values()) == 0  # delivered means done


def test_always_failing_ends_in_dead_letter_and_resend_delivers(world, runtime, receiver):
    allow(world, ("127.0.0.1", True))
    peer = receiver("whsec_" + "QUJD" * 8, fail_first=0)  # verifies with ANOTHER secret: 401
    subscribed(world, peer.url, max_attempts=3)
    world.item("TEA-1")
    world.receive("TEA-1", "WH-A", 5)
    worker(world).drain()
    for _ in range(3):
        runtime.deliver_due()
        world.clock.advance(timedelta(hours=1))
    row = the_delivery(world)
    assert (row.status, row.attempts, row.last_status_code) == ("dead", 3, 401)
    assert [r["verified"] for r in peer.requests()] == [False, False, False]
    with world.db.read(world.tenant_id) as s:
        dead, total = deliveries.list_deliveries(s, "dead", 0, 10)
        assert total == 1 and dead[0].delivery_id == row.delivery_id
    world.clock.advance(timedelta(days=1))
    assert sum(runtime.deliver_due().values()) == 0  # a dead letter is not retried by itself
    # Re-send: point the connector at a receiver that accepts, and send it again.
    from connectors.models import Connector

    good = receiver(_secret_of(world), fail_first=0)
    with world.db.write(world.tenant_id) as s:
        s.scalar(select(Connector)).endpoint = good.url
        s.scalar(select(Delivery)).target = good.url
        deliveries.resend(s, row.delivery_id, world.clock.now())
    assert runtime.deliver_due() == {"delivered": 1}
    assert [r["verified"] for r in good.requests()] == [True]
    assert the_delivery(world).status == "delivered"
    assert [a[0] for a in attempt_log(world)] == [1, 2, 3, 4]


def _secret_of(world: Any) -> str:
    from connectors.models import Connector
    from tests.integration.connectors.conftest import BOX

    with world.db.read(world.tenant_id) as s:
        sealed = s.scalar(select(Connector.secret_encrypted))
    assert sealed is not None
    return BOX.open(sealed)


def test_hosts_off_the_allow_list_are_refused_and_never_contacted(world, runtime, receiver):
    peer = receiver("", plain=True)
    subscribed(world, peer.url)
    world.item("TEA-1")
    world.receive("TEA-1", "WH-A", 5)
    worker(world).drain()
    assert runtime.deliver_due() == {"dead": 1}  # not listed: refused at once, not retried
    row = the_delivery(world)
    assert "127.0.0.1" in (row.last_error or "") and "allow-list" in (row.last_error or "")
    # Listed by name but resolving to loopback: still refused without allow_private.
    allow(world, ("127.0.0.1", False))
    with world.db.write(world.tenant_id) as s:
        deliveries.resend(s, row.delivery_id, world.clock.now())
    assert runtime.deliver_due() == {"dead": 1}
    assert "internal address" in (the_delivery(world).last_error or "")
    assert peer.requests() == []
    assert attempt_log(world) == [(1, "refused", None), (2, "refused", None)]


FREEZER_WEBHOOK = """
rule freezer_warm_callback "冷柜超温回调"
  when freezer.temperature_reported
  if freezer.temperature > -15 °C
  then call webhook "erp" (freezer.id = freezer.id, temperature = freezer.temperature)
end
"""


def test_a_rules_call_webhook_action_is_delivered_once_signed(world, runtime, receiver):
    allow(world, ("127.0.0.1", True))
    _, secret = add_connector(world, name="erp", kind="webhook_out", endpoint="http://x")
    assert secret is not None
    peer = receiver(secret)
    from connectors.models import Connector

    with world.db.write(world.tenant_id) as s:
        s.scalar(select(Connector)).endpoint = peer.url
        version = save_version(s, world.tenant_id, "freezer", FREEZER_WEBHOOK,
                               default_registry(), "author", world.clock.now())
        put_in_production(s, version)
        for n, temperature in enumerate((-20, -9)):
            guarantees.append_event(s, world.tenant_id, guarantees.new_event_id(),
                                    "freezer.temperature_reported", "freezer:F1",
                                    {"freezer": {"id": "F1", "temperature": temperature,
                                                 "seq": n}}, world.clock.now())
    worker(world).drain()
    worker(world).drain()  # a second worker pass changes nothing (effect keys)
    assert runtime.deliver_due() == {"delivered": 1}
    (got,) = peer.requests()
    assert got["verified"] is True
    # Rule values keep their type: a number is sent as a JSON number, not as text.
    assert got["body"]["data"] == {"freezer": {"id": "F1"}, "temperature": -9}
    assert got["body"]["rule"]["id"] == "freezer_warm_callback"


def test_a_sandbox_tenants_delivery_goes_out_when_its_own_clock_is_due(world, receiver):
    """Scheduled on the tenant's clock, carried out on it: a sandbox tenant 2 days ahead
    does not wait 2 real days for its webhook, nor for its retry."""
    import random

    from connectors import ConnectorRuntime
    from connectors.deliveries import Backoff
    from engine import sandbox_clock
    from inventory import StockService
    from kernel.models import Tenant
    from kernel.tenant_clock import TenantClocks
    from tests.integration.connectors.conftest import BOX

    with world.db.write(None) as s:
        s.execute(update(Tenant).where(Tenant.id == world.tenant_id).values(is_sandbox=True))
    clocks = TenantClocks(world.clock, world.db)
    sandbox_clock.advance(world.db, clocks, world.tenant_id, timedelta(days=2))
    allow(world, ("127.0.0.1", True))
    secret = subscribed(world, "http://placeholder")
    peer = receiver(secret, fail_first=1)
    with world.db.write(world.tenant_id) as s:
        from connectors.models import Connector

        s.scalar(select(Connector)).endpoint = peer.url
    world.item("TEA-1")
    world.stock = StockService(world.db, clocks)  # commands on the tenant's time
    world.receive("TEA-1", "WH-A", 5)
    Worker(world.db, clocks, handler=SubscribingHandler(RuleHandler())).drain()
    row = the_delivery(world)
    assert row.next_attempt_at == world.clock.now() + timedelta(days=2)  # tenant time
    runtime = ConnectorRuntime(world.db, clocks, BOX, backoff=Backoff(base_seconds=10),
                               rng=random.Random(7))
    runtime.install()
    try:
        assert runtime.deliver_due() == {"pending": 1}  # attempt 1: 503, retry on its time
        retry_at = the_delivery(world).next_attempt_at
        assert retry_at > world.clock.now() + timedelta(days=2)
        world.clock.advance(retry_at - world.clock.now() - timedelta(days=2))
        assert runtime.deliver_due() == {"delivered": 1}
    finally:
        runtime.stop()
    assert [r["status"] for r in peer.requests()] == [503, 204]
    assert the_delivery(world).delivered_at == world.clock.now() + timedelta(days=2)
