"""The worker process's state, which tasks reach through `worker_state`: its runtime, HTTP
client, metrics publisher, liveness lock, outbox relay, delivery loop and background tasks."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx
from taskiq import Context, TaskiqDepends

from app.bootstrap import Runtime
from app.core.fleet_metrics import Publisher
from jobs.deliveries import DeliveryLoop
from jobs.liveness import LivenessLock
from jobs.relay import OutboxRelay


@dataclass
class WorkerState:
    runtime: Runtime
    # For run dispatches; webhook deliveries have the delivery loop's clients.
    http: httpx.AsyncClient
    metrics_publisher: Publisher
    liveness: LivenessLock = field(default_factory=LivenessLock)
    background: list[asyncio.Task[None]] = field(default_factory=list)
    deliveries: DeliveryLoop = field(init=False)
    relay: OutboxRelay = field(init=False)

    def __post_init__(self) -> None:
        self.deliveries = DeliveryLoop(self.runtime, holder=lambda: self.liveness.holder)
        self.relay = OutboxRelay(self.runtime.db, on_deliveries=self.deliveries.wake)

    def retry_soon(self, task_name: str, item_id: str, retry_in: float | None) -> None:
        """Enqueue the task's next attempt after `retry_in` seconds if that is within a sweep
        interval: a short wait is kept in this process, longer ones are found by the sweep."""
        if retry_in is not None and retry_in <= self.runtime.settings.sweep_interval_seconds:
            self.runtime.queue.kick_later(retry_in, task_name, item_id)


def worker_state(context: Context = TaskiqDepends()) -> WorkerState:
    state: WorkerState = context.state.worker
    return state
