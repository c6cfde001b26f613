"""One dispatch attempt of a run (CONTRACT.md §6), safe to run twice like a webhook attempt:
the claim is a row lock, a counted attempt and a lease to this worker (db/leases.py);
outcomes are written only if the run is still where the attempt left it."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

import httpx
from loguru import logger
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from app.automation_runs import repository, transitions
from app.automation_runs.providers import (
    DispatchResult,
    complete_in_sandbox,
    dispatch_to_activepieces,
)
from app.core.config import Settings
from app.core.retry import is_retryable_status, next_delay, parse_retry_after
from db.leases import lease_for
from db.models.automation_run import ACTIVE_STATUSES, Provider, RunStatus
from db.session import Database

# HTTP calls one dispatch makes: the sandbox sends its `running` and `succeeded` callbacks.
REQUESTS = {Provider.ACTIVEPIECES: 1, Provider.SANDBOX: 2}


async def dispatch_run(
    db: Database,
    http: httpx.AsyncClient,
    settings: Settings,
    run_id: uuid.UUID,
    *,
    holder: int | None = None,
) -> float | None:
    """Attempt the run's dispatch if it is due; the seconds until a retry, if one is due.

    `holder` is the worker's liveness lock id (None: the lease only ends by time).
    """
    timeout = settings.automation_dispatch_timeout_seconds
    async with db.unit_of_work() as session:
        run = await repository.lock_due_dispatch(session, run_id)
        if run is None:
            return None
        run.attempts += 1
        run.schedule_step += 1
        lease = lease_for(timeout, requests=REQUESTS[run.provider])
        run.next_attempt_at = func.now() + lease
        run.lease_holder = holder
        attempt, step = run.attempts, run.schedule_step
        await session.flush()

    statuses: Collection[RunStatus]
    if run.provider == Provider.SANDBOX:
        result = await complete_in_sandbox(http, settings, run)
        # The sandbox's own callbacks move the run; they may leave it `running` if cut off.
        statuses = ACTIVE_STATUSES
    else:
        result = await dispatch_to_activepieces(http, settings, run)
        statuses = (RunStatus.QUEUED,)

    retry_in = await _record(
        db, settings, run_id=run_id, attempt=attempt, step=step, statuses=statuses, result=result
    )
    logger.bind(
        runId=str(run_id),
        tenant_id=str(run.tenant_id),
        correlation_id=run.trace_id,
        provider=run.provider,
        attempt=attempt,
        statusCode=result.status_code,
        error=result.error,
    ).info("automation dispatch")
    return retry_in


async def _record(
    db: Database,
    settings: Settings,
    *,
    run_id: uuid.UUID,
    attempt: int,
    step: int,
    statuses: Collection[RunStatus],
    result: DispatchResult,
) -> float | None:
    async with db.unit_of_work() as session:
        run = await repository.end_lease(session, run_id, attempt)
        if run is None:
            return None
        if result.accepted:
            if run.provider != Provider.SANDBOX:
                await transitions.mark_dispatched(
                    session, run, attempt=attempt, provider_run_id=result.provider_run_id
                )
            return None
        if result.status_code is None or is_retryable_status(result.status_code):
            retry_in = next_delay(
                settings.automation_retry_schedule, step, parse_retry_after(result.retry_after)
            )
            if retry_in is not None:
                await transitions.schedule_dispatch_retry(
                    session, run, attempt=attempt, statuses=statuses, delay_seconds=retry_in
                )
                return retry_in
            error = _error("dispatch_exhausted", result, attempts=attempt)
        else:
            error = _error("dispatch_rejected", result, attempts=attempt)
        await transitions.fail_dispatch(
            session, run, attempt=attempt, statuses=statuses, error=error
        )
        return None


def _error(code: str, result: DispatchResult, *, attempts: int) -> dict[str, Any]:
    message = (
        f"The provider answered HTTP {result.status_code}."
        if result.status_code is not None
        else f"The provider could not be reached: {result.error}."
    )
    return {
        "code": code,
        "message": message,
        "statusCode": result.status_code,
        "attempts": attempts,
    }


async def due_dispatch_ids(session: AsyncSession, *, limit: int) -> list[uuid.UUID]:
    """Queued runs whose next dispatch attempt is due, the longest waiting first."""
    return await repository.due_dispatch_ids(session, limit=limit)


async def release_abandoned_dispatches(session: AsyncSession, *, limit: int) -> list[uuid.UUID]:
    """Runs whose dispatch was leased by a worker that is gone, made due again; their ids."""
    return await repository.release_dead_leases(session, limit=limit)
