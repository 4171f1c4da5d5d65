"""Recording what the data-health self-assessment measures, on real requests.

An ASGI middleware times the stock query routes (``GET /api/v1/stock``, ``GET
/api/v1/stock/lots/{sku}``) from the request's first byte to the response's last, and
notes every API request refused with a problem (400, 409, 413, 422: intercepted) or
answered with a server error (5xx: escaped). It only appends to an in-memory buffer: the
database write happens in batches, in a worker thread, after the response has been sent,
so no request waits for it and no request's transaction contains it.

Bounded: the buffer holds at most ``max_buffer`` entries (the oldest are dropped and
counted), at most :data:`inventory.health.SAMPLES_PER_MINUTE` latency samples per tenant,
route and minute are kept, and rows older than ``retention`` are pruned once an hour.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inventory.health import SAMPLES_PER_MINUTE, LatencySample, OutcomeRecord, prune, store
from kernel import accounts
from kernel.db import Database
from kernel.errors import NotAuthenticated
from kernel.tenant_clock import TenantClocks

log = logging.getLogger("jxcflow.health")

#: The scope key where the principal dependency leaves the caller's tenant.
TENANT_KEY = "jxcflow.tenant_id"
API_PREFIX = "/api/v1"
#: Stock query routes whose latency is sampled.
STOCK_QUERY_ROUTES = frozenset({"/api/v1/stock", "/api/v1/stock/lots/{sku}"})
#: Statuses of a refused abnormal input (401/403/404 are access and routing, not input).
REFUSED_STATUSES = frozenset({400, 409, 413, 422})
_PROBLEM_BODY_LIMIT = 16_384


@dataclass(frozen=True, slots=True)
class _Pending:
    tenant_id: int | None
    token: str | None  # set when the request was refused before a route knew its tenant
    sample: LatencySample | None
    outcome: OutcomeRecord | None


class HealthRecorder:
    """Buffers latency samples and input outcomes; :meth:`flush` writes them in batches."""

    def __init__(self, db: Database, clocks: TenantClocks, *, flush_seconds: float = 2.0,
                 max_buffer: int = 10_000, retention: timedelta = timedelta(days=35),
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        self.clocks = clocks
        self.flush_seconds = flush_seconds
        self.retention = retention
        self.dropped = 0
        self._monotonic = monotonic
        self._buffer: deque[_Pending] = deque(maxlen=max_buffer)
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._flushed_at = monotonic()
        self._pruned_at: float | None = None
        self._minute: int | None = None
        self._per_minute: dict[tuple[int, str], int] = {}

    def sample(self, tenant_id: int, route: str, status: int, duration_us: int) -> None:
        """Keep one stock query's latency (unless this minute's quota is full)."""
        now = self.clocks.now_for(tenant_id)
        # The quota's minute is the product clock's, so sandbox tenants running ahead do not
        # reset everyone's count.
        minute = int(self.clocks.now().timestamp()) // 60
        with self._lock:
            if minute != self._minute:
                self._minute, self._per_minute = minute, {}
            seen = self._per_minute.get((tenant_id, route), 0)
            if seen >= SAMPLES_PER_MINUTE:
                return
            self._per_minute[(tenant_id, route)] = seen + 1
            self._append(_Pending(tenant_id, None, LatencySample(
                route=route, status=status, duration_us=duration_us, measured_at=now), None))

    def outcome(self, tenant_id: int | None, token: str | None, outcome: str, code: str,
                status: int, route: str) -> None:
        """Keep one refused or escaped input (its tenant, or the token to find it by)."""
        if tenant_id is None and token is None:
            return  # nobody to attribute it to: an anonymous request
        now = self.clocks.now() if tenant_id is None else self.clocks.now_for(tenant_id)
        record = OutcomeRecord(outcome=outcome, code=code, status=status, route=route,
                               occurred_at=now)
        with self._lock:
            self._append(_Pending(tenant_id, token, None, record))

    def _append(self, pending: _Pending) -> None:
        if len(self._buffer) == self._buffer.maxlen:
            self.dropped += 1
        self._buffer.append(pending)

    def is_due(self) -> bool:
        """True when there is something to write and the last flush is old enough."""
        return bool(self._buffer) and (
            self._monotonic() - self._flushed_at >= self.flush_seconds)

    def flush(self) -> int:
        """Write everything buffered, one transaction per tenant; returns rows written."""
        with self._flush_lock:
            with self._lock:
                batch = list(self._buffer)
                self._buffer.clear()
                self._flushed_at = self._monotonic()
            by_tenant: dict[int, tuple[list[LatencySample], list[OutcomeRecord]]] = {}
            for pending in batch:
                tenant_id = pending.tenant_id or self._tenant_of(pending.token)
                if tenant_id is None:
                    continue
                samples, outcomes = by_tenant.setdefault(tenant_id, ([], []))
                if pending.sample:
                    samples.append(pending.sample)
                if pending.outcome:
                    outcomes.append(pending.outcome)
            prune_now = (self._pruned_at is None
                         or self._monotonic() - self._pruned_at >= 3600)
            for tenant_id, (samples, outcomes) in by_tenant.items():
                self._write(tenant_id, samples, outcomes, prune_now)
            if prune_now:
                self._pruned_at = self._monotonic()
            return sum(len(s) + len(o) for s, o in by_tenant.values())

    def _write(self, tenant_id: int, samples: list[LatencySample],
               outcomes: list[OutcomeRecord], prune_now: bool) -> None:
        now = self.clocks.now_for(tenant_id)
        try:
            with self.db.write(tenant_id) as session:
                store(session, tenant_id, samples, outcomes)
                if prune_now:
                    prune(session, now - self.retention)
        except Exception:  # a lost measurement must never break the product
            log.exception("health samples of tenant %s not recorded", tenant_id)

    def _tenant_of(self, token: str | None) -> int | None:
        if not token:
            return None
        try:
            with self.db.read(None) as session:
                return accounts.resolve_token(session, token, self.clocks.now()).tenant_id
        except NotAuthenticated:
            return None


class HealthRecorderMiddleware:
    """Times stock queries and notes refused or escaped API requests (see module doc)."""

    def __init__(self, app: ASGIApp, recorder: Callable[[], HealthRecorder | None]) -> None:
        self.app = app
        self.recorder = recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        recorder = self.recorder()
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if recorder is None or not path.startswith("/api/"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen: dict[str, Any] = {"status": 0, "body": b"", "type": b""}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                seen["type"] = dict(message.get("headers", ())).get(b"content-type", b"")
            elif (message["type"] == "http.response.body" and _is_noted(seen["status"])
                  and len(seen["body"]) < _PROBLEM_BODY_LIMIT):
                seen["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            duration_us = int((time.perf_counter() - started) * 1_000_000)
            _note(recorder, scope, seen, duration_us)
        if recorder.is_due():
            await anyio.to_thread.run_sync(recorder.flush)


def _is_noted(status: int) -> bool:
    return status in REFUSED_STATUSES or status >= 500


def _note(recorder: HealthRecorder, scope: Scope, seen: dict[str, Any], duration_us: int) -> None:
    # No answer at all: the error went up to the server-error middleware, which says 500.
    status = int(seen["status"]) or 500
    tenant_id = scope.get(TENANT_KEY)
    route = _route_of(scope)
    if (tenant_id is not None and scope.get("method") == "GET" and route in STOCK_QUERY_ROUTES
            and status < 500):
        recorder.sample(tenant_id, route, status, duration_us)
    if not _is_noted(status):
        return
    code = "internal" if not seen["status"] else (
        _problem_code(seen["body"]) if seen["type"].startswith(b"application/problem") else "")
    recorder.outcome(tenant_id, None if tenant_id is not None else _bearer(scope),
                     "escaped" if status >= 500 else "refused", code or f"http.{status}",
                     status, route)


def _route_of(scope: Scope) -> str:
    """The matched route's template under the API prefix (the raw path if none matched)."""
    template = getattr(scope.get("route"), "path", None)
    if not isinstance(template, str):
        return str(scope.get("path", ""))
    return template if template.startswith(API_PREFIX) else API_PREFIX + template


def _problem_code(body: bytes) -> str:
    try:
        found = json.loads(body).get("code")
    except (ValueError, AttributeError):
        return ""
    return found if isinstance(found, str) else ""


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return (token.strip() or None) if scheme.lower() == "bearer" else None
    return None
