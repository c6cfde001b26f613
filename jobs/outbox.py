"""Task `outbox.relay`: fan committed events out into deliveries, then enqueue them."""

from __future__ import annotations

from taskiq import TaskiqDepends

from app.core.queue import DELIVER_WEBHOOK, RELAY_OUTBOX
from app.outbox.relay import RELAY_BATCH, relay_batch
from jobs.broker import WorkerState, broker, worker_state


async def relay_outbox(worker: WorkerState) -> int:
    """Relay every unrelayed event, a batch per transaction; the number relayed."""
    relayed = 0
    while True:
        async with worker.runtime.db.unit_of_work() as session:
            count, delivery_ids = await relay_batch(session)
        for delivery_id in delivery_ids:
            await worker.runtime.queue.kick(DELIVER_WEBHOOK, str(delivery_id))
        relayed += count
        if count < RELAY_BATCH:
            return relayed


@broker.task(task_name=RELAY_OUTBOX)
async def relay_outbox_task(worker: WorkerState = TaskiqDepends(worker_state)) -> None:
    await relay_outbox(worker)
