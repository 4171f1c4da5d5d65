"""Fixtures of the connector tests: a database of their own, a runtime, real peers.

The worker and the delivery runtime here work on every tenant of their database, so these
tests get a fresh database per module (both backends), as the engine runtime tests do.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from connectors import ConnectorRuntime, SecretBox, definitions
from connectors.deliveries import Backoff
from kernel.db import Database, make_engine
from migrations.runner import upgrade
from tests.conftest import BACKENDS, TEST_SETTINGS, create_pg_database, drop_pg_database

RECEIVER = Path(__file__).with_name("receiver.py")
BOX = SecretBox("connector-tests-key")


@pytest.fixture(scope="module", params=BACKENDS)
def database(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A freshly migrated database of this module, once per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('connectors') / 'jxcflow.db'}"
    else:
        url = create_pg_database("jxcflow_connectors")
    upgrade(url)
    db = Database(make_engine(url, TEST_SETTINGS))
    yield db
    db.dispose()
    if request.param == "postgresql":
        drop_pg_database(url)


@pytest.fixture
def runtime(world: Any) -> Iterator[ConnectorRuntime]:
    """The connectors runtime on the test's database and virtual clock (not threaded)."""
    import random

    rt = ConnectorRuntime(world.db, world.clock, BOX, backoff=Backoff(base_seconds=10),
                          rng=random.Random(7))
    rt.install()
    yield rt
    rt.stop()


def add_connector(world: Any, **fields: Any) -> tuple[Any, str | None]:
    """Create a connector for the world's tenant; returns (its public dict, its secret)."""
    with world.db.write(world.tenant_id) as s:
        row, secret = definitions.create(s, world.tenant_id, BOX,
                                         definitions.NewConnector(**fields), world.clock.now())
        return definitions.public(row), secret


def allow(world: Any, *hosts: tuple[str, bool]) -> None:
    """Set the world's outbound allow-list."""
    with world.db.write(world.tenant_id) as s:
        definitions.set_allowed_hosts(s, world.tenant_id, list(hosts), world.clock.now())


@dataclass
class Receiver:
    """A receiving HTTP server in another process."""

    process: subprocess.Popen[str]
    port: int
    log: Path

    @property
    def url(self) -> str:
        """Where to send."""
        return f"http://127.0.0.1:{self.port}/hooks/jxc"

    def requests(self) -> list[dict[str, Any]]:
        """What it received so far, in order."""
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Callable[..., Receiver]]:
    """Start receivers (``receiver(secret, fail_first=3)``); all are stopped afterwards."""
    started: list[Receiver] = []

    def start(secret: str = "", fail_first: int = 0, plain: bool = False) -> Receiver:
        log = tmp_path / f"receiver-{len(started)}.jsonl"
        argv = [sys.executable, str(RECEIVER), "--secret", secret, "--fail-first",
                str(fail_first), "--log", str(log)] + (["--plain"] if plain else [])
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        port = int(process.stdout.readline())
        found = Receiver(process=process, port=port, log=log)
        started.append(found)
        return found

    yield start
    for r in started:
        r.process.terminate()
        r.process.wait(timeout=10)
        if r.process.stdout is not None:
            r.process.stdout.close()


SCRIPTS = Path(__file__).parents[3] / "scripts"


@pytest.fixture(scope="session")
def mosquitto_installed() -> str:
    """Mosquitto and its clients are installed (and the machine's broker runs on 1883)."""
    subprocess.run([str(SCRIPTS / "ensure-mosquitto.sh")], check=True)
    import shutil

    found = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    assert Path(found).exists(), "mosquitto is not installed"
    return found


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Broker:
    """A Mosquitto of the test's own (free port, temp config and persistence directory), so
    restarting it disturbs nothing else on the machine."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary, self.port = binary, free_port()
        import getpass

        self.config = directory / "mosquitto.conf"
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {directory}/\nmax_queued_messages 100000\n"
            "max_inflight_messages 100\nlog_dest none\n"
            # Run as root, Mosquitto would drop to the "mosquitto" user, who cannot write
            # its persistence file in pytest's private temp directory: stay who we are.
            f"user {getpass.getuser()}\n")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start and wait until the port answers."""
        import socket
        import time

        self.process = subprocess.Popen([self.binary, "-c", str(self.config)])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)  # waiting for another process to listen, not for our code
        raise RuntimeError("mosquitto did not start")

    def stop(self) -> None:
        """SIGTERM: Mosquitto saves its sessions and queued messages, then exits."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    @property
    def url(self) -> str:
        """The connector endpoint."""
        return f"mqtt://127.0.0.1:{self.port}"


@pytest.fixture
def broker(mosquitto_installed: str, tmp_path: Path) -> Iterator[Broker]:
    """A running Mosquitto of this test's own."""
    found = Broker(mosquitto_installed, tmp_path)
    found.start()
    yield found
    found.stop()


def wait_until(condition: Callable[[], Any], seconds: float = 20.0) -> Any:
    """Poll ``condition`` until it is truthy: for messages crossing real processes."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not reached within {seconds}s: {condition}")
