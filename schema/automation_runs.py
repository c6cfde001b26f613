"""Automation runs in GraphQL: queries, the create mutation and the live subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from app.automation_runs import live
from app.automation_runs import service as runs
from app.automation_runs.schemas import CreateRunIn, RunEnvelope, RunOut
from app.core.ids import parse_id
from app.idempotency.service import StoredResponse, stored_json
from db.models.automation_run import TERMINAL_STATUSES
from schema import described
from schema.context import Context
from schema.inputs import (
    IDEMPOTENCY_KEY,
    camel_dict,
    idempotent_mutation,
    run_idempotent,
    validated,
)
from schema.pagination import After, Before, First, Last, connection, page_request
from schema.types import (
    AutomationRun,
    AutomationRunConnection,
    AutomationRunEdge,
    AutomationRunStatus,
    CreateAutomationRunInput,
)

# A run with no published change for this long is read again from the database.
RECHECK_SECONDS = 5.0


@strawberry.type
class AutomationRunQueries:
    @described.field(
        "The tenant's automation run with this id; null when there is none (a malformed id "
        "included). Needs automations:read."
    )
    async def automation_run(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The run's id (a UUID).")],
    ) -> AutomationRun | None:
        info.context.require("automations:read")
        run_id = parse_id(str(id))
        loaders = info.context.loaders
        assert loaders is not None
        row = await loaders.run_by_id.load(run_id) if run_id else None
        return AutomationRun.of(row) if row is not None else None

    @described.field(
        "The tenant's automation runs, newest first, a page at a time. Needs automations:read."
    )
    async def automation_runs(
        self,
        info: Info[Context, None],
        *,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        status: Annotated[
            AutomationRunStatus | None,
            strawberry.argument(description="Only runs in this status; null: every run."),
        ] = None,
    ) -> AutomationRunConnection:
        who = info.context.require("automations:read")
        runtime = info.context.runtime
        request = page_request(runtime, first, after, last, before)
        async with runtime.db.unit_of_work() as session:
            page = await runs.list_page(
                session, tenant_id=who.tenant_id, status=status, page=request
            )
        return connection(page, AutomationRun.of, AutomationRunEdge, AutomationRunConnection)


@strawberry.type
class AutomationRunMutations:
    @described.mutation(
        "Create an automation run and dispatch it to its provider, as the REST "
        "`POST .../automation-runs` does. Needs automations:write."
    )
    async def create_automation_run(
        self,
        info: Info[Context, None],
        input: Annotated[
            CreateAutomationRunInput, strawberry.argument(description="The run to create.")
        ],
        idempotency_key: Annotated[str | None, IDEMPOTENCY_KEY] = None,
    ) -> AutomationRun:
        context = info.context
        who = context.require("automations:write")
        arguments = camel_dict(input)
        idempotent = idempotent_mutation(
            context,
            operation="createAutomationRun",
            document=arguments,
            idempotency_key=idempotency_key,
        )
        new_run = validated(CreateRunIn, arguments, rename={})

        async def effect(session: AsyncSession) -> StoredResponse:
            run = await runs.create_run(
                session, tenant_id=who.tenant_id, run=new_run, trace_id=context.correlation_id
            )
            return stored_json(202, RunEnvelope(data=RunOut.model_validate(run)))

        document = await run_idempotent(idempotent, effect)
        return AutomationRun.of(document["data"])


@strawberry.type
class AutomationRunSubscriptions:
    @described.subscription(
        "The run's current state, then each change, until a terminal status. An unknown run "
        "(another tenant's included) is an error with code not_found. Needs automations:read."
    )
    async def automation_run_updated(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The run's id (a UUID).")],
    ) -> AsyncGenerator[AutomationRun, None]:
        """The run's current state, then each change; ends after a terminal state.

        The run is looked up before the stream starts, so an unknown run (another tenant's
        included) is the protocol's `error` message rather than a stream.
        """
        context = info.context
        who = context.require("automations:read")
        runtime = context.runtime

        async def read_run() -> dict[str, Any]:
            async with runtime.db.unit_of_work() as session:
                row = await runs.get_run(session, tenant_id=who.tenant_id, run_id=str(id))
            return RunOut.model_validate(row).model_dump(mode="json")

        updates = live.RunUpdates(runtime.redis, who.tenant_id)
        # Listen before reading the current state, so no change can fall in between.
        await updates.open()
        try:
            current = await read_run()
        except BaseException:
            await updates.close()
            raise
        return _follow(updates, current, read_run)

    @described.subscription(
        "Each automation run of the tenant as it changes: created (QUEUED), "
        "dispatched, completed, or sent back to QUEUED by an operator. The stream does not end "
        "on its own and sends no current state first: query `automationRuns` for the list, "
        "then apply these changes to it. Needs scope `automations:read`."
    )
    async def automation_runs_changed(
        self, info: Info[Context, None]
    ) -> AsyncGenerator[AutomationRun, None]:
        context = info.context
        who = context.require("automations:read")
        updates = live.RunUpdates(context.runtime.redis, who.tenant_id)
        await updates.open()
        return _every_change(updates)


async def _follow(
    updates: live.RunUpdates,
    current: dict[str, Any],
    read_run: Callable[[], Awaitable[dict[str, Any]]],
) -> AsyncGenerator[AutomationRun, None]:
    """Each newer state of the run until a terminal one. A published update can be lost (a
    Redis blip, a process that died after its commit), so a run quiet for RECHECK_SECONDS is
    read again from the database: the stream always ends."""
    try:
        yield AutomationRun.of(current)
        while current["status"] not in TERMINAL_STATUSES:
            update = await updates.next_for(current["id"], within=RECHECK_SECONDS)
            if update is None:
                update = await read_run()
            if update["updatedAt"] > current["updatedAt"]:
                current = update
                yield AutomationRun.of(current)
    finally:
        await updates.close()


async def _every_change(updates: live.RunUpdates) -> AsyncGenerator[AutomationRun, None]:
    """Each run state published on the tenant's channel, until the client stops listening."""
    try:
        while True:
            run = await updates.next_change(within=RECHECK_SECONDS)
            if run is not None:
                yield AutomationRun.of(run)
    finally:
        await updates.close()
