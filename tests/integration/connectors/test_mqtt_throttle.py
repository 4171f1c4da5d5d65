"""Per-device rate limits on a real Mosquitto: one device's burst of 600 does not become 600
events, another device is not held back, and the drop is in the rejection list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connectors.errors import InvalidConnector
from tests.integration.connectors.conftest import add_connector, allow, wait_until
from tests.integration.connectors.test_mqtt import SCAN, events, pub
from tests.integration.connectors.test_mqtt_isolation import rejections


def test_a_flooding_device_is_throttled_and_others_are_not(world, runtime, broker):
    allow(world, ("127.0.0.1", True))
    add_connector(world, name="scanners", kind="mqtt", endpoint=broker.url, config={
        "rate_limit": {"per_second": 2, "burst": 20},
        "subscriptions": [{"topic": "jxc/{tenant}/scanner/+/scan", "mapping": SCAN}]})
    runtime.sync_mqtt()
    (link,) = [k for k in runtime.links.values() if k.spec.tenant_id == world.tenant_id]
    wait_until(link.subscribed.is_set)
    flood = f"jxc/{world.code}/scanner/SC-BAD/scan"
    pub(broker, flood, *[f'{{"sku": "TEA-{n}"}}' for n in range(600)])
    pub(broker, f"jxc/{world.code}/scanner/SC-OK/scan", *['{"sku": "TEA-OK"}'] * 5)
    wait_until(lambda: link.received + link.throttled == 605, seconds=60)
    # The tenant clock (virtual) did not move: exactly the burst passed.
    assert (link.received, link.throttled) == (25, 580)
    assert sum(e.payload["scanner"]["id"] == "SC-BAD"
               for e in events(world, "scanner.scanned")) == 20
    (kept,) = rejections(world)  # one row for 580 drops, not 580 writes
    assert kept[0] == "rate_limited"
    assert kept[1].startswith(f"{flood}: over 2 messages/s (burst 20); 1 dropped so far")
    world.clock.advance(timedelta(seconds=5))  # 10 tokens refilled
    pub(broker, flood, *[f'{{"sku": "LATER-{n}"}}' for n in range(15)])
    wait_until(lambda: link.received + link.throttled == 620, seconds=60)
    assert (link.received, link.throttled) == (35, 585)


@pytest.mark.parametrize("option", [{"per_second": 0}, {"burst": 0}, {"burst": 2.5},
                                    {"rate": 5}, "fast"])
def test_a_bad_rate_limit_is_refused(world, option):
    with pytest.raises(InvalidConnector):
        add_connector(world, name="s", kind="mqtt", endpoint="mqtt://127.0.0.1:1883",
                      config={"rate_limit": option, "subscriptions": []})
