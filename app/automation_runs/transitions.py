"""Run state changes (CONTRACT.md §6): guarded in SQL so duplicates never move a run backwards
or out of a terminal state. Terminal transitions write their outbox event; every change is
published after commit for live subscribers."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from app.automation_runs import repository
from app.automation_runs.live import RunChanged
from app.automation_runs.schemas import CallbackIn, RunOut
from app.core.errors import NotFound, RunAlreadyCompleted
from app.core.ids import parse_id
from app.outbox import service as outbox
from app.outbox.events import RUN_FAILED, RUN_SUCCEEDED, RUN_TIMED_OUT, EventOrigin
from db.models.automation_run import ACTIVE_STATUSES, TERMINAL_STATUSES, AutomationRun, RunStatus
from db.session import AfterCommit, after_commit

TERMINAL_EVENTS = {
    RunStatus.SUCCEEDED: RUN_SUCCEEDED,
    RunStatus.FAILED: RUN_FAILED,
    RunStatus.TIMED_OUT: RUN_TIMED_OUT,
}


@dataclass(frozen=True)
class DispatchDue(AfterCommit):
    """A run became due for dispatch now: enqueue its dispatch after the commit."""

    run_id: uuid.UUID


async def announce(session: AsyncSession, run: AutomationRun, *, origin: EventOrigin) -> None:
    """Publish the change after commit; a terminal one also becomes an outbox event, carrying
    the ids of what caused it."""
    representation = RunOut.model_validate(run).model_dump(mode="json")
    after_commit(session, RunChanged(run.tenant_id, representation))
    event_type = TERMINAL_EVENTS.get(run.status)
    if event_type is not None:
        event = origin.event(run.tenant_id, event_type, representation, resource_id=run.id)
        await outbox.record(session, [event])


def _by_job(run: AutomationRun) -> EventOrigin:
    """A change a job (or the operator's CLI) makes: the run's own trace, no request."""
    return EventOrigin(run.trace_id)


async def apply_callback(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    callback: CallbackIn,
    origin: EventOrigin,
) -> AutomationRun:
    """Apply a provider's callback: NotFound for an unknown correlationId (or a `runId` that is
    not that run's), RunAlreadyCompleted for a terminal run. From `queued` the status is applied
    directly (the callback may beat the dispatch response)."""
    run = await repository.lock_by_correlation(session, tenant_id, callback.correlation_id)
    if run is None or not _names_run(callback.run_id, run):
        raise NotFound("automation run")
    if run.status in TERMINAL_STATUSES:
        raise RunAlreadyCompleted
    status = RunStatus(callback.status)
    values: dict[str, Any] = {
        "status": status,
        "provider_run_id": func.coalesce(AutomationRun.provider_run_id, callback.provider_run_id),
        "started_at": func.coalesce(AutomationRun.started_at, func.now()),
        "next_attempt_at": None,
    }
    if callback.output is not None:
        values["output"] = callback.output
    if callback.error is not None:
        values["error"] = callback.error
    if status != RunStatus.RUNNING:
        values["completed_at"] = func.now()
    updated = await repository.update_if(session, run.id, statuses=ACTIVE_STATUSES, values=values)
    assert updated is not None  # the row is locked and active
    if origin.correlation_id is None:
        origin = replace(origin, correlation_id=run.trace_id)
    await announce(session, updated, origin=origin)
    return updated


def _names_run(run_id: str | None, run: AutomationRun) -> bool:
    """Whether the callback's optional `runId` (absent: no binding) is this run's id."""
    return run_id is None or parse_id(run_id) == run.id


async def mark_dispatched(
    session: AsyncSession, run: AutomationRun, *, attempt: int, provider_run_id: str | None
) -> AutomationRun | None:
    """The provider accepted the run: `running`, unless a callback already moved it."""
    updated = await repository.update_if(
        session,
        run.id,
        statuses=(RunStatus.QUEUED,),
        attempts=attempt,
        values={
            "status": RunStatus.RUNNING,
            "started_at": func.coalesce(AutomationRun.started_at, func.now()),
            "provider_run_id": func.coalesce(AutomationRun.provider_run_id, provider_run_id),
            "next_attempt_at": None,
        },
    )
    if updated is not None:
        await announce(session, updated, origin=_by_job(run))
    return updated


async def schedule_dispatch_retry(
    session: AsyncSession,
    run: AutomationRun,
    *,
    attempt: int,
    statuses: Collection[RunStatus],
    delay_seconds: float,
) -> None:
    await repository.update_if(
        session,
        run.id,
        statuses=statuses,
        attempts=attempt,
        values={
            "next_attempt_at": func.now() + timedelta(seconds=delay_seconds),
        },
    )


async def fail_dispatch(
    session: AsyncSession,
    run: AutomationRun,
    *,
    attempt: int,
    statuses: Collection[RunStatus],
    error: dict[str, Any],
) -> AutomationRun | None:
    """The dispatch is exhausted or rejected: `failed`, with the reason in `error`."""
    updated = await repository.update_if(
        session,
        run.id,
        statuses=statuses,
        attempts=attempt,
        values={
            "status": RunStatus.FAILED,
            "error": error,
            "completed_at": func.now(),
            "next_attempt_at": None,
        },
    )
    if updated is not None:
        await announce(session, updated, origin=_by_job(run))
    return updated


async def time_out_stale(session: AsyncSession, *, timeout_seconds: int, limit: int) -> int:
    """Runs `running` for longer than the timeout become `timed_out`; how many did."""
    runs = await repository.time_out_running(
        session, older_than=timedelta(seconds=timeout_seconds), limit=limit
    )
    for run in runs:
        await announce(session, run, origin=_by_job(run))
    return len(runs)


async def retry_exhausted(
    session: AsyncSession, *, tenant_id: uuid.UUID, run_ids: list[uuid.UUID] | None
) -> list[AutomationRun]:
    """Send dispatch-exhausted runs (all of the tenant's, or these) back to `queued`.

    The one way out of a terminal state: an operator's decision, through `aetherflow dlq`.
    """
    runs = await repository.revive_exhausted(session, tenant_id, run_ids)
    for run in runs:
        after_commit(session, DispatchDue(run.id))
        await announce(session, run, origin=_by_job(run))
    return runs
