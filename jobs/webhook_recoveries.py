"""Task `webhooks.recover`: carry out a recovery (app/webhooks/recovery.py) batch by batch, each
batch committed with its progress, so that a stopped worker's recovery resumes where it was.

A run stops after RUN_SECONDS and enqueues its continuation: no task outlives the queue's idle
timeout. The sweep resumes recoveries that made no progress for a while (their worker stopped,
their message was lost); two runs of one recovery take turns on its row, never the same batch.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from loguru import logger
from taskiq import TaskiqDepends, async_shared_broker

from app.core.queue import RECOVER_WEBHOOKS
from app.webhooks import recovery as recoveries
from jobs.state import WorkerState, worker_state

RUN_SECONDS = 20.0
RESUME_BATCH = 100
# A running recovery untouched this long (and at least two sweeps) is resumed.
STALLED_AFTER_SECONDS = 5.0


@async_shared_broker.task(task_name=RECOVER_WEBHOOKS)
async def recover_webhooks(
    recovery_id: str, worker: WorkerState = TaskiqDepends(worker_state)
) -> None:
    await run_recovery(worker, uuid.UUID(recovery_id))


async def run_recovery(worker: WorkerState, recovery_id: uuid.UUID) -> None:
    """Recover batches until the recovery ends, another run holds it, or RUN_SECONDS pass
    (then enqueue the rest)."""
    runtime = worker.runtime
    log = logger.bind(recoveryId=str(recovery_id))
    deadline = asyncio.get_running_loop().time() + RUN_SECONDS
    while True:
        async with runtime.db.unit_of_work() as session:
            batch = await recoveries.recover_batch(session, recovery_id=recovery_id)
        if batch is None:
            return
        if batch.revived:
            worker.deliveries.wake()
        if batch.finished:
            log.info("webhook recovery finished")
            return
        if asyncio.get_running_loop().time() >= deadline:
            await runtime.queue.kick(RECOVER_WEBHOOKS, str(recovery_id))
            return


async def resume_stalled_recoveries(worker: WorkerState) -> int:
    """Enqueue the running recoveries that made no progress lately; how many."""
    runtime = worker.runtime
    idle_for = timedelta(
        seconds=max(STALLED_AFTER_SECONDS, 2 * runtime.settings.sweep_interval_seconds)
    )
    async with runtime.db.unit_of_work() as session:
        stalled = await recoveries.claim_stalled_recoveries(
            session, idle_for=idle_for, limit=RESUME_BATCH
        )
    return await runtime.queue.kick_each(RECOVER_WEBHOOKS, list(stalled))
