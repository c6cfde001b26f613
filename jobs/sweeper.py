"""Periodic work in every worker process: the safety net under the nudges and retries.

Each sweep relays unrelayed events, enqueues due deliveries and purges expired idempotency
keys. Several workers may sweep at once: the relay and the purge claim rows with
`FOR UPDATE SKIP LOCKED`, and an enqueued delivery is attempted only by whoever claims it.
"""

from __future__ import annotations

import asyncio
import random

from loguru import logger

from app.core.queue import DELIVER_WEBHOOK
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
    for delivery_id in due:
        await runtime.queue.kick(DELIVER_WEBHOOK, str(delivery_id))
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
