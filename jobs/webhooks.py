"""Task `webhooks.deliver`: attempt due deliveries now (one was made due: a retry by hand)."""

from __future__ import annotations

from taskiq import TaskiqDepends, async_shared_broker

from app.core.queue import DELIVER_WEBHOOK
from jobs.state import WorkerState, worker_state


@async_shared_broker.task(task_name=DELIVER_WEBHOOK)
async def deliver_webhook(
    delivery_id: str, worker: WorkerState = TaskiqDepends(worker_state)
) -> None:
    """The delivery loop claims due deliveries oldest first, this one among them."""
    worker.deliveries.wake()
