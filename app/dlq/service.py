"""The dead-letter queue (`aetherflow dlq`): dead webhook deliveries and automation runs whose
dispatch was exhausted, listed and sent again."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from app.automation_runs import repository as runs
from app.automation_runs.transitions import retry_exhausted
from app.core.errors import NotFound
from app.webhooks import repository as deliveries
from app.webhooks import service as webhooks

LIST_LIMIT = 1000
RETRY_BATCH_SIZE = 500


class DeadLetterKind(StrEnum):
    DELIVERY = "delivery"
    AUTOMATION_RUN = "automation_run"


@dataclass(frozen=True)
class DeadLetter:
    kind: DeadLetterKind
    id: uuid.UUID
    tenant_id: uuid.UUID
    last_error: str | None
    last_status_code: int | None
    attempts: int
    detail: dict[str, str]
    dead_since: datetime


async def list_dead(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID | None,
    endpoint_id: uuid.UUID | None = None,
    limit: int | None = None,
) -> list[DeadLetter]:
    """Dead deliveries, then exhausted runs, most recent first: at most `limit` in all, or
    without it at most LIST_LIMIT of each kind. With `endpoint_id`, only that endpoint's
    deliveries (runs have no endpoint)."""
    letters = await _dead_deliveries(
        session, tenant_id=tenant_id, endpoint_id=endpoint_id, limit=limit or LIST_LIMIT
    )
    runs_wanted = LIST_LIMIT if limit is None else limit - len(letters)
    if endpoint_id is None and runs_wanted > 0:
        letters += await _exhausted_runs(session, tenant_id=tenant_id, limit=runs_wanted)
    return letters


async def list_retryable(session: AsyncSession, *, tenant_id: uuid.UUID) -> list[DeadLetter]:
    """Every dead delivery and exhausted run of the tenant (what `retry` of all sends again)."""
    deliveries = await _dead_deliveries(session, tenant_id=tenant_id, endpoint_id=None, limit=None)
    return deliveries + await _exhausted_runs(session, tenant_id=tenant_id, limit=None)


async def retry_one(
    session: AsyncSession, *, tenant_id: uuid.UUID, item_id: uuid.UUID
) -> uuid.UUID:
    """Send one dead delivery or exhausted run again (NotFound / Conflict as the API answers)."""
    if await retry_exhausted(session, tenant_id=tenant_id, run_ids=[item_id]):
        return item_id
    try:
        await webhooks.retry_delivery(session, tenant_id=tenant_id, delivery_id=item_id)
    except NotFound:
        raise NotFound("dead delivery or dispatch-exhausted run") from None
    return item_id


async def retry(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    letters: Sequence[DeadLetter],
    on_batch: Callable[[int], None] = lambda _: None,
) -> list[DeadLetter]:
    """Send these dead letters of the tenant again, each from the start of its schedule,
    RETRY_BATCH_SIZE at a time (`on_batch(size)` follows each). The letters sent again: one
    no longer dead is left alone."""
    retried: list[DeadLetter] = []
    for start in range(0, len(letters), RETRY_BATCH_SIZE):
        batch = letters[start : start + RETRY_BATCH_SIZE]
        delivery_ids = [letter.id for letter in batch if letter.kind is DeadLetterKind.DELIVERY]
        run_ids = [letter.id for letter in batch if letter.kind is DeadLetterKind.AUTOMATION_RUN]
        revived: set[uuid.UUID] = set()
        if delivery_ids:
            revived.update(
                await webhooks.retry_dead_deliveries(
                    session, tenant_id=tenant_id, delivery_ids=delivery_ids
                )
            )
        if run_ids:
            runs_revived = await retry_exhausted(session, tenant_id=tenant_id, run_ids=run_ids)
            revived.update(run.id for run in runs_revived)
        retried += [letter for letter in batch if letter.id in revived]
        on_batch(len(batch))
    return retried


async def _dead_deliveries(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID | None,
    endpoint_id: uuid.UUID | None,
    limit: int | None,
) -> list[DeadLetter]:
    dead = await deliveries.list_dead_deliveries(
        session, tenant_id=tenant_id, endpoint_id=endpoint_id, limit=limit
    )
    return [
        DeadLetter(
            kind=DeadLetterKind.DELIVERY,
            id=delivery.id,
            tenant_id=delivery.tenant_id,
            last_error=delivery.last_error,
            last_status_code=delivery.last_status_code,
            attempts=delivery.attempts,
            detail={
                "endpointId": str(delivery.endpoint_id),
                "eventId": str(delivery.event_id),
                "eventType": event_type,
            },
            dead_since=delivery.updated_at,
        )
        for delivery, event_type in dead
    ]


async def _exhausted_runs(
    session: AsyncSession, *, tenant_id: uuid.UUID | None, limit: int | None
) -> list[DeadLetter]:
    letters = []
    for run in await runs.list_exhausted(session, tenant_id, limit=limit):
        error = run.error or {}
        status_code = error.get("statusCode")
        letters.append(
            DeadLetter(
                kind=DeadLetterKind.AUTOMATION_RUN,
                id=run.id,
                tenant_id=run.tenant_id,
                last_error=str(error.get("message")) if error.get("message") else None,
                last_status_code=status_code if isinstance(status_code, int) else None,
                attempts=run.attempts,
                detail={"flowId": run.flow_id, "correlationId": run.correlation_id},
                dead_since=run.updated_at,
            )
        )
    return letters
