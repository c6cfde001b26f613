"""Periodic work in every worker process: the safety net under the nudges and retries.

Each sweep relays unrelayed events, enqueues due deliveries and run dispatches, times out runs
left `running`, and purges expired idempotency keys: five parts, each run whatever happened to
the others. Several workers may sweep at once: the relay, the timeouts and the purge claim rows
with `FOR UPDATE SKIP LOCKED`, and an enqueued delivery or dispatch is attempted only by
whoever claims its row.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from functools import partial

from app.automation_runs.transitions import time_out_stale
from app.bootstrap import Runtime
from app.idempotency.service import purge_expired
from jobs.due import DUE_BATCH, enqueue_due_deliveries, enqueue_due_dispatches
from jobs.heartbeat import sweep_finished
from jobs.outbox import relay_outbox
from jobs.parts import run_part
from jobs.state import WorkerState


async def time_out_runs(runtime: Runtime) -> int:
    async with runtime.db.unit_of_work() as session:
        return await time_out_stale(
            session,
            timeout_seconds=runtime.settings.automation_run_timeout_seconds,
            limit=DUE_BATCH,
        )


async def purge_idempotency_keys(runtime: Runtime) -> int:
    async with runtime.db.unit_of_work() as session:
        return await purge_expired(session)


SWEEP_PARTS: dict[str, Callable[[Runtime], Awaitable[object]]] = {
    "relay": relay_outbox,
    "due deliveries": enqueue_due_deliveries,
    "due dispatches": enqueue_due_dispatches,
    "run time-outs": time_out_runs,
    "idempotency purge": purge_idempotency_keys,
}


async def sweep_once(worker: WorkerState) -> None:
    runtime = worker.runtime
    for part, work in SWEEP_PARTS.items():
        await run_part(f"sweep: {part}", partial(work, runtime))


async def _sweep_forever(worker: WorkerState) -> None:
    interval = worker.runtime.settings.sweep_interval_seconds
    while True:
        await sweep_once(worker)
        sweep_finished()
        await asyncio.sleep(interval * random.uniform(0.9, 1.1))  # noqa: S311


def start_sweeper(worker: WorkerState) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(_sweep_forever(worker))
