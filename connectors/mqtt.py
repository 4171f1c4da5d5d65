"""MQTT links (paho-mqtt 2): device topics in as events, ``publish mqtt`` out, QoS 1.

One link per MQTT connector, running in the worker process (paho's network thread):

- A persistent session (``clean_session=False``, a client id fixed per connector): the
  broker keeps our subscriptions and queues QoS 1 messages while we are away — a broker
  restart or a worker restart loses nothing that was published meanwhile.
- Manual acknowledgement: a message is acknowledged (PUBACK) only after its event has
  committed, so a crash between receipt and commit makes the broker send it again, and the
  mapping's ``message_id`` (when the device sends one) makes that repeat harmless.
- Reconnects with exponential backoff (paho's ``reconnect_delay_set``, 1 s → 30 s), and
  re-subscribes on every connect. TLS (``mqtts://``, optional ``ca_file``) and
  username / password (the password is the connector's encrypted secret).
"""

from __future__ import annotations

import json
import logging
import ssl
import threading
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from connectors import egress, payload_schema, throttle, topics
from connectors.inbound import commit_event, record_rejection
from connectors.mapping import InboundMap
from kernel.clock import Clock, tenant_now
from kernel.db import Database
from kernel.errors import DomainError

log = logging.getLogger("jxcflow.connectors.mqtt")


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkSpec:
    """What a link needs of its connector (the secret in clear, kept in memory only)."""

    tenant_id: int
    tenant_code: str
    connector_id: int
    public_id: str
    endpoint: str
    config: dict[str, Any]
    password: str | None
    #: The address the allow-list check approved (DNS pinning); ``None``: use the name.
    address: str | None = None

    def __repr__(self) -> str:  # never print the password
        return f"LinkSpec(connector_id={self.connector_id}, endpoint={self.endpoint!r})"


@dataclass(frozen=True, slots=True)
class _Route:
    topic_filter: str
    mapping: InboundMap
    #: The JSON Schema its payloads must meet (``None``: any payload).
    schema: payload_schema.PayloadSchema | None = None


