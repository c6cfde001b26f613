"""Periodic work in every worker process: the safety net under the nudges and retries.

Each sweep relays unrelayed events, makes due the ordered deliveries whose turn came but was
not given, nudges a worker when deliveries are due, enqueues due run dispatches, times out runs
left `running`, purges expired idempotency keys, prunes old delivery statistics, resumes
stalled webhook recoveries and deletes deliveries past their retention: nine parts, each run
whatever happened to the others. Several workers may sweep at once: the relay, the timeouts,
the purge, the prunings, the resumption and the retention claim rows with `FOR UPDATE SKIP
LOCKED`, a turn is given by a guarded update, and a delivery or dispatch is attempted only by
whoever claims its row.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from app.automation_runs.transitions import time_out_stale
from app.bootstrap import Runtime
from app.idempotency.service import purge_expired
from app.webhooks import delivery
from app.webhooks.retention import delete_in_batches, transactions
from app.webhooks.stats import PRUNE_BATCH, PRUNE_BATCHES_PER_SWEEP, prune_rollup
from jobs.due import DUE_BATCH, enqueue_due_dispatches, nudge_due_deliveries
from jobs.heartbeat import sweep_finished
from jobs.parts import run_part
from jobs.retention import prune_old_deliveries
from jobs.state import WorkerState
from jobs.webhook_recoveries import resume_stalled_recoveries


async def time_out_runs(runtime: Runtime) -> int:
    async with runtime.db.unit_of_work() as session:
        return await time_out_stale(
            session,
            timeout_seconds=runtime.settings.automation_run_timeout_seconds,
            limit=DUE_BATCH,
        )


async def release_lost_turns(runtime: Runtime) -> int:
    async with runtime.db.unit_of_work() as session:
        return len(await delivery.release_lost_turns(session))


async def purge_idempotency_keys(runtime: Runtime) -> int:
    async with runtime.db.unit_of_work() as session:
        return await purge_expired(session)


async def prune_delivery_stats(runtime: Runtime) -> int:
    """Old minutes of the delivery statistics' rollup, a small batch per transaction."""

    async def rollup(session: AsyncSession, limit: int) -> int:
        return await prune_rollup(session, limit=limit)

    return await delete_in_batches(
        transactions(runtime.db),
        rollup,
        batch_size=PRUNE_BATCH,
        max_batches=PRUNE_BATCHES_PER_SWEEP,
    )


SWEEP_PARTS: dict[str, Callable[[WorkerState], Awaitable[object]]] = {
    "relay": lambda worker: worker.relay.run(),
    "ordered turns": lambda worker: release_lost_turns(worker.runtime),
    "due deliveries": lambda worker: nudge_due_deliveries(worker.runtime),
    "due dispatches": lambda worker: enqueue_due_dispatches(worker.runtime),
    "run time-outs": lambda worker: time_out_runs(worker.runtime),
    "idempotency purge": lambda worker: purge_idempotency_keys(worker.runtime),
    "delivery stats prune": lambda worker: prune_delivery_stats(worker.runtime),
    "webhook recoveries": resume_stalled_recoveries,
    "webhook retention": lambda worker: prune_old_deliveries(worker.runtime),
}


async def sweep_once(worker: WorkerState) -> None:
    for part, work in SWEEP_PARTS.items():
        await run_part(f"sweep: {part}", partial(work, worker))


async def _sweep_forever(worker: WorkerState) -> None:
    interval = worker.runtime.settings.sweep_interval_seconds
    while True:
        await sweep_once(worker)
        sweep_finished()
        await asyncio.sleep(interval * random.uniform(0.9, 1.1))  # noqa: S311


def start_sweeper(worker: WorkerState) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(_sweep_forever(worker))
