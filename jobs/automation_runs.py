"""Task `automation_runs.dispatch`: one dispatch attempt of one run."""

from __future__ import annotations

import uuid

from taskiq import TaskiqDepends, async_shared_broker

from app.automation_runs.dispatch import dispatch_run
from app.core.queue import DISPATCH_RUN
from jobs.state import WorkerState, worker_state


@async_shared_broker.task(task_name=DISPATCH_RUN)
async def dispatch_run_task(run_id: str, worker: WorkerState = TaskiqDepends(worker_state)) -> None:
    runtime = worker.runtime
    retry_in = await dispatch_run(
        runtime.db,
        worker.http,
        runtime.settings,
        uuid.UUID(run_id),
        holder=worker.liveness.holder,
    )
    worker.retry_soon(DISPATCH_RUN, run_id, retry_in)
