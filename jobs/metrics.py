"""The worker's metrics on WORKER_METRICS_PORT (CONTRACT.md §2): the API's /metrics, for this
process — its own counters (webhook delivery attempts among them) plus the database gauges.

The HTTP server runs in a thread (prometheus_client's threading WSGI server); a scrape asks
the worker's event loop for the database gauges and waits a bounded time for them.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from wsgiref.simple_server import WSGIRequestHandler, make_server
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from loguru import logger
from prometheus_client.exposition import ThreadingWSGIServer

from app.bootstrap import Runtime
from app.core import metrics
from app.core.errors import AppError, NotFound, envelope
from app.monitoring import system_state
from app.monitoring.system_state import StateSnapshot
from db.session import Database
from jobs.state import WorkerState

LISTEN_ADDRESS = "0.0.0.0"  # noqa: S104 - scraped from outside the container
SCRAPE_WAIT_SECONDS = system_state.STATE_TIMEOUT_SECONDS + 1


def start_metrics_server(worker: WorkerState) -> asyncio.Task[None]:
    """Serve until the worker stops (the task is cancelled); does nothing without a port."""
    return asyncio.get_running_loop().create_task(_serve(worker.runtime))


async def _serve(runtime: Runtime) -> None:
    port = runtime.settings.worker_metrics_port
    if port is None:
        return
    loop = asyncio.get_running_loop()
    app = metrics_app(lambda: _state_via_loop(runtime.db, loop), runtime.settings.metrics_token)
    server = make_server(
        LISTEN_ADDRESS, port, app, ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="worker-metrics", daemon=True)
    thread.start()
    logger.bind(port=port).info("worker metrics listening")
    try:
        await asyncio.Event().wait()
    finally:
        await asyncio.to_thread(server.shutdown)
        server.server_close()


def metrics_app(
    read_state: Callable[[], StateSnapshot | None], token: str | None
) -> WSGIApplication:
    """`GET /metrics`, with the API's token rule; everything else is a 404."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/metrics":
            return _error(start_response, NotFound("route"))
        if not metrics.token_accepted(environ.get("HTTP_AUTHORIZATION"), token):
            return _error(start_response, metrics.MetricsTokenRequired())
        body = metrics.exposition(system_state.state_families(read_state()))
        start_response(
            "200 OK", [("Content-Type", metrics.CONTENT_TYPE), ("Content-Length", str(len(body)))]
        )
        return [body]

    return app


def _error(start_response: StartResponse, error: AppError) -> list[bytes]:
    body = json.dumps(envelope(error.code, error.message, error.details, None)).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response(
        f"{error.status} {HTTPStatus(error.status).phrase}", headers + list(error.headers.items())
    )
    return [body]


def _state_via_loop(db: Database, loop: asyncio.AbstractEventLoop) -> StateSnapshot | None:
    """Read the database gauges on the worker's loop (its engine belongs to that loop)."""
    future = asyncio.run_coroutine_threadsafe(system_state.read_state(db), loop)
    try:
        return future.result(timeout=SCRAPE_WAIT_SECONDS)
    except TimeoutError:
        future.cancel()
        logger.warning("metrics: the worker's event loop did not answer in time")
        return None


class _QuietHandler(WSGIRequestHandler):
    """No access log line per scrape on stderr."""

    def log_message(self, format: str, *args: object) -> None:
        return
