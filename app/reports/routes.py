"""REST routes for reports (CONTRACT.md §5): parse, call the service, render."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Security
from starlette.requests import Request
from starlette.responses import Response

from app.api.body import json_body, json_payload
from app.api.deps import RuntimeDep, api_key, authorize
from app.api.idempotency import Idempotency, idempotent_request, respond
from app.api.lean_route import LeanRoute, served_lean
from app.api.operation_docs import documented
from app.api.paging import Paging, plain_page_request
from app.core.errors import NotFound
from app.core.pagination import PageRequest
from app.http.auth import get_runtime
from app.http.paths import TENANT_PREFIX
from app.http.request_body import read_body_within_limit
from app.http.responses import json_response
from app.idempotency.idempotent import Idempotent
from app.idempotency.service import StoredResponse
from app.outbox.events import EventOrigin
from app.reports import representation
from app.reports import service as reports
from app.reports.schemas import (
    ReportBatchIn,
    ReportBatchOut,
    ReportEnvelope,
    ReportPageOut,
    ReportStatus,
)
from app.tenants.auth import Principal
from db.session import WriteTarget

router = APIRouter(prefix=f"{TENANT_PREFIX}/reports", tags=["reports"], route_class=LeanRoute)
ReportsReader = Annotated[Principal, Security(api_key, scopes=["reports:read"])]
ReportsWriter = Annotated[Principal, Security(api_key, scopes=["reports:write"])]


async def _lean_upsert(request: Request) -> Response:
    # The §1 order, as the route's dependencies run it: size, key, scope and rate limit, then
    # media type and JSON, the idempotency key, validation.
    await read_body_within_limit(request)
    who = await authorize(request, "reports:write")
    payload = await json_payload(request)
    runtime = get_runtime(request)
    idempotent = await idempotent_request(request, who, payload, runtime)
    return await _upsert(who, idempotent, await _BATCH(request, payload))


async def _upsert(who: Principal, idempotent: Idempotent, batch: ReportBatchIn) -> Response:
    async def effect(target: WriteTarget) -> StoredResponse:
        outcomes = await reports.upsert_batch(
            target,
            tenant_id=who.tenant_id,
            items=batch.reports,
            origin=EventOrigin.of_request(idempotent.key),
        )
        return StoredResponse(200, reports.batch_body(outcomes))

    outcome = await idempotent.run_statement(effect)
    return respond(outcome)


_BATCH = json_body(ReportBatchIn)
ReportBatch = Annotated[ReportBatchIn, Depends(_BATCH)]


@router.post("", response_model=ReportBatchOut)
@served_lean(_lean_upsert)
async def upsert_reports(
    who: ReportsWriter, idempotent: Idempotency, batch: ReportBatch
) -> Response:
    """Create or replace up to 500 reports, all or nothing."""
    return await _upsert(who, idempotent, batch)


async def _lean_list(request: Request) -> Response | None:
    status = _STATUSES.get(request.query_params.get("status", ReportStatus.PUBLISHED))
    paging = plain_page_request(request)
    if status is None or paging is None:
        return None
    who = await authorize(request, "reports:read")
    return await _list(get_runtime(request), who, status, paging)


async def _list(
    runtime: RuntimeDep, who: Principal, status: ReportStatus, paging: PageRequest
) -> Response:
    async with runtime.db.reading() as connection:
        page = await reports.list_page(
            connection, tenant_id=who.tenant_id, status=status, page=paging
        )
    return json_response(representation.page_body(page))


_STATUSES = {status.value: status for status in ReportStatus}


@router.get("", response_model=ReportPageOut)
@served_lean(_lean_list)
async def list_reports(
    who: ReportsReader,
    runtime: RuntimeDep,
    status: ReportStatus = ReportStatus.PUBLISHED,
    *,
    paging: Paging,
) -> Response:
    """Reports newest first: published by publishedAt, draft and all by updatedAt."""
    return await _list(runtime, who, status, paging)


async def _lean_latest(request: Request) -> Response:
    return await _latest(get_runtime(request), await authorize(request, "reports:read"))


async def _latest(runtime: RuntimeDep, who: Principal) -> Response:
    async with runtime.db.reading() as connection:
        report = await reports.latest(connection, tenant_id=who.tenant_id)
    return json_response(representation.envelope_body(report))


@router.get("/latest", response_model=ReportEnvelope)
@documented(raises=(NotFound,))
@served_lean(_lean_latest)
async def get_latest_report(who: ReportsReader, runtime: RuntimeDep) -> Response:
    """The published report with the greatest publishedAt."""
    return await _latest(runtime, who)


async def _lean_get(request: Request) -> Response:
    who = await authorize(request, "reports:read")
    return await _get(get_runtime(request), who, request.path_params["slug"])


async def _get(runtime: RuntimeDep, who: Principal, slug: str) -> Response:
    async with runtime.db.reading() as connection:
        report = await reports.get_by_slug(connection, tenant_id=who.tenant_id, slug=slug)
    return json_response(representation.envelope_body(report))


@router.get("/{slug}", response_model=ReportEnvelope)
@documented(raises=(NotFound,))
@served_lean(_lean_get)
async def get_report(slug: str, who: ReportsReader, runtime: RuntimeDep) -> Response:
    """One report by slug, drafts included."""
    return await _get(runtime, who, slug)
