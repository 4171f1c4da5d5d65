"""MQTT against a real Mosquitto, with mosquitto_pub / mosquitto_sub as independent clients."""

from __future__ import annotations

import subprocess
from typing import Any

from sqlalchemy import func, select

from connectors.models import Receipt
from dsl import default_registry
from engine import Worker
from engine.models import InboxMessage
from engine.rule_handler import RuleHandler
from engine.rulesets import put_in_production, save_version
from kernel.models import OutboxEvent
from tests.integration.connectors.conftest import add_connector, allow, wait_until

TEMPERATURE = {"event_type": "freezer.temperature_reported", "key": "levels[3]",
               "message_id": "join(':', [levels[3], to_string(body.seq)])",
               "fields": {"freezer.id": "levels[3]", "freezer.temperature": "body.t"}}
SCAN = {"event_type": "scanner.scanned", "key": "body.sku",
        "fields": {"scanner.id": "levels[3]", "item.sku": "body.sku"}}

FREEZER_RULE = """
rule freezer_too_warm "冷柜超温预警"
  when freezer.temperature_reported
  if freezer.temperature > -15 °C
  then
    alert role:quality_manager "冷柜 {freezer.id} 温度 {freezer.temperature} 高于 -15 °C"
    publish mqtt "factory/freezer/{freezer.id}/alarm" (temperature = freezer.temperature)
end
"""


def mqtt_connector(world: Any, broker: Any) -> None:
    allow(world, ("127.0.0.1", True))
    add_connector(world, name="plant", kind="mqtt", endpoint=broker.url, config={
        "is_publisher": True,
        # These tests send bursts of up to 250 from one device on a clock that stands still.
        "rate_limit": {"per_second": 1000, "burst": 1000},
        "subscriptions": [{"topic": "jxc/{tenant}/freezer/+/temperature", "mapping": TEMPERATURE},
                          {"topic": "jxc/{tenant}/scanner/+/scan", "mapping": SCAN}]})


def pub(broker: Any, topic: str, *messages: str) -> None:
    """mosquitto_pub with QoS 1, one message per line."""
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port), "-q", "1",
                    "-t", topic, "-l"], input="\n".join(messages) + "\n", text=True,
                   check=True, timeout=30)


def events(world: Any, event_type: str) -> list[Any]:
    with world.db.read(None) as s:
        return list(s.execute(select(OutboxEvent.payload, OutboxEvent.key).where(
            OutboxEvent.tenant_id == world.tenant_id, OutboxEvent.type == event_type)
            .order_by(OutboxEvent.id)))


def linked(runtime: Any, world: Any) -> Any:
    runtime.sync_mqtt()  # every tenant's MQTT connectors of the module's database
    (link,) = [k for k in runtime.links.values() if k.spec.tenant_id == world.tenant_id]
    wait_until(link.subscribed.is_set)
    return link


def test_a_published_temperature_triggers_the_freezer_rule_and_its_publish_arrives(
        world, runtime, broker):
    mqtt_connector(world, broker)
    with world.db.write(world.tenant_id) as s:
        put_in_production(s, save_version(s, world.tenant_id, "freezer", FREEZER_RULE,
                                          default_registry(), "author", world.clock.now()))
    linked(runtime, world)
    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-q",
                            "1", "-t", "factory/#", "-v", "-C", "1", "-W", "30"],
                           stdout=subprocess.PIPE, text=True)
    try:
        topic = f"jxc/{world.code}/freezer/F7/temperature"
        # mosquitto_sub gives no "subscribed" signal: a retained-free probe on its topic
        # is repeated until it shows it is listening would consume its one message, so
        # the device messages go first and the alarm comes only after the worker runs.
        pub(broker, topic, '{"t": -21.5, "seq": 1}', '{"t": -9.5, "seq": 2}')
        pub(broker, f"jxc/{world.code}/scanner/S1/scan", '{"sku": "TEA-1"}')
        wait_until(lambda: len(events(world, "freezer.temperature_reported")) == 2)
        wait_until(lambda: len(events(world, "scanner.scanned")) == 1)
        assert [e.payload for e in events(world, "freezer.temperature_reported")] == [
            {"freezer": {"id": "F7", "temperature": -21.5}},
            {"freezer": {"id": "F7", "temperature": -9.5}}]
        assert events(world, "scanner.scanned")[0].payload == {
            "scanner": {"id": "S1"}, "item": {"sku": "TEA-1"}}
        Worker(world.db, world.clock, handler=RuleHandler()).drain()
        with world.db.read(world.tenant_id) as s:
            alerts = [(m.recipient, m.message) for m in s.scalars(select(InboxMessage))]
        assert alerts == [("role:quality_manager", "冷柜 F7 温度 -9.5 高于 -15 °C")]
        assert runtime.deliver_due() == {"delivered": 1}
        out, _ = sub.communicate(timeout=30)
    finally:
        sub.kill()
        sub.wait()
        if sub.stdout is not None:
            sub.stdout.close()
    assert out.strip() == 'factory/freezer/F7/alarm {"temperature": -9.5}'  # typed


def test_a_repeated_device_message_makes_one_event(world, runtime, broker):
    mqtt_connector(world, broker)
    linked(runtime, world)
    topic = f"jxc/{world.code}/freezer/F1/temperature"
    pub(broker, topic, '{"t": -18, "seq": 5}', '{"t": -18, "seq": 5}', '{"t": -17, "seq": 6}')
    wait_until(lambda: len(events(world, "freezer.temperature_reported")) == 2)
    pub(broker, topic, '{"t": -16, "seq": 7}')  # a later message proves the repeat was seen
    wait_until(lambda: len(events(world, "freezer.temperature_reported")) == 3)
    assert [e.payload["freezer"]["temperature"]
            for e in events(world, "freezer.temperature_reported")] == [-18, -17, -16]


def test_after_a_broker_restart_no_qos1_message_is_lost(world, runtime, broker):
    mqtt_connector(world, broker)
    link = linked(runtime, world)
    topic = f"jxc/{world.code}/freezer/F2/temperature"
    pub(broker, topic, *[f'{{"t": -20, "seq": {n}}}' for n in range(1, 51)])
    wait_until(lambda: len(events(world, "freezer.temperature_reported")) == 50)
    broker.stop()
    wait_until(lambda: not link.connected.is_set())
    broker.start()
    # Sent right after the restart, most likely before our link is back: the broker
    # queues them for our persistent session (clean_session=False, QoS 1).
    after = range(51, 251)
    pub(broker, topic, *[f'{{"t": -20, "seq": {n}}}' for n in after])
    wait_until(link.connected.is_set, seconds=60)
    wait_until(lambda: len(events(world, "freezer.temperature_reported")) >= 250, seconds=60)
    keys = [e.payload for e in events(world, "freezer.temperature_reported")]
    assert len(keys) == 250  # every message once: none lost, none doubled
    with world.db.read(None) as s:
        ids = set(s.scalars(select(Receipt.message_id).where(
            Receipt.tenant_id == world.tenant_id)))
        assert ids == {f"F2:{n}" for n in range(1, 251)}
        assert s.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.tenant_id == world.tenant_id)) == 250
