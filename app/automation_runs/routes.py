"""REST routes for automation runs (CONTRACT.md §6)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Security
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from app.api.body import json_body
from app.api.deps import RuntimeDep, api_key
from app.api.idempotency import Idempotency, respond
from app.api.operation_docs import documented
from app.api.paging import Paging
from app.automation_runs import service as runs
from app.automation_runs.schemas import CreateRunIn, RunEnvelope, RunOut, RunPageOut
from app.core import request_context
from app.core.errors import Conflict, NotFound
from app.http.paths import TENANT_PREFIX
from app.idempotency.service import StoredResponse, stored_json
from app.tenants.auth import Principal
from db.models.automation_run import RunStatus

router = APIRouter(prefix=f"{TENANT_PREFIX}/automation-runs", tags=["automation runs"])
RunsReader = Annotated[Principal, Security(api_key, scopes=["automations:read"])]
RunsWriter = Annotated[Principal, Security(api_key, scopes=["automations:write"])]
NewRun = Annotated[CreateRunIn, Depends(json_body(CreateRunIn))]


@router.post("", status_code=202, response_model=RunEnvelope)
@documented(raises=(Conflict,), success_headers=("Location",))
async def create_automation_run(
    who: RunsWriter, idempotent: Idempotency, new_run: NewRun
) -> Response:
    """Queue a run; the worker dispatches it to its provider."""

    async def effect(session: AsyncSession) -> StoredResponse:
        run = await runs.create_run(
            session,
            tenant_id=who.tenant_id,
            run=new_run,
            trace_id=request_context.current_correlation_id(),
        )
        location = f"/v1/tenants/{who.tenant_id}/automation-runs/{run.id}"
        return stored_json(
            202, RunEnvelope(data=RunOut.model_validate(run)), {"Location": location}
        )

    outcome = await idempotent.run(effect)
    return respond(outcome)


@router.get("")
async def list_automation_runs(
    who: RunsReader,
    runtime: RuntimeDep,
    status: RunStatus | None = None,
    *,
    paging: Paging,
) -> RunPageOut:
    """The tenant's runs, newest first, optionally of one status."""
    async with runtime.db.unit_of_work() as session:
        page = await runs.list_page(session, tenant_id=who.tenant_id, status=status, page=paging)
    return RunPageOut.of(page)


@router.get("/{run_id}")
@documented(raises=(NotFound,))
async def get_automation_run(run_id: str, who: RunsReader, runtime: RuntimeDep) -> RunEnvelope:
    """One run of the tenant."""
    async with runtime.db.unit_of_work() as session:
        run = await runs.get_run(session, tenant_id=who.tenant_id, run_id=run_id)
    return RunEnvelope(data=RunOut.model_validate(run))
