"""The worker's broker and its per-process state (runtime, HTTP client, liveness lock, sweeper,
crash recovery)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx
from taskiq import Context, TaskiqDepends, TaskiqEvents, TaskiqState

from app.core.config import get_settings
from app.core.fleet_metrics import ProcessIdentity, Publisher
from app.core.queue import create_broker
from app.core.runtime import Runtime
from app.webhooks.sender import create_http_client
from jobs.heartbeat import TaskFinished
from jobs.liveness import LivenessLock
from jobs.schema_gate import wait_for_compatible_schema

broker = create_broker(get_settings().redis_url or "").with_middlewares(TaskFinished())


@dataclass
class WorkerState:
    runtime: Runtime
    http: httpx.AsyncClient
    metrics_publisher: Publisher
    liveness: LivenessLock = field(default_factory=LivenessLock)
    background: list[asyncio.Task[None]] = field(default_factory=list)


def worker_state(context: Context = TaskiqDepends()) -> WorkerState:
    state: WorkerState = context.state.worker
    return state


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def _start(state: TaskiqState) -> None:
    settings = get_settings()
    runtime = await Runtime.start(settings, broker=broker)
    # One request at a time per task.
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
    from jobs.metrics import start_metrics_server
    from jobs.recovery import start_recovery
    from jobs.sweeper import start_sweeper
    from jobs.worker import arm_shutdown_deadline

    arm_shutdown_deadline()
    worker.metrics_publisher.start()
    await wait_for_compatible_schema(runtime.db)
    # Held before the first claim, so that every claim names a live holder.
    worker.background.append(await worker.liveness.start(settings.sqlalchemy_url))
    worker.background.append(start_recovery(runtime))
    worker.background.append(start_sweeper(worker))
    worker.background.append(start_metrics_server(worker))


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def _stop(state: TaskiqState) -> None:
    worker: WorkerState | None = getattr(state, "worker", None)
    if worker is None:
        return
    for task in worker.background:
        task.cancel()
    await asyncio.gather(*worker.background, return_exceptions=True)
    await worker.metrics_publisher.stop()
    await worker.http.aclose()
    await worker.runtime.close()
    del state.worker
