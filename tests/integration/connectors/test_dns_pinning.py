"""DNS pinning: an outbound name is resolved once, checked, and the connection goes to that
address — a second, different DNS answer is never used.

What is simulated: the DNS answers. ``ScriptedResolver`` plugs into the runtime's real
resolver seam (``egress.Resolver``, the one ``SystemResolver`` fills in production) and
answers a name with a scripted list per call, as a rebinding DNS server would. Everything
else is real: the receiver is an HTTP server in another process on 127.0.0.1, verifying
signatures with the ``standardwebhooks`` reference library, and the runtime sends with its
real HTTP client. The names end in ``.invalid`` (RFC 2606), so the system resolver cannot
resolve them: a delivery that arrives was sent to the pinned address, not re-resolved.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from connectors import ConnectorRuntime, SubscribingHandler, definitions
from connectors.models import Delivery
from engine import Worker
from engine.rule_handler import RuleHandler
from tests.integration.connectors.conftest import BOX, add_connector, allow

NAME = "shop.rebind.invalid"


class ScriptedResolver:
    """Answers each lookup of a name with the next scripted answer (the last one repeats)."""

    def __init__(self, answers: list[list[str]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    def resolve(self, host: str, port: int) -> list[str]:
        """The next scripted answer for ``host``."""
        self.calls.append(host)
        return self.answers[min(len(self.calls), len(self.answers)) - 1]


def _runtime(world: Any, resolver: ScriptedResolver) -> ConnectorRuntime:
    rt = ConnectorRuntime(world.db, world.clock, BOX, resolver=resolver)
    rt.install()
    return rt


def _queue(world: Any, url: str, secret: str | None = None) -> None:
    """An outbound webhook to ``url`` and one event for it, queued as a delivery."""
    add_connector(world, name="shop", kind="webhook_out", endpoint=url, secret=secret)
    with world.db.write(world.tenant_id) as s:
        definitions.subscribe(s, world.tenant_id, "shop", "stock.received", world.clock.now())
    world.item("TEA-1")
    world.receive("TEA-1", "WH-A", 5)
    Worker(world.db, world.clock, handler=SubscribingHandler(RuleHandler())).drain()


def _status(world: Any) -> tuple[str, str | None]:
    with world.db.read(world.tenant_id) as s:
        row = s.scalars(select(Delivery)).one()
        return row.status, row.last_error


def test_the_connection_goes_to_the_checked_address_not_a_second_answer(world, receiver):
    peer_secret = "whsec_" + "QUJD" * 8
    peer = receiver(peer_secret)
    # First answer: the receiver's loopback address (allowed: the entry says allow_private).
    # Any later answer: another address where nothing listens. A client that resolved the
    # name again at connect time would fail (or, here, not even resolve the .invalid name).
    resolver = ScriptedResolver([["127.0.0.1"], ["127.0.0.2"]])
    allow(world, (NAME, True))
    _queue(world, f"http://{NAME}:{peer.port}/hooks/jxc", peer_secret)
    runtime = _runtime(world, resolver)
    try:
        assert runtime.deliver_due()["delivered"] == 1
    finally:
        runtime.stop()
    assert resolver.calls == [NAME]  # resolved once, for the check; never again
    (got,) = peer.requests()
    assert got["verified"] and got["status"] == 204
    assert got["host"] == f"{NAME}:{peer.port}"  # the server still sees the name
    assert _status(world) == ("delivered", None)


def test_a_name_rebound_to_an_internal_address_is_refused_before_any_connection(world,
                                                                                receiver):
    peer = receiver("whsec_" + "QUJD" * 8)
    # The allow-list entry does NOT allow private addresses; the DNS answer is the loopback
    # address where the receiver listens (what a rebinding attacker points a name at).
    resolver = ScriptedResolver([["127.0.0.1"]])
    allow(world, (NAME, False))
    _queue(world, f"http://{NAME}:{peer.port}/hooks/jxc")
    runtime = _runtime(world, resolver)
    try:
        assert runtime.deliver_due()["dead"] == 1
    finally:
        runtime.stop()
    status, error = _status(world)
    assert status == "dead" and error is not None and "127.0.0.1" in error
    assert peer.requests() == []  # nothing reached the internal address
    assert resolver.calls == [NAME]
