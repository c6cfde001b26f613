"""Reports in GraphQL: thin resolvers over app.reports.service."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from app.idempotency.service import StoredResponse
from app.outbox.events import EventOrigin
from app.reports import service as reports
from app.reports.schemas import ReportBatchIn
from app.reports.schemas import ReportStatus as RestReportStatus
from db.session import WriteTarget
from schema import described
from schema.context import Context
from schema.inputs import (
    IDEMPOTENCY_KEY,
    camel_dict,
    idempotent_mutation,
    stored_document,
    validated,
)
from schema.pagination import After, Before, First, Last, connection, page_request
from schema.types import (
    Report,
    ReportConnection,
    ReportEdge,
    ReportInput,
    ReportStatus,
    UpsertReportsPayload,
)


@strawberry.type
class ReportQueries:
    @described.field("The tenant's reports, a page at a time. Needs reports:read.")
    async def reports(
        self,
        info: Info[Context, None],
        *,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        status: Annotated[
            ReportStatus, strawberry.argument(description="Which reports, in which order.")
        ] = ReportStatus.PUBLISHED,
    ) -> ReportConnection:
        who = info.context.require("reports:read")
        runtime = info.context.runtime
        request = page_request(runtime, first, after, last, before)
        async with runtime.db.reading() as database:
            page = await reports.list_page(
                database,
                tenant_id=who.tenant_id,
                status=RestReportStatus(status.value),
                page=request,
            )
        return connection(page, Report.of, ReportEdge, ReportConnection)

    @described.field(
        "The tenant's report with this slug; null when there is none. Needs reports:read."
    )
    async def report(
        self,
        info: Info[Context, None],
        slug: Annotated[str, strawberry.argument(description="The report's slug.")],
    ) -> Report | None:
        info.context.require("reports:read")
        loaders = info.context.loaders
        assert loaders is not None
        row = await loaders.report_by_slug.load(slug)
        return Report.of(row) if row is not None else None

    @described.field(
        "The tenant's most recently published report; null when none is published. "
        "Needs reports:read."
    )
    async def latest_report(self, info: Info[Context, None]) -> Report | None:
        who = info.context.require("reports:read")
        async with info.context.runtime.db.reading() as database:
            row = await reports.find_latest(database, tenant_id=who.tenant_id)
        return Report.of(row) if row is not None else None


@strawberry.type
class ReportMutations:
    @described.mutation(
        "Create or replace reports by slug, in one transaction, as the REST batch "
        "`POST .../reports` does. Needs reports:write."
    )
    async def upsert_reports(
        self,
        info: Info[Context, None],
        input: Annotated[
            list[ReportInput],
            strawberry.argument(description="The reports, 1 to 500, each slug once."),
        ],
        idempotency_key: Annotated[str | None, IDEMPOTENCY_KEY] = None,
    ) -> UpsertReportsPayload:
        context = info.context
        who = context.require("reports:write")
        arguments = {"reports": camel_dict(input)}
        idempotent = idempotent_mutation(
            context, operation="upsertReports", document=arguments, idempotency_key=idempotency_key
        )
        batch = validated(ReportBatchIn, arguments, rename={"reports": "input"})

        async def effect(target: WriteTarget) -> StoredResponse:
            outcomes = await reports.upsert_batch(
                target,
                tenant_id=who.tenant_id,
                items=batch.reports,
                origin=EventOrigin.of_request(idempotent.key),
            )
            return StoredResponse(200, reports.batch_body(outcomes))

        document = stored_document(await idempotent.run_statement(effect))
        return UpsertReportsPayload.of(document)
