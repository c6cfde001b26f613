"""Automation runs: create (with its dispatch work, in one transaction), read, list."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import partial

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from app.automation_runs import repository
from app.automation_runs.schemas import CreateRunIn
from app.automation_runs.transitions import DispatchDue, announce
from app.core.errors import Conflict, NotFound
from app.core.ids import parse_id
from app.core.pagination import Page, PageRequest
from app.outbox.events import EventOrigin
from db.models.automation_run import AutomationRun, RunStatus
from db.session import after_commit

_ORDERING = "runs:created"


async def create_run(
    session: AsyncSession, *, tenant_id: uuid.UUID, run: CreateRunIn, trace_id: str | None
) -> AutomationRun:
    """A queued run, due for dispatch now; Conflict when the correlationId is taken.

    The row itself is the dispatch work: `next_attempt_at` makes it due, and a worker is
    nudged after the commit (the sweep finds it otherwise).
    """
    created = await repository.insert_run(
        session,
        {
            "id": uuid.uuid4(),
            "tenant_id": tenant_id,
            "flow_id": run.flow_id,
            "provider": run.provider,
            "status": RunStatus.QUEUED,
            "correlation_id": run.correlation_id or str(uuid.uuid4()),
            "trace_id": trace_id,
            "input": run.input,
            "next_attempt_at": func.now(),
        },
    )
    if created is None:
        raise Conflict("This correlationId is already used by another automation run.")
    after_commit(session, DispatchDue(created.id))
    await announce(session, created, origin=EventOrigin(trace_id))
    return created


async def get_run(session: AsyncSession, *, tenant_id: uuid.UUID, run_id: str) -> AutomationRun:
    """The tenant's run, or NotFound (a malformed id included)."""
    parsed = parse_id(run_id)
    run = await repository.find(session, tenant_id, parsed) if parsed else None
    if run is None:
        raise NotFound("automation run")
    return run


async def find_many(
    session: AsyncSession, *, tenant_id: uuid.UUID, run_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, AutomationRun]:
    """The tenant's runs among `run_ids`, by id."""
    return await repository.find_many(session, tenant_id, run_ids)


async def list_page(
    session: AsyncSession, *, tenant_id: uuid.UUID, status: RunStatus | None, page: PageRequest
) -> Page[AutomationRun]:
    """One page of the tenant's runs, newest first."""
    return await page.for_list(_ordering(status)).fetch(
        partial(repository.list_page, session, tenant_id, status),
        lambda run: (run.created_at, run.id),
    )


def _ordering(status: RunStatus | None) -> str:
    """Cursors are bound to the list (and status filter) they were made for."""
    return f"{_ORDERING}:{status.value if status else 'any'}"
