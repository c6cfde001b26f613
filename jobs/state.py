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


def worker_state(context: Context = TaskiqDepends()) -> WorkerState:
    state: WorkerState = context.state.worker
    return state
