"""Automation runs in GraphQL: queries, the create mutation and the live subscription."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from redis.asyncio.client import PubSub
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from app.api.idempotency import stored_json
from app.automation_runs import live
from app.automation_runs import service as runs
from app.automation_runs.schemas import TERMINAL, CreateRunIn, RunEnvelope, RunOut, RunStatus
from app.core.pagination import MAX_LIMIT, Position
from app.idempotency.service import StoredResponse
from schema.context import Context
from schema.inputs import camel_dict, run_idempotent, validated
from schema.pagination import check_first
from schema.types import (
    AutomationRun,
    AutomationRunConnection,
    AutomationRunEdge,
    AutomationRunStatus,
    CreateAutomationRunInput,
    PageInfo,
    parse_uuid,
)


@strawberry.type
class AutomationRunQueries:
    @strawberry.field
    async def automation_run(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
    ) -> AutomationRun | None:
        info.context.require("automations:read")
        run_id = parse_uuid(str(id))
        loaders = info.context.loaders
        assert loaders is not None
        row = await loaders.run_by_id.load(run_id) if run_id else None
        return AutomationRun.of(row) if row is not None else None

    @strawberry.field
    async def automation_runs(
        self,
        info: Info[Context, None],
        first: int = 20,
        after: str | None = None,
        status: AutomationRunStatus | None = None,
    ) -> AutomationRunConnection:
        who = info.context.require("automations:read")
        runtime = info.context.runtime
        check_first(first, MAX_LIMIT)
        rest_status = RunStatus(status.value) if status else None
        ordering = runs.ordering(rest_status)
        position = runtime.cursors.decode(after, ordering=ordering) if after else None
        async with runtime.db.unit_of_work() as session:
            page = await runs.list_page(
                session, tenant_id=who.tenant_id, status=rest_status, after=position, limit=first
            )
        edges = [
            AutomationRunEdge(
                node=AutomationRun.of(row),
                cursor=runtime.cursors.encode(Position(ordering, row.created_at, row.id)),
            )
            for row in page.items
        ]
        return AutomationRunConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.next_position is not None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )


@strawberry.type
class AutomationRunMutations:
    @strawberry.mutation
    async def create_automation_run(
        self,
        info: Info[Context, None],
        input: CreateAutomationRunInput,
        idempotency_key: str | None = None,
    ) -> AutomationRun:
        context = info.context
        who = context.require("automations:write")
        new_run = validated(CreateRunIn, camel_dict(input), rename={})

        async def effect(session: AsyncSession) -> StoredResponse:
            run = await runs.create_run(
                session, tenant_id=who.tenant_id, run=new_run, trace_id=context.correlation_id
            )
            return stored_json(202, RunEnvelope(data=RunOut.model_validate(run)))

        document = await run_idempotent(
            context,
            operation="createAutomationRun",
            arguments=new_run.model_dump(mode="json", by_alias=True),
            idempotency_key=idempotency_key,
            effect=effect,
        )
        return AutomationRun.from_representation(document["data"])


@strawberry.type
class AutomationRunSubscriptions:
    @strawberry.subscription
    async def automation_run_updated(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
    ) -> AsyncGenerator[AutomationRun, None]:
        """The run's current state, then each change; ends after a terminal state.

        The run is looked up before the stream starts, so an unknown run (another tenant's
        included) is the protocol's `error` message rather than a stream.
        """
        context = info.context
        who = context.require("automations:read")
        pubsub = context.runtime.redis.pubsub()
        # Subscribe before reading the current state, so no change can fall in between.
        await pubsub.subscribe(live.channel(who.tenant_id))
        try:
            async with context.runtime.db.unit_of_work() as session:
                row = await runs.get_run(session, tenant_id=who.tenant_id, run_id=str(id))
        except BaseException:
            await _close(pubsub)
            raise
        return _follow(pubsub, RunOut.model_validate(row).model_dump(mode="json"))


async def _follow(pubsub: PubSub, current: dict[str, Any]) -> AsyncGenerator[AutomationRun, None]:
    try:
        yield AutomationRun.from_representation(current)
        while current["status"] not in TERMINAL:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=30)
            update = _run_update(message, current["id"])
            if update is not None and update["updatedAt"] > current["updatedAt"]:
                current = update
                yield AutomationRun.from_representation(current)
    finally:
        await _close(pubsub)


async def _close(pubsub: PubSub) -> None:
    await pubsub.unsubscribe()
    await pubsub.aclose()  # type: ignore[no-untyped-call]


def _run_update(message: dict[str, Any] | None, run_id: str) -> dict[str, Any] | None:
    if message is None or message.get("type") != "message":
        return None
    run: dict[str, Any] = json.loads(message["data"])
    return run if run.get("id") == run_id else None
