"""The outbound allow-list, on a real database session (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from connectors import definitions, egress
from connectors.errors import EgressRefused


def _allow(world, *hosts):
    with world.db.write(world.tenant_id) as s:
        definitions.set_allowed_hosts(s, world.tenant_id, list(hosts), world.clock.now())


@pytest.mark.parametrize(("hosts", "url", "refusal"), [
    ((), "http://127.0.0.1:9/x", "allow-list"),  # nothing listed
    ((("erp.example.com", False),), "http://127.0.0.1/x", "allow-list"),  # another host
    ((("127.0.0.1", False),), "http://127.0.0.1/x", "internal address"),  # loopback
    ((("localhost", False),), "http://LOCALHOST:8080/x", "internal address"),  # by name
    ((("10.1.2.3", False),), "https://10.1.2.3/x", "internal address"),  # private range
    ((("169.254.169.254", False),), "http://169.254.169.254/latest", "internal address"),
    ((("127.0.0.1", True),), "ftp://127.0.0.1/x", "not an http"),  # scheme
])
def test_refused_destinations_name_the_host_and_why(world, hosts, url, refusal):
    _allow(world, *hosts)
    with world.db.read(world.tenant_id) as s, pytest.raises(EgressRefused) as caught:
        egress.check(s, url)
    assert refusal in caught.value.render("en")
    assert caught.value.render("zh-CN")


def test_an_explicitly_allowed_private_host_passes(world):
    _allow(world, ("127.0.0.1", True), ("localhost", True))
    with world.db.read(world.tenant_id) as s:
        assert egress.check(s, "http://127.0.0.1:8080/hook") == egress.Destination(
            "127.0.0.1", 8080, "127.0.0.1")
        found = egress.check(s, "mqtt://localhost")
        assert (found.host, found.port) == ("localhost", 1883)
        assert found.address in ("127.0.0.1", "::1")


def test_allow_lists_belong_to_their_tenant(world, world_factory):
    other = world_factory()
    _allow(other, ("127.0.0.1", True))
    with world.db.read(world.tenant_id) as s, pytest.raises(EgressRefused):
        egress.check(s, "http://127.0.0.1/x")
