"""Event time from the source, through a real Mosquitto and a rule in production: three
scans are judged by the scanner's ``scanned_at``, not by when they arrived.

Each scan is published only after the previous one became an event, and the tenant clock
(virtual here) is moved 150–400 ms between arrivals: by arrival time no two scans are within
100 ms, so only the device times can flag them.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from dsl import default_registry
from engine import Worker
from engine.models import InboxMessage
from engine.rule_handler import RuleHandler
from engine.rulesets import put_in_production, save_version
from kernel.models import OutboxEvent
from templates_marketplace.catalogue import BUILTIN_DIR
from tests.integration.connectors.conftest import add_connector, allow, wait_until
from tests.integration.connectors.test_mqtt import events, pub
from tests.integration.connectors.test_mqtt_isolation import rejections

RULE = (BUILTIN_DIR / "standard" / "rules" / "duplicate_scan.rule").read_text("utf-8")
SCAN = {"event_type": "scanner.scanned", "key": "body.sku", "message_id": "body.id",
        "occurred_at": "body.scanned_at", "max_lateness_seconds": 60,
        "fields": {"scanner.id": "levels[3]", "item.sku": "body.sku"}}


def flagged(world: Any) -> list[str]:
    with world.db.read(world.tenant_id) as s:
        return [m.message for m in s.scalars(select(InboxMessage).order_by(InboxMessage.id))]


def test_device_times_decide_the_100ms_window_whatever_the_arrival_jitter(
        world, runtime, broker):
    allow(world, ("127.0.0.1", True))
    add_connector(world, name="scanners", kind="mqtt", endpoint=broker.url, config={
        "subscriptions": [{"topic": "jxc/{tenant}/scanner/+/scan", "mapping": SCAN}]})
    with world.db.write(world.tenant_id) as s:
        put_in_production(s, save_version(s, world.tenant_id, "scans", RULE,
                                          default_registry(), "author", world.clock.now()))
    runtime.sync_mqtt()
    (link,) = [k for k in runtime.links.values() if k.spec.tenant_id == world.tenant_id]
    wait_until(link.subscribed.is_set)
    start = world.clock.now()
    sent = 0
    for sku, device_ms in (("TEA-1", (0, 50, 90)), ("TEA-2", (0, 60, 130))):
        for n, (ms, gap) in enumerate(zip(device_ms, (150, 400, 220), strict=True)):
            scanned_at = start + timedelta(milliseconds=ms)
            pub(broker, f"jxc/{world.code}/scanner/SC-7/scan", json.dumps(
                {"id": f"{sku}-{n}", "sku": sku, "scanned_at": scanned_at.isoformat()}))
            sent += 1
            wait_until(lambda: len(events(world, "scanner.scanned")) == sent)  # noqa: B023
            world.clock.advance(timedelta(milliseconds=gap))  # arrival jitter > 100 ms
        start = world.clock.now() + timedelta(seconds=1)
    Worker(world.db, world.clock, handler=RuleHandler()).drain()
    assert flagged(world) == ["扫描枪 SC-7 在 100ms 内对 TEA-1 扫描 3 次"]
    with world.db.read(None) as s:
        times = [t for t, in s.execute(select(OutboxEvent.occurred_at).where(
            OutboxEvent.tenant_id == world.tenant_id, OutboxEvent.type == "scanner.scanned")
            .order_by(OutboxEvent.id))]
    gaps = [(b - a).total_seconds() * 1000 for a, b in zip(times, times[1:], strict=False)]
    assert gaps[:2] == [50, 40] and gaps[3:] == [60, 70]  # device gaps, not arrival gaps


def test_a_reading_beyond_the_lateness_bound_or_from_the_future_is_rejected(
        world, runtime, broker):
    allow(world, ("127.0.0.1", True))
    add_connector(world, name="scanners", kind="mqtt", endpoint=broker.url, config={
        "subscriptions": [{"topic": "jxc/{tenant}/scanner/+/scan", "mapping": SCAN}]})
    runtime.sync_mqtt()
    (link,) = [k for k in runtime.links.values() if k.spec.tenant_id == world.tenant_id]
    wait_until(link.subscribed.is_set)
    now = world.clock.now()
    topic = f"jxc/{world.code}/scanner/SC-1/scan"
    for n, when in enumerate((now - timedelta(minutes=2), now + timedelta(hours=1),
                              now - timedelta(seconds=30))):
        pub(broker, topic, json.dumps({"id": f"s{n}", "sku": "TEA-1",
                                       "scanned_at": when.isoformat()}))
    wait_until(lambda: len(events(world, "scanner.scanned")) == 1)
    wait_until(lambda: link.rejected == 2)
    reasons = rejections(world)
    assert [r for r, _ in reasons] == ["late_event", "future_event"]
    assert "120.000 s before now, beyond the 60 s lateness bound" in reasons[0][1]
    assert "3600.000 s after now" in reasons[1][1]
    with world.db.read(None) as s:
        (kept,) = s.scalars(select(OutboxEvent.occurred_at).where(
            OutboxEvent.tenant_id == world.tenant_id))
    assert kept == now - timedelta(seconds=30)  # the device's time, not the arrival's
