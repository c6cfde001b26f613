"""Task `webhooks.deliver`: one attempt of one delivery."""

from __future__ import annotations

import uuid

from taskiq import TaskiqDepends, async_shared_broker

from app.core.queue import DELIVER_WEBHOOK
from app.webhooks.delivery import attempt_delivery
from jobs.state import WorkerState, worker_state


@async_shared_broker.task(task_name=DELIVER_WEBHOOK)
async def deliver_webhook(
    delivery_id: str, worker: WorkerState = TaskiqDepends(worker_state)
) -> None:
    runtime = worker.runtime
    report = await attempt_delivery(
        runtime.db,
        worker.http,
        runtime.settings,
        uuid.UUID(delivery_id),
        holder=worker.liveness.holder,
    )
    worker.retry_soon(DELIVER_WEBHOOK, delivery_id, report.retry_in if report else None)
