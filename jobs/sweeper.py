"""Periodic work in every worker process: the safety net under the nudges and retries.

Each sweep relays unrelayed events, enqueues due deliveries and run dispatches, times out runs
left `running`, and purges expired idempotency keys. Several workers may sweep at once: the
relay, the timeouts and the purge claim rows with `FOR UPDATE SKIP LOCKED`, and an enqueued
delivery or dispatch is attempted only by whoever claims its row.
"""

from __future__ import annotations

import asyncio
import random

from loguru import logger

from app.automation_runs.repository import due_dispatch_ids
from app.automation_runs.transitions import time_out_stale
from app.core.queue import DELIVER_WEBHOOK, DISPATCH_RUN
from app.idempotency.service import purge_expired
from app.webhooks.delivery_repository import due_ids
from jobs.broker import WorkerState
from jobs.outbox import relay_outbox

DUE_BATCH = 500


async def sweep_once(worker: WorkerState) -> None:
    runtime = worker.runtime
    await relay_outbox(worker)
    async with runtime.db.unit_of_work() as session:
        due = await due_ids(session, limit=DUE_BATCH)
        runs = await due_dispatch_ids(session, limit=DUE_BATCH)
    for delivery_id in due:
        await runtime.queue.kick(DELIVER_WEBHOOK, str(delivery_id))
    for run_id in runs:
        await runtime.queue.kick(DISPATCH_RUN, str(run_id))
    async with runtime.db.unit_of_work() as session:
        await time_out_stale(
            session,
            timeout_seconds=runtime.settings.automation_run_timeout_seconds,
            limit=DUE_BATCH,
        )
    async with runtime.db.unit_of_work() as session:
        await purge_expired(session)


async def _sweep_forever(worker: WorkerState) -> None:
    interval = worker.runtime.settings.sweep_interval_seconds
    while True:
        try:
            await sweep_once(worker)
        except Exception:
            logger.exception("sweep failed")
        await asyncio.sleep(interval * random.uniform(0.9, 1.1))  # noqa: S311


def start_sweeper(worker: WorkerState) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(_sweep_forever(worker))
