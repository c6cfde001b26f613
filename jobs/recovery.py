"""Crash recovery: work leased by a worker process that is gone is made due and enqueued within
seconds, instead of when its lease ends (db/leases.py, jobs/liveness.py).

Every worker runs it at start and then every RECOVERY_INTERVAL_SECONDS (with jitter). The
release is one guarded UPDATE, so each row is recovered by one worker however many run it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from functools import partial

from loguru import logger

from app.automation_runs.dispatch import release_abandoned_dispatches
from app.bootstrap import Runtime
from app.core.queue import DISPATCH_RUN
from app.webhooks.delivery import release_abandoned_deliveries
from jobs.due import enqueue_due_dispatches
from jobs.parts import run_part

RECOVERY_INTERVAL_SECONDS = 2.0
RECOVERY_BATCH = 500


async def recover_once(runtime: Runtime, wake_deliveries: Callable[[], None]) -> int:
    """Release the work of workers that are gone: deliveries are claimed again by this
    process's delivery loop (woken now), dispatches enqueued. How many rows were released."""
    async with runtime.db.unit_of_work() as session:
        delivery_ids = await release_abandoned_deliveries(session, limit=RECOVERY_BATCH)
        run_ids = await release_abandoned_dispatches(session, limit=RECOVERY_BATCH)
    if not delivery_ids and not run_ids:
        return 0
    logger.bind(deliveries=len(delivery_ids), runs=len(run_ids)).warning(
        "recovering the work of a stopped worker"
    )
    if delivery_ids:
        wake_deliveries()
    # Stopped at the first refusal (Redis down): the rows are due, the sweep enqueues them.
    if await runtime.queue.kick_each(DISPATCH_RUN, run_ids) < len(run_ids):
        return len(delivery_ids) + len(run_ids)
    # Messages the stopped worker had taken without starting them stay in its pending list
    # until Redis hands them to another consumer; enqueue what is due again now.
    await enqueue_due_dispatches(runtime, besides=set(run_ids))
    return len(delivery_ids) + len(run_ids)


async def _recover_forever(runtime: Runtime, wake_deliveries: Callable[[], None]) -> None:
    failing = False
    while True:
        # An outage is reported once, not every two seconds.
        failing = not await run_part(
            "crash recovery",
            partial(recover_once, runtime, wake_deliveries),
            log_outage=not failing,
        )
        await asyncio.sleep(RECOVERY_INTERVAL_SECONDS * random.uniform(0.75, 1.25))  # noqa: S311


def start_recovery(runtime: Runtime, wake_deliveries: Callable[[], None]) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(_recover_forever(runtime, wake_deliveries))
