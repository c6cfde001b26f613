"""The worker process's state, which tasks reach through `worker_state`: its runtime, HTTP
client, metrics publisher, liveness lock and background tasks."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx
from taskiq import Context, TaskiqDepends

from app.bootstrap import Runtime
from app.core.fleet_metrics import Publisher
from jobs.liveness import LivenessLock


@dataclass
class WorkerState:
    runtime: Runtime
    http: httpx.AsyncClient
    metrics_publisher: Publisher
    liveness: LivenessLock = field(default_factory=LivenessLock)
    background: list[asyncio.Task[None]] = field(default_factory=list)

    def retry_soon(self, task_name: str, item_id: str, retry_in: float | None) -> None:
        """Enqueue the task's next attempt after `retry_in` seconds if that is within a sweep
        interval: a short wait is kept in this process, longer ones are found by the sweep."""
        if retry_in is not None and retry_in <= self.runtime.settings.sweep_interval_seconds:
            self.runtime.queue.kick_later(retry_in, task_name, item_id)


def worker_state(context: Context = TaskiqDepends()) -> WorkerState:
    state: WorkerState = context.state.worker
    return state
