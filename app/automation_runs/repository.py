"""SQL for automation runs: insert, reads, and row-locked state changes."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Position
from db import leases
from db.keyset import keyset_slice
from db.models.automation_run import ACTIVE_STATUSES, AutomationRun, RunStatus


async def insert_run(session: AsyncSession, values: dict[str, Any]) -> AutomationRun | None:
    """The new run, or None when the tenant already used its correlationId."""
    statement = (
        insert(AutomationRun)
        .values(**values)
        .on_conflict_do_nothing(
            index_elements=[AutomationRun.tenant_id, AutomationRun.correlation_id]
        )
        .returning(AutomationRun)
    )
    return await session.scalar(statement, execution_options={"populate_existing": True})


async def find(
    session: AsyncSession, tenant_id: uuid.UUID, run_id: uuid.UUID
) -> AutomationRun | None:
    return await session.scalar(
        select(AutomationRun).where(
            AutomationRun.tenant_id == tenant_id, AutomationRun.id == run_id
        )
    )


async def find_many(
    session: AsyncSession, tenant_id: uuid.UUID, run_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, AutomationRun]:
    rows = await session.scalars(
        select(AutomationRun).where(
            AutomationRun.tenant_id == tenant_id, AutomationRun.id.in_(run_ids)
        )
    )
    return {run.id: run for run in rows}


async def list_page(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    status: RunStatus | None,
    *,
    after: Position | None,
    limit: int,
    reverse: bool = False,
) -> Sequence[AutomationRun]:
    """Newest first (ix_automation_runs_order, or ix_automation_runs_status_order); with
    `reverse`, the runs before the position, oldest first (the same index read backwards)."""
    query = select(AutomationRun).where(AutomationRun.tenant_id == tenant_id)
    if status is not None:
        query = query.where(AutomationRun.status == status)
    query = keyset_slice(
        query,
        AutomationRun.created_at,
        AutomationRun.id,
        after=after,
        limit=limit,
        descending=True,
        reverse=reverse,
    )
    return (await session.scalars(query)).all()


async def lock_by_correlation(
    session: AsyncSession, tenant_id: uuid.UUID, correlation_id: str
) -> AutomationRun | None:
    """The run, row-locked: concurrent callbacks for it are applied one after the other."""
    return await session.scalar(
        select(AutomationRun)
        .where(AutomationRun.tenant_id == tenant_id, AutomationRun.correlation_id == correlation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def lock_due_dispatch(session: AsyncSession, run_id: uuid.UUID) -> AutomationRun | None:
    """The run if its dispatch is due now and nobody holds it; duplicates get None."""
    return await session.scalar(
        select(AutomationRun)
        .where(
            AutomationRun.id == run_id,
            AutomationRun.status.in_(ACTIVE_STATUSES),
            AutomationRun.next_attempt_at <= func.now(),
        )
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )


async def end_lease(session: AsyncSession, run_id: uuid.UUID, attempt: int) -> AutomationRun | None:
    """The run, row-locked with its lease holder cleared, if `attempt` is still its latest."""
    return await session.scalar(
        update(AutomationRun)
        .where(AutomationRun.id == run_id, AutomationRun.attempts == attempt)
        .values(lease_holder=None)
        .returning(AutomationRun),
        execution_options={"populate_existing": True},
    )


async def release_dead_leases(session: AsyncSession, *, limit: int) -> list[uuid.UUID]:
    """Runs whose dispatch is leased by a worker that is gone; the ones still to dispatch are
    made due. A callback may have moved a run on meanwhile (no next attempt, or terminal). Its
    `updatedAt` is kept: releasing a lease changes nothing a client sees."""
    active = AutomationRun.status.in_(ACTIVE_STATUSES)
    still_dispatching = active & AutomationRun.next_attempt_at.is_not(None)
    return await leases.release_dead_leases(
        session, AutomationRun, due_again=still_dispatching, limit=limit
    )


async def due_dispatch_ids(session: AsyncSession, *, limit: int) -> list[uuid.UUID]:
    return list(
        await session.scalars(
            select(AutomationRun.id)
            .where(
                AutomationRun.status.in_(ACTIVE_STATUSES),
                AutomationRun.next_attempt_at <= func.now(),
            )
            .order_by(AutomationRun.next_attempt_at)
            .limit(limit)
        )
    )


async def update_if(
    session: AsyncSession,
    run_id: uuid.UUID,
    *,
    statuses: Collection[RunStatus],
    attempts: int | None = None,
    values: dict[str, Any],
) -> AutomationRun | None:
    """Change the run only if it is still in one of `statuses` (and at `attempts`)."""
    conditions = [AutomationRun.id == run_id, AutomationRun.status.in_(statuses)]
    if attempts is not None:
        conditions.append(AutomationRun.attempts == attempts)
    return await session.scalar(
        update(AutomationRun)
        .where(*conditions)
        .values(**values, updated_at=func.now())
        .returning(AutomationRun),
        execution_options={"populate_existing": True},
    )


async def time_out_running(
    session: AsyncSession, *, older_than: timedelta, limit: int
) -> list[AutomationRun]:
    """Move runs running since before `now - older_than` to timed_out; several sweeps may run."""
    stale = (
        select(AutomationRun.id)
        .where(
            AutomationRun.status == RunStatus.RUNNING,
            AutomationRun.started_at < func.now() - older_than,
        )
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    rows = await session.scalars(
        update(AutomationRun)
        .where(AutomationRun.id.in_(stale), AutomationRun.status == RunStatus.RUNNING)
        .values(
            status=RunStatus.TIMED_OUT,
            completed_at=func.now(),
            next_attempt_at=None,
            updated_at=func.now(),
        )
        .returning(AutomationRun),
        execution_options={"populate_existing": True},
    )
    return list(rows)


def dispatch_exhausted() -> Any:
    """Failed runs whose dispatch ran out of attempts: the dead letters among runs."""
    return (AutomationRun.status == RunStatus.FAILED) & (
        AutomationRun.error["code"].astext == "dispatch_exhausted"
    )


async def list_exhausted(
    session: AsyncSession, tenant_id: uuid.UUID | None, *, limit: int | None
) -> Sequence[AutomationRun]:
    """Dispatch-exhausted runs (of one tenant or all), newest first; `limit` None: all."""
    query = select(AutomationRun).where(dispatch_exhausted())
    if tenant_id is not None:
        query = query.where(AutomationRun.tenant_id == tenant_id)
    return (
        await session.scalars(query.order_by(AutomationRun.updated_at.desc()).limit(limit))
    ).all()


async def revive_exhausted(
    session: AsyncSession, tenant_id: uuid.UUID, run_ids: Sequence[uuid.UUID] | None
) -> list[AutomationRun]:
    """Queue exhausted runs again with a fresh dispatch schedule (attempts keep counting)."""
    conditions = [AutomationRun.tenant_id == tenant_id, dispatch_exhausted()]
    if run_ids is not None:
        conditions.append(AutomationRun.id.in_(run_ids))
    rows = await session.scalars(
        update(AutomationRun)
        .where(*conditions)
        .values(
            status=RunStatus.QUEUED,
            schedule_step=0,
            next_attempt_at=func.now(),
            error=None,
            completed_at=None,
            updated_at=func.now(),
        )
        .returning(AutomationRun),
        execution_options={"populate_existing": True, "synchronize_session": False},
    )
    return list(rows)
