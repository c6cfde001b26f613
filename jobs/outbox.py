"""Task `outbox.relay`: fan committed events out into deliveries, then enqueue them."""

from __future__ import annotations

from taskiq import TaskiqDepends, async_shared_broker

from app.bootstrap import Runtime
from app.core.queue import DELIVER_WEBHOOK, RELAY_OUTBOX
from app.outbox.relay import RELAY_BATCH, relay_batch
from jobs.state import WorkerState, worker_state


async def relay_outbox(runtime: Runtime) -> int:
    """Relay every unrelayed event, a batch per transaction; the number relayed.

    After the first delivery Redis refuses, the rest are left to the sweep (they are due).
    """
    relayed = 0
    enqueueing = True
    while True:
        async with runtime.db.unit_of_work() as session:
            count, delivery_ids = await relay_batch(session)
        if enqueueing:
            enqueued = await runtime.queue.kick_each(DELIVER_WEBHOOK, delivery_ids)
            enqueueing = enqueued == len(delivery_ids)
        relayed += count
        if count < RELAY_BATCH:
            return relayed


@async_shared_broker.task(task_name=RELAY_OUTBOX)
async def relay_outbox_task(worker: WorkerState = TaskiqDepends(worker_state)) -> None:
    await relay_outbox(worker.runtime)
