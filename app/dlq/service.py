"""The dead-letter queue (`aetherflow dlq`): dead webhook deliveries and automation runs whose
dispatch was exhausted, listed and sent again."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.automation_runs import repository as runs
from app.automation_runs.transitions import retry_exhausted
from app.core.errors import NotFound
from app.webhooks import service as webhooks
from db.models.outbox_event import OutboxEvent
from db.models.webhook_delivery import WebhookDelivery
from db.session import after_commit

LIST_LIMIT = 1000


@dataclass(frozen=True)
class DeadLetter:
    kind: str
    id: uuid.UUID
    tenant_id: uuid.UUID
    last_error: str | None
    last_status_code: int | None
    attempts: int
    detail: dict[str, str]
    dead_since: datetime


async def list_dead(session: AsyncSession, *, tenant_id: uuid.UUID | None) -> list[DeadLetter]:
    """Dead deliveries, then exhausted runs, most recent first (at most LIST_LIMIT of each)."""
    query = (
        select(WebhookDelivery, OutboxEvent.event_type)
        .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.status == "dead")
        .order_by(WebhookDelivery.updated_at.desc())
        .limit(LIST_LIMIT)
    )
    if tenant_id is not None:
        query = query.where(WebhookDelivery.tenant_id == tenant_id)
    letters = [
        DeadLetter(
            kind="delivery",
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
        for delivery, event_type in await session.execute(query)
    ]
    for run in await runs.list_exhausted(session, tenant_id, limit=LIST_LIMIT):
        error = run.error or {}
        status_code = error.get("statusCode")
        letters.append(
            DeadLetter(
                kind="automation_run",
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


async def retry_all(session: AsyncSession, *, tenant_id: uuid.UUID) -> list[uuid.UUID]:
    """Send every dead delivery and exhausted run of the tenant again, each from the start of
    its schedule."""
    revived = await session.scalars(
        update(WebhookDelivery)
        .where(WebhookDelivery.tenant_id == tenant_id, WebhookDelivery.status == "dead")
        .values(
            status="pending", schedule_step=0, next_attempt_at=func.now(), updated_at=func.now()
        )
        .returning(WebhookDelivery.id)
    )
    deliveries = list(revived)
    for delivery_id in deliveries:
        after_commit(session, webhooks.DeliveryDue(delivery_id))
    retried_runs = await retry_exhausted(session, tenant_id=tenant_id, run_ids=None)
    return deliveries + [run.id for run in retried_runs]
