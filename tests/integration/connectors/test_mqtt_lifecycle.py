"""An MQTT connector changed or deleted through definitions: the runtime follows, against a
real Mosquitto with ``mosquitto_pub`` as the device."""

from __future__ import annotations

import subprocess
from typing import Any

from sqlalchemy import select

from connectors import definitions
from kernel.models import OutboxEvent
from tests.integration.connectors.conftest import BOX, add_connector, allow, wait_until

MAPPING = {"event_type": "freezer.temperature_reported", "key": "levels[3]",
           "fields": {"freezer.id": "levels[3]", "freezer.temperature": "body.t"}}


def _pub(broker: Any, topic: str, message: str) -> None:
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port), "-q", "1",
                    "-t", topic, "-m", message], check=True, timeout=30)


def _link(runtime: Any, world: Any) -> Any:
    runtime.sync_mqtt()
    (link,) = [k for k in runtime.links.values() if k.spec.tenant_id == world.tenant_id]
    assert link.subscribed.wait(20)
    return link


def _count(world: Any) -> int:
    with world.db.read(world.tenant_id) as s:
        return len(s.scalars(select(OutboxEvent.id).where(
            OutboxEvent.type == "freezer.temperature_reported")).all())


def test_a_patched_topic_restarts_the_link_and_a_deleted_connector_stops_it(
        world, runtime, broker):
    allow(world, ("127.0.0.1", True))
    add_connector(world, name="plant", kind="mqtt", endpoint=broker.url, config={
        "subscriptions": [{"topic": "jxc/{tenant}/old/+/t", "mapping": MAPPING}]})
    first = _link(runtime, world)
    with world.db.write(world.tenant_id) as s:
        definitions.update_connector(s, world.tenant_id, BOX, "plant", definitions.ConnectorChange(
            options={"subscriptions": [{"topic": "jxc/{tenant}/new/+/t", "mapping": MAPPING}]}),
            world.clock.now())
    second = _link(runtime, world)
    assert second is not first and not first.connected.is_set()
    _pub(broker, f"jxc/{world.code}/new/F1/t", '{"t": -20}')
    wait_until(lambda: second.received == 1)
    assert _count(world) == 1
    with world.db.write(world.tenant_id) as s:
        definitions.delete_connector(s, "plant", world.clock.now())
    runtime.sync_mqtt()
    assert [k for k in runtime.links.values() if k.spec.tenant_id == world.tenant_id] == []
    assert not second.connected.is_set()
