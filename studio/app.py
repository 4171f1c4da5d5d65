"""The FastAPI application: JSON API under /api/v1 and the pages under /."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from connectors import ConnectorNames, ConnectorRuntime, SecretBox, SubscribingHandler
from dsl.errors import DslError
from engine import Worker
from engine.executors import outbound
from engine.guards import GuardRunner
from engine.periodic import periodic_jobs
from engine.rule_handler import RuleHandler
from inventory import StockService
from kernel.clock import Clock, SystemClock
from kernel.db import Database, make_engine
from kernel.errors import DomainError
from kernel.settings import Settings, get_settings
from kernel.tenant_clock import TenantClocks
from studio import pages, problems, web
from studio.guards import InputGuard
from studio.health_recorder import HealthRecorder, HealthRecorderMiddleware
from studio.openapi import openapi_with_problems
from studio.routes import api_router
from templates_marketplace.module_guards import ModuleGuards


def create_app(db: Database | None = None, clock: Clock | None = None,
               settings: Settings | None = None, run_worker: bool = False) -> FastAPI:
    """Build the app; tests pass their own database and clock."""
    settings = settings or get_settings()
    database = db or Database(make_engine(settings.database_url, settings))
    # Each tenant's time: the product's clock, a sandbox tenant's running ahead of it.
    the_clock = TenantClocks(clock or SystemClock(), database)
    # The one list of periodic work, with the settings' intervals: the embedded worker and
    # sandbox clock advances read it.
    jobs = periodic_jobs(sweep_seconds=settings.sweep_interval_seconds,
                         rebalance_seconds=settings.pool_rebalance_interval_seconds)
    # The embedded worker runs the tenants' production rules on each tenant's time.
    worker = Worker(database, the_clock, settings.sweep_interval_seconds,
                    handler=RuleHandler(),
                    rebalance_interval=settings.pool_rebalance_interval_seconds) \
        if run_worker else None
    box = SecretBox(settings.secret_key.get_secret_value())
    # The checker knows the tenants' connector names (and that connector actions are
    # applied here), whether or not this process also sends the deliveries.
    outbound.register_catalogue(ConnectorNames())
    # Embedded mode: the connectors (deliveries, MQTT links) run beside the in-process worker.
    runtime = ConnectorRuntime(database, the_clock, box) if run_worker else None
    if worker:
        worker.handler = SubscribingHandler(worker.handler)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if worker and runtime:
            runtime.start()
            worker.start()
        yield
        if worker and runtime:
            worker.stop()
            runtime.stop()
        recorder = getattr(_app.state, "health_recorder", None)
        if recorder is not None:
            recorder.flush()  # what was measured since the last batch

    app = FastAPI(
        title="jxcflow", version="0.1.0", lifespan=lifespan,
        description="进销存 rule and flow platform — JSON API. Errors are "
                    "application/problem+json with zh-CN and English messages.",
    )
    app.state.db = database
    app.state.settings = settings
    app.state.clock = the_clock
    app.state.periodic_jobs = jobs
    app.state.secret_box = box
    #: Guard rules, one compiled-plan cache for stock commands and documents alike, behind
    #: the checks of the product modules a tenant's packs switched on (lots: #11).
    app.state.guard = ModuleGuards(GuardRunner())
    app.state.stock = StockService(database, the_clock, guard=app.state.guard)
    problems.install(app, _error_roots())
    app.add_middleware(InputGuard)
    # Outside the InputGuard, so that its refusals are noted as intercepted input too.
    app.state.health_recorder = HealthRecorder(database, the_clock)
    app.add_middleware(HealthRecorderMiddleware,
                       recorder=lambda: getattr(app.state, "health_recorder", None))
    app.openapi = lambda: openapi_with_problems(app)  # type: ignore[method-assign]
    app.include_router(api_router)
    app.include_router(pages.router)
    web.install(app, settings)
    return app


def _error_roots() -> tuple[type[Exception], ...]:
    """The root error types of every layer that renders as a problem."""
    return (DomainError, DslError)
