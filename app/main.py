"""The FastAPI application: middleware, routers and error handlers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Scope

from app.api import health, metrics
from app.api.admission import AdmissionMiddleware
from app.api.console import mount_console
from app.api.errors import error_response, install_error_handlers
from app.api.hardening import docs_paths, install_hardening
from app.api.middleware import RequestContextMiddleware
from app.api.openapi import install_openapi, operation_id
from app.api.v1 import include_v1
from app.automation_runs import routes as automation_runs
from app.bootstrap import Runtime
from app.callbacks import routes as callbacks
from app.core.config import Settings, get_settings
from app.core.errors import Overloaded
from app.core.fleet_metrics import ProcessIdentity, Publisher
from app.event_types import routes as event_types
from app.http.paths import GRAPHQL_PATH
from app.reports import routes as reports
from app.sessions import routes as sessions
from app.webhooks import routes as webhooks
from schema.app import mount_graphql
from schema.errors import graphql_error_body

YOUNG_GENERATION_THRESHOLD = 10_000
# The API exports no OpenTelemetry: its metrics are Prometheus's, its logs JSON lines, and no
# OpenTelemetry SDK is installed. FastAPI's native telemetry would look up the three global
# providers on every request (~10 us of CPU) only to find none configured.
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await Runtime.start(settings)
        app.state.runtime = runtime
        publisher = Publisher(
            runtime.redis,
            ProcessIdentity.of_this_process("api"),
            settings.metrics_publish_seconds,
        )
        publisher.start()
        # What is loaded by now lives as long as the process. Frozen, the collector's full
        # passes no longer walk it: each one walked ~170,000 objects, stopping every request
        # for ~100 ms about once per thousand requests.
        gc.freeze()
        # A page of reports decodes into a few hundred dicts and lists, which reference
        # counting frees with the response. At the default threshold (700 more allocations
        # than frees) the young generation was collected every request or two, walking the
        # pages still in flight and promoting them, and the older generations followed: ~5 %
        # of a list request's CPU. 10,000 lets requests free their own objects first.
        thresholds = gc.get_threshold()
        gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *thresholds[1:])
        try:
            yield
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
            await publisher.stop()
            await runtime.close()

    app = FastAPI(
        title="AetherFlow API",
        version="1.0.0",
        lifespan=lifespan,
        docs_url=None if settings.is_production else "/docs",
        redoc_url=None,
        generate_unique_id_function=operation_id,
        telemetry=NO_TELEMETRY,
    )
    app.router.redirect_slashes = False
    install_error_handlers(app)
    # The router tries each included router in turn, each of its routes in turn: the tenant
    # API comes first, GraphQL (the busiest single path) leading it, probes and metrics last.
    # The OpenAPI document keeps its own order (app/api/openapi.py).
    mount_graphql(app, settings)
    rest = (
        reports.router,
        webhooks.router,
        automation_runs.router,
        callbacks.router,
        event_types.router,
        sessions.router,
    )
    include_v1(app, *rest)
    app.include_router(sessions.keys_router)
    app.include_router(health.router)
    app.include_router(metrics.router)
    mount_console(app, settings)
    install_openapi(app)
    app.add_middleware(
        AdmissionMiddleware,
        max_in_flight=settings.api_max_in_flight,
        prefix="/v1/tenants/",
        refusal=_overloaded,
    )
    install_hardening(app, settings)
    app.add_middleware(
        RequestContextMiddleware, max_body_bytes=settings.max_body_bytes, docs_paths=docs_paths(app)
    )
    return app


def _overloaded(scope: Scope) -> ASGIApp:
    """The 503 of a request refused for capacity, in its face's shape."""
    error = Overloaded()
    if scope["path"].count("/") == GRAPHQL_PATH.count("/") and scope["path"].endswith("/graphql"):
        body = graphql_error_body(error)
        return JSONResponse(body, status_code=error.status, headers=error.headers)
    return error_response(error)
