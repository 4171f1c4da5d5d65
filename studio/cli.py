"""The ``jxcflow`` command: migrate, serve, worker, demo, tenants, users, tokens, dsl, pack."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta
from pathlib import Path

import typer

from kernel import accounts
from kernel.clock import SystemClock
from kernel.db import Database, make_engine
from kernel.errors import DomainError
from kernel.settings import get_settings
from studio.cli_pack import pack_app

app = typer.Typer(help="jxcflow — 进销存 rule and flow platform", no_args_is_help=True)
tenant_app = typer.Typer(help="Tenants (companies).", no_args_is_help=True)
user_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for scanners and other systems.", no_args_is_help=True)
app.add_typer(tenant_app, name="tenant")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(pack_app, name="pack")
try:  # the rule language's own commands (check, fmt)
    from dsl.cli import app as dsl_app

    app.add_typer(dsl_app, name="dsl", help="Check and format rule files.")
except ImportError:  # pragma: no cover - only while dsl/ is being built
    pass


def _db() -> Database:
    return Database(make_engine(get_settings().database_url))


def _fail(exc: DomainError) -> None:
    typer.echo(f"error[{exc.code}]: {exc.render('zh-CN')} / {exc.render('en')}", err=True)
    raise typer.Exit(1)


@app.command()
def migrate() -> None:
    """Bring the database up to the newest schema (and the job queue on PostgreSQL)."""
    from migrations.runner import upgrade

    url = get_settings().database_url
    upgrade(url)
    if not url.startswith("sqlite"):
        # procrastinate's schema is applied by procrastinate's own schema manager, not by
        # Alembic; install() is idempotent and also adds the outbox → job trigger.
        from engine import queue_pg

        if queue_pg.install(url):
            typer.echo("job queue installed")
    typer.echo("database is at the newest schema")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000,
          worker: bool | None = typer.Option(
              None, help="Run the worker in-process; default: yes on SQLite (embedded mode), "
                         "no on PostgreSQL (run `jxcflow worker` processes).")
          ) -> None:
    """Serve the studio and the API."""
    if worker is None:
        worker = get_settings().database_url.startswith("sqlite")
    import uvicorn

    from studio.app import create_app

    logging.basicConfig(level=logging.INFO)
    uvicorn.run(create_app(run_worker=worker), host=host, port=port, log_level="info")


#: Test-only hook: ``module:attribute`` of an EventHandler for `jxcflow worker` to use
#: instead of the default (the exactly-once tests plug a stock-moving handler in here).
#: Production never sets it: the tenants' reaction rules (engine.rule_handler) are the handler.
TEST_HANDLER_ENV = "JXCFLOW_TEST_HANDLER"


@app.command("worker")
def run_worker(
    concurrency: int = typer.Option(4, min=1, max=64, help="Jobs at once (PostgreSQL)."),
    heartbeat: float = typer.Option(10.0, min=0.2, help="Seconds between heartbeats; a "
                                    "worker silent for 3 heartbeats has its jobs retried."),
) -> None:
    """Run a worker process: the outbox, durable timers and reservation sweeps.

    On PostgreSQL it takes events through the procrastinate job queue (run
    `jxcflow migrate` first); on SQLite it runs the embedded worker loop.
    """
    import os

    from connectors import ConnectorRuntime, SecretBox, SubscribingHandler
    from engine import Worker, queue_pg
    from engine.dispatch import EventHandler, RetryPolicy, load_handler
    from engine.rule_handler import RuleHandler

    logging.basicConfig(level=logging.INFO)
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    settings = get_settings()
    spec = os.environ.get(TEST_HANDLER_ENV)
    handler: EventHandler = load_handler(spec) if spec else RuleHandler()
    from kernel.tenant_clock import TenantClocks

    db, policy = _db(), RetryPolicy()
    clock = TenantClocks(SystemClock(), db)  # sandbox tenants' timers fire on their time
    # Connectors live in the worker process: outbound deliveries and the MQTT links.
    handler = SubscribingHandler(handler)
    runtime = ConnectorRuntime(db, clock, SecretBox(settings.secret_key.get_secret_value()))
    runtime.start()
    try:
        if settings.database_url.startswith("sqlite"):
            Worker(db, clock, settings.sweep_interval_seconds, handler=handler,
                   policy=policy,
                   rebalance_interval=settings.pool_rebalance_interval_seconds).serve_forever()
            return
        queue_pg.run(settings.database_url, db, handler, clock, policy,
                     concurrency=concurrency, heartbeat_seconds=heartbeat,
                     sweep_seconds=settings.sweep_interval_seconds,
                     rebalance_seconds=settings.pool_rebalance_interval_seconds)
    finally:
        runtime.stop()


@app.command()
def demo(reset: bool = typer.Option(False, help="Delete the SQLite demo database first.")) -> None:
    """Load the demo tenant 示例商贸 (once) and print the demo logins."""
    from migrations.runner import upgrade
    from studio import demo_data

    url = get_settings().database_url
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if reset:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    upgrade(url)
    db = _db()
    with db.read(None) as session:
        exists = True
        try:
            accounts.get_tenant(session, demo_data.TENANT_CODE)
        except DomainError:
            exists = False
    if exists:
        typer.echo(f"demo tenant '{demo_data.TENANT_CODE}' already loaded")
    else:
        summary = demo_data.load_demo(db, SystemClock().now())
        typer.echo(f"loaded {demo_data.TENANT_NAME}: {summary.items} SKUs, "
                   f"{summary.movements} stock-moving documents in the first week "
                   f"({summary.refused} refused as expected)")
        if summary.documents:
            d = summary.documents
            typer.echo(f"  and three weeks of documents: {d.sales_orders} sales orders, "
                       f"{d.purchase_orders} purchase orders, {d.invoices} supplier invoices, "
                       f"{d.rebalance_runs} channel pool rebalance runs, {d.transfers} transfers, "
                   f"{d.adjustments} adjustments, {d.stocktakes} stocktakes")
    typer.echo(f"\nDemo logins (tenant: {demo_data.TENANT_CODE}):")
    for username, role, password in demo_data.USERS:
        typer.echo(f"  {username:<10} {role:<10} password: {password}")


@tenant_app.command("create")
def tenant_create(code: str, name: str, sandbox: bool = typer.Option(
        False, "--sandbox", help="A sandbox tenant: tries rules on its own data and may move "
                                 "its own clock (POST /api/v1/sandbox/clock/advance).")) -> None:
    """Create a tenant (company)."""
    db = _db()
    try:
        with db.write(None) as session:
            tenant = accounts.create_tenant(session, code, name, SystemClock().now(),
                                            is_sandbox=sandbox)
            kind = "sandbox tenant" if sandbox else "tenant"
            typer.echo(f"{kind} {tenant.code} created (id {tenant.id})")
    except DomainError as exc:
        _fail(exc)


@user_app.command("create")
def user_create(
    tenant: str = typer.Option(..., help="Tenant code."),
    username: str = typer.Option(...),
    role: str = typer.Option(..., help="admin, author, reviewer, warehouse or viewer."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the password from standard input."),
) -> None:
    """Create a user; the password is read from standard input, never from arguments."""
    if not password_stdin:
        typer.echo("error: pass --password-stdin and pipe the password in", err=True)
        raise typer.Exit(2)
    password = sys.stdin.readline().rstrip("\n")
    db = _db()
    try:
        with db.write(None) as session:
            row = accounts.get_tenant(session, tenant)
            accounts.create_user(session, row, username, role, password, SystemClock().now())
        typer.echo(f"user {username} ({role}) created in {tenant}")
    except DomainError as exc:
        _fail(exc)


@token_app.command("create")
def token_create(
    tenant: str = typer.Option(..., help="Tenant code."),
    name: str = typer.Option(..., help="Who uses it, e.g. scanner-07."),
    scope: list[str] = typer.Option(..., help="stock:read, stock:write, …; repeat for several."),
    days: int = typer.Option(0, help="Days until it expires; 0 for never."),
) -> None:
    """Create an API token and print it once."""
    db = _db()
    now = SystemClock().now()
    try:
        with db.write(None) as session:
            row = accounts.get_tenant(session, tenant)
            token, _ = accounts.create_api_token(session, row.id, name, scope, now,
                                                 now + timedelta(days=days) if days else None)
        typer.echo(token)
    except DomainError as exc:
        _fail(exc)


def main() -> None:
    """Entry point of the console script."""
    app()
