"""Connectors: inbound webhooks/s and MQTT messages/s to committed events, beside raw limits.

Run from the repository root::

    .venv/bin/python -m bench.bench_connectors [--backends sqlite,postgresql]
        [--webhooks 2000] [--concurrency 4] [--messages 5000] [--json var/bench/connectors.json]

**Webhooks.** The app (``studio.app.create_app``, uvicorn, h11) serves in a thread of this
process on a fresh, migrated database. A client in ANOTHER process (``python -m
bench.bench_connectors client``) sends ``--webhooks`` requests over ``--concurrency``
keep-alive connections, each signed with the ``standardwebhooks`` reference library. Our
answer comes after the event committed (the verify → map → claim webhook-id → outbox
insert transaction), so requests/s = committed events/s; the run checks the count in the
database. The raw limit is the same client, the same signed requests, against a bare ASGI
endpoint on the same uvicorn that answers 204 and does nothing else.

**MQTT.** A Mosquitto of the bench's own (free port, temp dir). Raw limit: ``mosquitto_pub
-q 1 -l`` with ``--messages`` lines → ``mosquitto_sub -q 1 -C N``, timed from the publisher's
start to the subscriber's exit. Ours: the same publisher → our MQTT link (paho, QoS 1,
manual PUBACK after commit) → one committed outbox event per message, timed from the
publisher's start until the database holds all N events.

Ratios are ours ÷ raw. Results also go to ``--json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DEFAULT_JSON = Path("var/bench/connectors.json")
MAPPING = {"event_type": "supplier.asn_received", "key": "body.asn_no",
           "fields": {"asn.no": "body.asn_no", "asn.lines": "body.items"}}
TEMPERATURE = {"event_type": "freezer.temperature_reported", "key": "levels[3]",
               "fields": {"freezer.id": "levels[3]", "freezer.temperature": "body.t"}}


# --- the client process -------------------------------------------------------------------

def client(url: str, secret: str, n: int, concurrency: int) -> dict[str, float]:
    """Send ``n`` signed webhooks over ``concurrency`` connections; returns counts and time."""
    import httpx
    from standardwebhooks.webhooks import Webhook

    signer = Webhook(secret)
    bodies = [json.dumps({"asn_no": f"ASN-{i}", "items": [{"sku": "TEA-1", "qty": 5}]})
              for i in range(n)]
    ok = [0] * concurrency

    def run(worker: int) -> None:
        with httpx.Client(timeout=60) as http:
            for i in range(worker, n, concurrency):
                now = datetime.now(UTC)
                message_id = f"msg_{uuid.uuid4().hex}"
                headers = {"webhook-id": message_id, "content-type": "application/json",
                           "webhook-timestamp": str(int(now.timestamp())),
                           "webhook-signature": signer.sign(message_id, now, bodies[i])}
                response = http.post(url, content=bodies[i], headers=headers)
                ok[worker] += 200 <= response.status_code < 300

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(run, range(concurrency)))
    return {"ok": sum(ok), "seconds": time.perf_counter() - started}


def run_client(url: str, secret: str, n: int, concurrency: int) -> dict[str, float]:
    """The client in a process of its own."""
    out = subprocess.run([sys.executable, "-m", "bench.bench_connectors", "client", "--url", url,
                          "--secret", secret, "--n", str(n), "--concurrency", str(concurrency)],
                         capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --- servers --------------------------------------------------------------------------------

class Served:
    """An ASGI app on uvicorn in a daemon thread, on a socket bound before it starts."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        # proto=IPPROTO_TCP, as uvicorn's own sockets (getaddrinfo) have: asyncio sets
        # TCP_NODELAY only on accepted sockets whose proto says TCP. A plain socket.socket()
        # (proto 0) left Nagle on, and every response written in two parts (headers, then
        # body) waited ~40 ms for the client's delayed ACK — the 204 raw limit, one part,
        # did not — which made the ratio 0.05× (see bench/README.md).
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(512)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(
            app, http="h11", ws="none", loop="asyncio", lifespan="on", log_level="warning",
            access_log=False))
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.socket]}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop the server."""
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.socket.close()


async def no_content(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The raw limit: read the body, answer 204, nothing else."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def _database(backend: str, directory: Path) -> tuple[Any, str]:
    from kernel.db import Database, make_engine
    from kernel.settings import Settings
    from migrations.runner import upgrade

    if backend == "sqlite":
        url = f"sqlite:///{directory / 'bench.db'}"
    else:
        from tests.conftest import create_pg_database

        url = create_pg_database("jxcflow_bench_connectors")
    upgrade(url)
    return Database(make_engine(url, Settings(pool_size=20))), url


def _tenant(db: Any, box: Any, broker_url: str | None) -> tuple[int, str, str, str]:
    from connectors import definitions
    from kernel import accounts

    now = datetime.now(UTC)
    code = f"bench{uuid.uuid4().hex[:6]}"
    with db.write(None) as s:
        tenant_id = accounts.create_tenant(s, code, "压测商贸", now).id
    with db.write(tenant_id) as s:
        row, secret = definitions.create(s, tenant_id, box, definitions.NewConnector(
            name="asn", kind="webhook_in", config={"mapping": MAPPING}), now)
        public_id = row.public_id
        if broker_url:
            definitions.set_allowed_hosts(s, tenant_id, [("127.0.0.1", True)], now)
            definitions.create(s, tenant_id, box, definitions.NewConnector(
                name="plant", kind="mqtt", endpoint=broker_url, config={
                    # Throughput is measured here: no per-device limit in the way.
                    "rate_limit": {"per_second": 10000, "burst": 100000},
                    "subscriptions": [
                    {"topic": "jxc/{tenant}/freezer/+/temperature", "mapping": TEMPERATURE}]}),
                now)
    assert secret is not None
    return tenant_id, code, public_id, secret


def _events(db: Any, tenant_id: int, event_type: str) -> int:
    from sqlalchemy import func, select

    from kernel.models import OutboxEvent

    with db.read(None) as s:
        return int(s.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.tenant_id == tenant_id, OutboxEvent.type == event_type)) or 0)


# --- MQTT ------------------------------------------------------------------------------------

def _broker(directory: Path) -> tuple[subprocess.Popen[bytes], int]:
    import getpass

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = directory / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                      "max_queued_messages 1000000\nmax_inflight_messages 100\n"
                      f"log_dest none\nuser {getpass.getuser()}\n")
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    process = subprocess.Popen([binary, "-c", str(config)])
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("mosquitto did not start")


def _lines(n: int) -> str:
    return "".join(f'{{"t": -18.5, "seq": {i}}}\n' for i in range(n))


def mqtt_raw(port: int, n: int) -> float:
    """Seconds for mosquitto_pub → mosquitto_sub of ``n`` QoS 1 messages."""
    # stdbuf: line-buffered, so its debug line "received SUBACK" reaches us when written.
    sub = subprocess.Popen(["stdbuf", "-oL", "mosquitto_sub", "-p", str(port), "-q", "1",
                            "-t", "raw/#", "-C", str(n), "-d"], stdout=subprocess.PIPE, text=True)
    assert sub.stdout is not None
    for line in sub.stdout:  # wait for SUBACK before publishing
        if "SUBACK" in line:
            break
    started = time.perf_counter()
    subprocess.run(["mosquitto_pub", "-p", str(port), "-q", "1", "-t", "raw/f1", "-l"],
                   input=_lines(n), text=True, check=True)
    for _ in sub.stdout:
        pass
    sub.wait()
    sub.stdout.close()
    return time.perf_counter() - started


def mqtt_ours(db: Any, tenant_id: int, code: str, port: int, n: int, link: Any) -> float:
    """Seconds for mosquitto_pub → our link → ``n`` committed events."""
    before = _events(db, tenant_id, "freezer.temperature_reported")
    started = time.perf_counter()
    subprocess.run(["mosquitto_pub", "-p", str(port), "-q", "1", "-t",
                    f"jxc/{code}/freezer/F1/temperature", "-l"],
                   input=_lines(n), text=True, check=True)
    while _events(db, tenant_id, "freezer.temperature_reported") < before + n:
        time.sleep(0.01)
    return time.perf_counter() - started


# --- the run ---------------------------------------------------------------------------------

def bench_backend(backend: str, webhooks: int, concurrency: int, messages: int) -> dict[str, Any]:
    """One backend: webhooks and MQTT, each beside its raw limit."""
    from connectors import ConnectorRuntime, SecretBox
    from kernel.clock import SystemClock
    from kernel.settings import Settings
    from studio.app import create_app

    box_key = uuid.uuid4().hex
    box = SecretBox(box_key)
    directory = Path(tempfile.mkdtemp(prefix="bench-connectors-"))
    broker, port = _broker(directory)
    db, url = _database(backend, directory)
    try:
        tenant_id, code, public_id, secret = _tenant(db, box, f"mqtt://127.0.0.1:{port}")
        settings = Settings(database_url=url, secret_key=box_key)  # type: ignore[arg-type]
        ours = Served(create_app(db=db, clock=SystemClock(), settings=settings))
        raw = Served(no_content)
        hook = f"{ours.url}/api/v1/hooks/{public_id}"
        run_client(hook, secret, min(200, webhooks), concurrency)  # warm-up, both paths
        run_client(raw.url, secret, min(200, webhooks), concurrency)
        base = _events(db, tenant_id, "supplier.asn_received")
        ours_result = run_client(hook, secret, webhooks, concurrency)
        raw_result = run_client(raw.url, secret, webhooks, concurrency)
        committed = _events(db, tenant_id, "supplier.asn_received") - base
        assert committed == ours_result["ok"] == webhooks, (committed, ours_result)
        ours.close()
        raw.close()

        runtime = ConnectorRuntime(db, SystemClock(), box)
        runtime.sync_mqtt()
        (link,) = runtime.links.values()
        link.subscribed.wait(10)
        raw_s = mqtt_raw(port, messages)
        ours_s = mqtt_ours(db, tenant_id, code, port, messages, link)
        runtime.stop()
        hooks_ours = webhooks / ours_result["seconds"]
        hooks_raw = webhooks / raw_result["seconds"]
        return {"backend": backend,
                "webhooks": {"n": webhooks, "concurrency": concurrency,
                             "ours_per_s": hooks_ours, "raw_204_per_s": hooks_raw,
                             "ratio": hooks_ours / hooks_raw},
                "mqtt": {"n": messages, "ours_per_s": messages / ours_s,
                         "raw_pub_sub_per_s": messages / raw_s, "ratio": raw_s / ours_s}}
    finally:
        broker.terminate()
        broker.wait()
        db.dispose()
        if backend == "postgresql":
            from tests.conftest import drop_pg_database

            drop_pg_database(url)
        shutil.rmtree(directory, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with ``client``, be the client process)."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_connectors")
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "client"])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--webhooks", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--json", default=str(DEFAULT_JSON))
    parser.add_argument("--url", default="")
    parser.add_argument("--secret", default="")
    parser.add_argument("--n", type=int, default=0)
    args = parser.parse_args(argv)
    if args.mode == "client":
        print(json.dumps(client(args.url, args.secret, args.n, args.concurrency)))
        return 0
    results = [bench_backend(b, args.webhooks, args.concurrency, args.messages)
               for b in args.backends.split(",") if b]
    print("| backend | webhooks/s ours | 204-only/s | ratio | MQTT msgs/s ours "
          "| pub→sub msgs/s | ratio |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        w, m = r["webhooks"], r["mqtt"]
        print(f"| {r['backend']} | {w['ours_per_s']:,.0f} | {w['raw_204_per_s']:,.0f} | "
              f"{w['ratio']:.2f}× | {m['ours_per_s']:,.0f} | {m['raw_pub_sub_per_s']:,.0f} | "
              f"{m['ratio']:.2f}× |")
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
