"""Two tenants on one real Mosquitto: neither hears the other's devices."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from connectors.errors import InvalidConnector
from connectors.models import Connector, Rejection
from tests.integration.connectors.conftest import add_connector, allow, wait_until
from tests.integration.connectors.test_mqtt import SCAN, events, pub


def rejections(world: Any) -> list[tuple[str, str | None]]:
    with world.db.read(None) as s:
        return [(r.reason, r.detail) for r in s.scalars(
            select(Rejection).where(Rejection.tenant_id == world.tenant_id)
            .order_by(Rejection.id))]


@pytest.mark.parametrize("topic", [
    "#", "+/scanner/+/scan", "+/#", "$SYS/#", "jxc/#", "jxc/+/scanner/+/scan",
    "jxc/tOTHER/scanner/+/scan", "jxc/{tenant}/", "jxc/{tenant}/a#", "jxc/{tenant}/#/x",
    "jxc/{tenant}/a+/b", "scanner/{tenant}/x"])
def test_a_filter_outside_the_tenants_namespace_is_refused(world, topic):
    with pytest.raises(InvalidConnector) as refused:
        add_connector(world, name="spy", kind="mqtt", endpoint="mqtt://127.0.0.1:1883",
                      config={"subscriptions": [{"topic": topic, "mapping": SCAN}]})
    assert refused.value.render("en").startswith("Invalid connector definition")
    assert "jxc/{tenant}/" in refused.value.render("en") or "#" in refused.value.render("en") \
        or "+" in refused.value.render("en")
    assert "连接器定义无效" in refused.value.render("zh-CN")


def test_another_tenants_connector_never_receives_this_tenants_readings(
        world, world_factory, runtime, broker):
    other = world_factory()
    for w, name in ((world, "plant"), (other, "plant")):
        allow(w, ("127.0.0.1", True))
        add_connector(w, name=name, kind="mqtt", endpoint=broker.url, config={
            "subscriptions": [{"topic": "jxc/{tenant}/#", "mapping": SCAN}]})
    runtime.sync_mqtt()
    mine, theirs = ([k for k in runtime.links.values() if k.spec.tenant_id == w.tenant_id][0]
                    for w in (world, other))
    wait_until(mine.subscribed.is_set)
    wait_until(theirs.subscribed.is_set)
    # The other company's link is additionally subscribed to everything under jxc/, as a
    # misconfigured shared broker (or a stale persistent session) could route to it: its
    # per-message check must still refuse this company's reading.
    theirs.client.subscribe("jxc/#", qos=1)
    wait_until(lambda: theirs.client.is_connected())
    pub(broker, f"jxc/{world.code}/scanner/S1/scan", '{"sku": "TEA-1"}')
    wait_until(lambda: len(events(world, "scanner.scanned")) == 1)
    wait_until(lambda: theirs.rejected >= 1)
    assert events(other, "scanner.scanned") == []
    assert rejections(other)[0] == (
        "topic_outside_namespace",
        f"jxc/{world.code}/scanner/S1/scan is outside this company's namespace")
    assert rejections(world) == []


def test_a_stored_filter_outside_the_namespace_is_never_subscribed(world, runtime, broker):
    """A definition saved before namespaces were checked (written here straight to the
    table) is not subscribed: its link reports it and hears nothing."""
    allow(world, ("127.0.0.1", True))
    add_connector(world, name="old", kind="mqtt", endpoint=broker.url, config={
        "subscriptions": [{"topic": "jxc/{tenant}/scanner/+/scan", "mapping": SCAN}]})
    with world.db.write(world.tenant_id) as s:
        row = s.scalar(select(Connector).where(Connector.name == "old"))
        row.config = {"subscriptions": [{"topic": "#", "mapping": SCAN},
                                        {"topic": "jxc/{tenant}/scanner/+/scan",
                                         "mapping": SCAN}]}
    runtime.sync_mqtt()
    (link,) = [k for k in runtime.links.values() if k.spec.tenant_id == world.tenant_id]
    assert [r.topic_filter for r in link.routes] == [f"jxc/{world.code}/scanner/+/scan"]
    wait_until(link.subscribed.is_set)
    assert rejections(world) == [("topic_outside_namespace",
                                  "subscription # not made: it is not inside jxc/{tenant}/ "
                                  "of this company")]
    pub(broker, "elsewhere/scanner/S1/scan", '{"sku": "X"}')
    pub(broker, f"jxc/{world.code}/scanner/S1/scan", '{"sku": "TEA-1"}')
    wait_until(lambda: len(events(world, "scanner.scanned")) == 1)
    assert [e.payload["item"]["sku"] for e in events(world, "scanner.scanned")] == ["TEA-1"]
