"""SQL for delivery attempts: claim a due delivery, record its outcome, find due ones, and
release the leases of workers that are gone."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import leases
from db.models.outbox_event import OutboxEvent
from db.models.webhook_delivery import DeliveryStatus, WebhookDelivery
from db.models.webhook_endpoint import WebhookEndpoint


async def lock_due(
    session: AsyncSession, delivery_id: uuid.UUID
) -> tuple[WebhookDelivery, WebhookEndpoint, OutboxEvent] | None:
    """The delivery with its endpoint and event, row-locked, if it is pending and due now.

    A locked row (another worker is claiming it) is skipped, so a duplicate task does nothing.
    """
    row = (
        await session.execute(
            select(WebhookDelivery, WebhookEndpoint, OutboxEvent)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.event_id)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= func.now(),
            )
            .with_for_update(of=WebhookDelivery, skip_locked=True)
        )
    ).first()
    return (row[0], row[1], row[2]) if row else None


async def start_attempt(
    session: AsyncSession, delivery: WebhookDelivery, *, lease: timedelta, holder: int | None
) -> int:
    """Count the attempt and lease the row to `holder`: until the lease ends, or the holder is
    gone, nobody else attempts it."""
    delivery.attempts += 1
    delivery.schedule_step += 1
    delivery.next_attempt_at = func.now() + lease
    delivery.lease_holder = holder
    delivery.updated_at = func.now()
    await session.flush()
    return delivery.attempts


async def record_outcome(
    session: AsyncSession,
    *,
    delivery_id: uuid.UUID,
    attempt: int,
    status: DeliveryStatus,
    status_code: int | None,
    error: str | None,
    response_excerpt: str | None,
    next_attempt_at: datetime | None,
    delivered_at: datetime | None,
) -> bool:
    """Write an attempt's outcome unless the row moved on meanwhile (a later attempt, a retry)."""
    result = await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.attempts == attempt,
        )
        .values(
            status=status,
            last_status_code=status_code,
            last_error=error,
            last_response_body=response_excerpt,
            next_attempt_at=next_attempt_at,
            lease_holder=None,
            delivered_at=delivered_at,
            updated_at=func.now(),
        )
        .returning(WebhookDelivery.id)
    )
    return result.first() is not None


async def due_ids(session: AsyncSession, *, limit: int) -> list[uuid.UUID]:
    """Pending deliveries whose next attempt is due, the longest waiting first."""
    return list(
        await session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= func.now(),
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
        )
    )


async def release_dead_leases(session: AsyncSession, *, limit: int) -> list[uuid.UUID]:
    """Deliveries leased by a worker that is gone; the pending ones are made due."""
    return await leases.release_dead_leases(
        session,
        WebhookDelivery,
        due_again=WebhookDelivery.status == DeliveryStatus.PENDING,
        limit=limit,
        updated_at=func.now(),
    )
