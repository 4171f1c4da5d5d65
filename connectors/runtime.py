"""The connectors runtime inside the worker process: sends deliveries, runs MQTT links.

``jxcflow worker`` (and the in-process worker of embedded mode) starts one runtime. It
registers the engine's outbound port (so rules' connector actions become deliveries),
and in its own thread, on the worker's clock:

- sends due deliveries — webhooks signed per Standard Webhooks, HTTP calls, MQTT
  publishes — after checking the tenant's allow-list, and records each attempt;
- keeps one MQTT link per enabled MQTT connector, refreshed as connectors change.

Tests call :meth:`deliver_due` and :meth:`sync_mqtt` directly and move a virtual clock.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select

from connectors import deliveries, egress, payload_schema, signing
from connectors.deliveries import Backoff, Due
from connectors.errors import ConnectorError, EgressRefused
from connectors.inbound import commit_event
from connectors.mapping import InboundMap
from connectors.models import Connector
from connectors.mqtt import LinkSpec, MqttLink
from connectors.port import ConnectorNames, ConnectorPort
from connectors.secrets import SecretBox
from engine.executors import outbound
from kernel.clock import Clock, SystemClock, tenant_now
from kernel.db import Database
from kernel.models import Tenant

log = logging.getLogger("jxcflow.connectors")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Sent:
    is_delivered: bool
    status_code: int | None = None
    error: str | None = None
    body: Any = None
    is_final: bool = False


def _outbound_violation(config: dict[str, Any], payload: Any) -> str | None:
    """Why ``payload`` may not be sent (it breaks the connector's ``outbound_schema``)."""
    try:
        schema = payload_schema.optional(config.get("outbound_schema"))
    except ConnectorError as exc:
        return f"outbound schema unusable: {exc.render('en')}"
    violation = schema.violation(payload) if schema else None
    return None if violation is None else f"outbound schema: {violation}"


class ConnectorRuntime:
    """Sends outbound deliveries and runs MQTT links for every tenant."""

    def __init__(self, db: Database, clock: Clock, box: SecretBox, *,
                 backoff: Backoff | None = None, rng: random.Random | None = None,
                 poll_seconds: float = 0.2, refresh_seconds: float = 10.0,
                 resolver: egress.Resolver = egress.SYSTEM_RESOLVER) -> None:
        self.db, self.clock, self.box = db, clock, box
        #: Every outbound name is resolved once, through this, and the checked address pinned.
        self.resolver = resolver
        self.backoff = backoff or Backoff()
        self.rng = rng or random.Random()
        self.poll_seconds, self.refresh_seconds = poll_seconds, refresh_seconds
        self.links: dict[int, MqttLink] = {}
        #: What each running link was started from; a changed connector restarts its link.
        self._link_versions: dict[int, tuple[Any, ...]] = {}
        #: Signature timestamps are read by receivers with real clocks: always wall time,
        #: while due times and the log follow ``clock`` (virtual in tests).
        self.wall = SystemClock()
        self._http = httpx.Client(follow_redirects=False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- outbound deliveries ------------------------------------------------------------

    def deliver_due(self, limit: int = 100) -> Counter[str]:
        """Send every delivery due now once; returns the new statuses counted."""
        counts: Counter[str] = Counter()
        for due in self._take_due(limit):
            with self.db.read(due.tenant_id) as session:
                connector = session.get(Connector, due.connector_id)
                assert connector is not None  # rows are soft-deleted, never removed
                kind, config = connector.kind, dict(connector.config)
                max_attempts = connector.max_attempts
                sealed = connector.secret_encrypted
                deleted = connector.deleted_at is not None
                destination: egress.Destination | None = None
                refused: str | None = "the connector was deleted" if deleted else None
                try:
                    if kind != "mqtt" and not deleted:
                        destination = egress.check(session, due.target, self.resolver)
                except EgressRefused as exc:
                    refused = exc.render("en")
            secret = self.box.open(sealed) if sealed else None
            started = time.perf_counter()
            if refused is None:
                refused = _outbound_violation(config, due.payload)
            if refused is not None:
                sent = _Sent(is_delivered=False, error=refused, is_final=True)
            else:
                sent = self._send(kind, config, secret, due, destination)
            elapsed = int((time.perf_counter() - started) * 1000)
            now = tenant_now(self.clock, due.tenant_id)
            with self.db.write(due.tenant_id) as session:
                status = deliveries.record(
                    session, due, is_delivered=sent.is_delivered, status_code=sent.status_code,
                    error=sent.error, duration_ms=elapsed, max_attempts=max_attempts, now=now,
                    backoff=self.backoff, rng=self.rng, is_final=sent.is_final)
                if sent.is_delivered and kind == "http" and config.get("response_mapping"):
                    self._response_event(session, due, config, sent)
            counts[status] += 1
        return counts

    def _take_due(self, limit: int) -> list[Due]:
        """Due deliveries, each tenant's on its own clock: a sandbox tenant whose clock ran
        ahead sends what is due in its time, not days later in the product's."""
        offsets = getattr(self.clock, "offsets", None)
        ahead = sorted(offsets()) if offsets is not None else []
        taken = deliveries.take_due(self.db, self.clock.now(), limit, skip=ahead)
        for tenant_id in ahead:
            taken += deliveries.take_due(self.db, tenant_now(self.clock, tenant_id), limit,
                                         tenant_id=tenant_id)
        return taken

    def _send(self, kind: str, config: dict[str, Any], secret: str | None, due: Due,
              destination: egress.Destination | None) -> _Sent:
        if kind == "mqtt":
            return self._publish(due)
        assert destination is not None  # checked by deliver_due for every non-MQTT send
        body = json.dumps(due.payload, ensure_ascii=False).encode()
        timeout = float(config.get("timeout_seconds", 10))
        headers = {"content-type": "application/json", "user-agent": "jxcflow-connectors"}
        method = "POST"
        if kind == "webhook_out" and secret:
            headers.update(signing.headers(secret, due.delivery_id, self.wall.now(), body))
        elif kind == "http":
            method = str(config.get("method", "POST")).upper()
            for name, template in config.get("headers", {}).items():
                headers[name] = template.replace("{secret}", secret or "")
            headers["idempotency-key"] = due.delivery_id
        # Pinned: connect to the address egress.check approved, never resolve again; the
        # name still goes in the Host header and the TLS server name (certificate check).
        headers["host"] = destination.host_header(due.target)
        extensions = {"sni_hostname": destination.host} if due.target.startswith(
            "https://") else {}
        try:
            response = self._http.request(method, destination.pinned_url(due.target),
                                          headers=headers, timeout=timeout,
                                          content=None if method == "GET" else body,
                                          extensions=extensions)
        except httpx.HTTPError as exc:
            return _Sent(is_delivered=False, error=f"{type(exc).__name__}: {exc}")
        ok = 200 <= response.status_code < 300
        parsed: Any = None
        if ok and response.content:
            try:
                parsed = response.json()
            except ValueError:
                parsed = response.text
        return _Sent(is_delivered=ok, status_code=response.status_code, body=parsed,
                     error=None if ok else f"HTTP {response.status_code}")

    def _response_event(self, session: Any, due: Due, config: dict[str, Any],
                        sent: _Sent) -> None:
        """An HTTP call's answer, mapped into an event the rest of the rules react to."""
        mapped = InboundMap(config["response_mapping"]).apply(
            {"status": sent.status_code, "body": sent.body, "request": due.payload},
            due.delivery_id)
        commit_event(session, due.tenant_id, due.connector_id, mapped,
                     f"response:{due.delivery_id}", tenant_now(self.clock, due.tenant_id))

    def _publish(self, due: Due) -> _Sent:
        link = self.links.get(due.connector_id)
        if link is None:
            return _Sent(is_delivered=False, error="the MQTT link is not running yet")
        try:
            link.publish(due.target, json.dumps(due.payload, ensure_ascii=False).encode())
        except (ConnectionError, ValueError, RuntimeError) as exc:
            return _Sent(is_delivered=False, error=str(exc))
        return _Sent(is_delivered=True)

    # --- MQTT links ---------------------------------------------------------------------

    def sync_mqtt(self) -> None:
        """Start a link for each enabled MQTT connector, stop links of removed ones."""
        with self.db.read(None) as session:
            rows = session.execute(
                select(Connector, Tenant.code).join(Tenant, Tenant.id == Connector.tenant_id)
                .where(Connector.kind == "mqtt", Connector.is_enabled.is_(True))).all()
            wanted = {c.id: (c, code) for c, code in rows}
            for connector_id, (connector, code) in wanted.items():
                version = (connector.name, connector.endpoint, repr(connector.config),
                           connector.secret_encrypted)
                if self._link_versions.get(connector_id) == version:
                    continue
                if connector_id in self.links:  # the connector changed: start it afresh
                    self.links.pop(connector_id).stop()
                with self.db.read(connector.tenant_id) as scoped:
                    try:
                        destination = egress.check(scoped, connector.endpoint or "",
                                                   self.resolver)
                    except ConnectorError as exc:
                        log.warning("MQTT connector %s not started: %s", connector_id,
                                    exc.render("en"))
                        continue
                spec = LinkSpec(
                    tenant_id=connector.tenant_id, tenant_code=code, connector_id=connector_id,
                    public_id=connector.public_id, endpoint=connector.endpoint or "",
                    config=dict(connector.config), address=destination.address,
                    password=self.box.open(connector.secret_encrypted)
                    if connector.secret_encrypted else None)
                link = MqttLink(self.db, self.clock, spec)
                link.start()
                self.links[connector_id] = link
                self._link_versions[connector_id] = version
        for connector_id in set(self.links) - set(wanted):
            self.links.pop(connector_id).stop()
            self._link_versions.pop(connector_id, None)

    # --- lifecycle ----------------------------------------------------------------------

    def install(self) -> None:
        """Register the outbound port, so rules' connector actions become deliveries."""
        outbound.register(ConnectorPort())
        outbound.register_catalogue(ConnectorNames())

    def serve_forever(self) -> None:
        """Send due deliveries and refresh MQTT links until :meth:`stop`."""
        next_refresh = 0.0
        while not self._stop.is_set():
            busy = False
            try:
                if time.monotonic() >= next_refresh:
                    self.sync_mqtt()
                    next_refresh = time.monotonic() + self.refresh_seconds
                busy = bool(sum(self.deliver_due().values()))
            except Exception:
                log.exception("connectors round failed; retrying at the next tick")
            if not busy:
                self._stop.wait(self.poll_seconds)

    def start(self) -> None:
        """Install the port and run in a daemon thread."""
        self.install()
        self._stop.clear()
        self._thread = threading.Thread(target=self.serve_forever, name="jxcflow-connectors",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread, the MQTT links and the HTTP client; unregister the port."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        for link in self.links.values():
            link.stop()
        self.links.clear()
        self._link_versions.clear()
        outbound.register(None)
        self._http.close()


__all__ = ["ConnectorRuntime"]
