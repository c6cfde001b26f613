"""The worker's broker and its per-process state (runtime, HTTP client, sweeper)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx
from taskiq import Context, TaskiqDepends, TaskiqEvents, TaskiqState

from app.core.config import get_settings
from app.core.queue import create_broker
from app.core.runtime import Runtime
from app.webhooks.sender import create_http_client

broker = create_broker(get_settings().redis_url or "")


@dataclass
class WorkerState:
    runtime: Runtime
    http: httpx.AsyncClient
    background: list[asyncio.Task[None]] = field(default_factory=list)


def worker_state(context: Context = TaskiqDepends()) -> WorkerState:
    state: WorkerState = context.state.worker
    return state


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def _start(state: TaskiqState) -> None:
    runtime = await Runtime.start(get_settings(), broker=broker)
    state.worker = WorkerState(runtime=runtime, http=create_http_client())
    from jobs.metrics import start_metrics_server
    from jobs.sweeper import start_sweeper
    from jobs.worker import arm_shutdown_deadline

    state.worker.background.append(start_sweeper(state.worker))
    state.worker.background.append(start_metrics_server(state.worker))
    arm_shutdown_deadline()


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def _stop(state: TaskiqState) -> None:
    worker: WorkerState | None = getattr(state, "worker", None)
    if worker is None:
        return
    for task in worker.background:
        task.cancel()
    await asyncio.gather(*worker.background, return_exceptions=True)
    await worker.http.aclose()
    await worker.runtime.close()
    del state.worker
