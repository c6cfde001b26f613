"""The worker's broker, built from the settings when the worker starts (Taskiq calls
`worker_broker`), and what the process starts and stops with it. Tasks are shared tasks
(jobs/outbox.py, jobs/webhooks.py, jobs/automation_runs.py): any broker runs them."""

from __future__ import annotations

import asyncio
from functools import partial

from taskiq import TaskiqEvents, TaskiqState

from app.bootstrap import Runtime
from app.core.config import get_settings
from app.core.fleet_metrics import ProcessIdentity, Publisher
from app.core.queue import ResilientStreamBroker, create_broker
from app.webhooks.sender import create_http_client
from jobs.heartbeat import TaskFinished
from jobs.metrics import start_metrics_server
from jobs.recovery import start_recovery
from jobs.schema_gate import wait_for_compatible_schema
from jobs.state import WorkerState
from jobs.sweeper import start_sweeper
from jobs.worker import DELIVERIES_DRAIN_SECONDS, arm_shutdown_deadline


def worker_broker() -> ResilientStreamBroker:
    broker = create_broker(get_settings().redis_url or "").with_middlewares(TaskFinished())
    broker.add_event_handler(TaskiqEvents.WORKER_STARTUP, partial(_start, broker))
    broker.add_event_handler(TaskiqEvents.WORKER_SHUTDOWN, _stop)
    return broker


async def _start(broker: ResilientStreamBroker, state: TaskiqState) -> None:
    settings = get_settings()
    runtime = await Runtime.start(settings, broker=broker)
    # For run dispatches: one request at a time per task.
    http = create_http_client(max_connections=settings.worker_concurrency)
    state.worker = worker = WorkerState(
        runtime=runtime,
        http=http,
        metrics_publisher=Publisher(
            runtime.redis,
            ProcessIdentity.of_this_process("worker"),
            settings.metrics_publish_seconds,
        ),
    )
    loop = asyncio.get_running_loop()
    arm_shutdown_deadline(lambda: loop.call_soon_threadsafe(worker.deliveries.stop_claiming))
    worker.metrics_publisher.start()
    await wait_for_compatible_schema(runtime.db)
    # Held before the first claim, so that every claim names a live holder.
    worker.background.append(await worker.liveness.start(settings.sqlalchemy_url))
    worker.deliveries.start()
    worker.background.append(start_recovery(runtime, worker.deliveries.wake))
    worker.background.append(start_sweeper(worker))
    worker.background.append(start_metrics_server(worker))


async def _stop(state: TaskiqState) -> None:
    worker: WorkerState | None = getattr(state, "worker", None)
    if worker is None:
        return
    await worker.relay.stop_following()
    await worker.deliveries.stop(DELIVERIES_DRAIN_SECONDS)
    for task in worker.background:
        task.cancel()
    await asyncio.gather(*worker.background, return_exceptions=True)
    await worker.metrics_publisher.stop()
    await worker.http.aclose()
    await worker.runtime.close()
    del state.worker