class MqttLink:
    """A connected (or reconnecting) MQTT client for one connector."""

    def __init__(self, db: Database, clock: Clock, spec: LinkSpec) -> None:
        self.db, self.clock, self.spec = db, clock, spec
        self.routes: list[_Route] = []
        #: Stored filters outside the tenant's namespace (saved before it was checked):
        #: never subscribed, reported once when the link starts.
        self.refused_filters: list[str] = []
        for sub in spec.config.get("subscriptions", []):
            expanded = topics.expand(str(sub["topic"]), spec.tenant_code)
            if expanded is None:
                self.refused_filters.append(str(sub["topic"]))
                continue
            self.routes.append(_Route(expanded, InboundMap(sub["mapping"]),
                                      payload_schema.optional(sub.get("schema"))))
        self.connected = threading.Event()
        #: Set once the broker acknowledged our subscriptions (SUBACK) on this connection.
        self.subscribed = threading.Event()
        self.received = 0  # messages committed as events (for tests and the bench)
        self.rejected = 0  # messages refused (outside the namespace, or by their JSON Schema)
        self.throttled = 0  # messages dropped by the per-device rate limit
        self.throttle = throttle.DeviceThrottle(spec.config)
        self.client = paho.Client(CallbackAPIVersion.VERSION2,
                                  client_id=f"jxcflow-{spec.public_id}", clean_session=False,
                                  protocol=paho.MQTTv311, manual_ack=True)
        username = spec.config.get("username")
        if username:
            self.client.username_pw_set(str(username), spec.password)
        host, self.port = egress.host_and_port(spec.endpoint)
        self.host = host
        # Plain MQTT connects to the pinned address (reconnects too); TLS keeps the name,
        # which the broker's certificate must match.
        self.connect_host = host if spec.endpoint.startswith("mqtts://") or not spec.address \
            else spec.address
        if spec.endpoint.startswith("mqtts://"):
            self.client.tls_set(ca_certs=spec.config.get("ca_file"),
                                cert_reqs=ssl.CERT_REQUIRED)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.max_queued_messages_set(0)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe

    def start(self) -> None:
        """Connect in the background; paho keeps reconnecting until :meth:`stop`."""
        for topic in self.refused_filters:
            record_rejection(self.db, self.spec.tenant_id, self.spec.connector_id, None,
                             "topic_outside_namespace", self.clock.now(),
                             f"subscription {topic} not made: it is not inside "
                             f"{topics.PREFIX} of this company")
        self.client.connect_async(self.connect_host, self.port, keepalive=int(
            self.spec.config.get("keepalive", 30)))
        self.client.loop_start()

    def stop(self) -> None:
        """Disconnect and end the network thread."""
        self.client.disconnect()
        self.client.loop_stop()
        self.connected.clear()

    def publish(self, topic: str, payload: bytes, timeout: float = 10.0) -> None:
        """Publish with QoS 1 and wait for the broker's PUBACK.

        Raises:
            ConnectionError: not connected, or no PUBACK within ``timeout``.
        """
        if not self.connected.is_set():
            raise ConnectionError(f"MQTT broker {self.host}:{self.port} is not connected")
        info = self.client.publish(topic, payload, qos=1)
        info.wait_for_publish(timeout)
        if not info.is_published():
            raise ConnectionError(f"no PUBACK from {self.host}:{self.port} for {topic}")

    def _on_connect(self, client: paho.Client, _userdata: Any, _flags: Any, reason: Any,
                    _properties: Any) -> None:
        if reason.is_failure:
            log.warning("MQTT connect to %s:%s refused: %s", self.host, self.port, reason)
            return
        if self.routes:
            client.subscribe([(route.topic_filter, 1) for route in self.routes])
        self.connected.set()
        log.info("MQTT connector %s connected to %s:%s", self.spec.connector_id, self.host,
                 self.port)

    def _on_subscribe(self, _client: paho.Client, _userdata: Any, _mid: int, _codes: Any,
                      _properties: Any) -> None:
        self.subscribed.set()

    def _on_disconnect(self, _client: paho.Client, _userdata: Any, _flags: Any, reason: Any,
                       _properties: Any) -> None:
        self.connected.clear()
        self.subscribed.clear()
        log.info("MQTT connector %s disconnected (%s); reconnecting with backoff",
                 self.spec.connector_id, reason)

    def _on_message(self, client: paho.Client, _userdata: Any,
                    message: paho.MQTTMessage) -> None:
        # Dated on the tenant's clock (a sandbox tenant's may run ahead of the product's).
        spec, now = self.spec, tenant_now(self.clock, self.spec.tenant_id)
        if not topics.is_inside(message.topic, spec.tenant_code):
            # Whatever the broker routed to us (a shared broker's bridge, a stale session's
            # subscription): another company's topic never becomes this company's event.
            record_rejection(self.db, spec.tenant_id, spec.connector_id, None,
                             "topic_outside_namespace", now,
                             f"{message.topic[:200]} is outside this company's namespace")
            self.rejected += 1
            client.ack(message.mid, message.qos)
            return
        verdict = self.throttle.take(message.topic, now)
        if not verdict.is_allowed:  # one device flooding: dropped, written once a minute
            self.throttled += 1
            if verdict.report is not None:
                record_rejection(self.db, spec.tenant_id, spec.connector_id, None,
                                 "rate_limited", now, verdict.report)
            client.ack(message.mid, message.qos)
            return
        route = next((r for r in self.routes
                      if paho.topic_matches_sub(r.topic_filter, message.topic)), None)
        if route is None:
            client.ack(message.mid, message.qos)
            return
        try:
            text = message.payload.decode()
            try:
                body: Any = json.loads(text)
            except ValueError:
                body = text
            violation = route.schema.violation(body) if route.schema else None
            if violation is not None:  # dead-lettered with the reason, never retried
                record_rejection(self.db, spec.tenant_id, spec.connector_id, None,
                                 "schema_violation", now, f"{message.topic}: {violation}")
                log.warning("MQTT message on %s refused by its schema: %s", message.topic,
                            violation)
                self.rejected += 1
                client.ack(message.mid, message.qos)
                return
            event = route.mapping.apply({"body": body, "topic": message.topic,
                                         "levels": message.topic.split("/")}, message.topic)
        except ValueError as exc:  # not UTF-8, or the mapping does not apply: never will
            detail = exc.render("en") if isinstance(exc, DomainError) else type(exc).__name__
            record_rejection(self.db, spec.tenant_id, spec.connector_id, None, "bad_payload",
                             now, f"{message.topic[:200]}: {detail}")
            log.warning("MQTT message on %s refused: %s", message.topic, type(exc).__name__)
            client.ack(message.mid, message.qos)
            return
        refusal = route.mapping.time_refusal(event, now)
        if refusal is not None:  # outside the lateness bound: kept as a rejection
            record_rejection(self.db, spec.tenant_id, spec.connector_id, event.message_id,
                             refusal[0], now, f"{message.topic}: {refusal[1]}")
            self.rejected += 1
            client.ack(message.mid, message.qos)
            return
        try:
            with self.db.write(spec.tenant_id) as session:
                commit_event(session, spec.tenant_id, spec.connector_id, event,
                             event.message_id, now)
        except Exception:
            # Not acknowledged: the broker delivers it again after the next reconnect.
            log.exception("MQTT message on %s not committed; left unacknowledged",
                          message.topic)
            return
        self.received += 1
        client.ack(message.mid, message.qos)


__all__ = ["LinkSpec", "MqttLink"]
