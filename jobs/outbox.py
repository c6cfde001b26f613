"""Task `outbox.relay` (a nudge): fan committed events out into deliveries, due at once, and
follow the writes for a while (jobs/relay.py)."""

from __future__ import annotations

from taskiq import TaskiqDepends, async_shared_broker

from app.core.queue import RELAY_OUTBOX
from jobs.state import WorkerState, worker_state


@async_shared_broker.task(task_name=RELAY_OUTBOX)
async def relay_outbox_task(worker: WorkerState = TaskiqDepends(worker_state)) -> None:
    await worker.relay.nudged()
