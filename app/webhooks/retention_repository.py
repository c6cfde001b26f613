"""SQL for retention: finished deliveries and relayed events past their age, deleted a bounded
batch per statement, oldest first, each read through a partial index on its age."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Boolean, ColumnElement, delete, exists, func, literal_column, not_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.outbox_event import OutboxEvent
from db.models.webhook_delivery import DeliveryStatus, WebhookDelivery

FINISHED = (DeliveryStatus.DELIVERED, DeliveryStatus.DEAD, DeliveryStatus.SKIPPED)
# Written as ix_webhook_deliveries_finished's predicate, in literals: a condition with bound
# parameters would not prove the partial index usable to a generic plan.
_FINISHED = literal_column(
    "webhook_deliveries.status IN (" + ", ".join(f"'{s}'" for s in FINISHED) + ")", Boolean
)


def _old_finished_delivery(older_than: timedelta) -> list[ColumnElement[bool]]:
    return [_FINISHED, WebhookDelivery.updated_at < func.now() - older_than]


def _old_relayed_event(older_than: timedelta) -> ColumnElement[bool]:
    return OutboxEvent.relayed_at < func.now() - older_than


async def delete_old_deliveries(session: AsyncSession, *, older_than: timedelta, limit: int) -> int:
    """Delete up to `limit` deliveries finished (delivered, dead, skipped) before now minus
    `older_than`, oldest first; rows another transaction holds are left for the next batch."""
    doomed = (
        select(WebhookDelivery.id)
        .where(*_old_finished_delivery(older_than))
        .order_by(WebhookDelivery.updated_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    deleted = await session.scalars(
        delete(WebhookDelivery)
        .where(WebhookDelivery.id.in_(doomed.scalar_subquery()))
        .returning(WebhookDelivery.id),
        execution_options={"synchronize_session": False},
    )
    return len(deleted.all())


async def delete_old_events(session: AsyncSession, *, older_than: timedelta, limit: int) -> int:
    """Delete up to `limit` events relayed before now minus `older_than` that no delivery
    refers to any more, oldest first."""
    doomed = (
        select(OutboxEvent.id)
        .where(
            _old_relayed_event(older_than),
            not_(exists().where(WebhookDelivery.event_id == OutboxEvent.id)),
        )
        .order_by(OutboxEvent.relayed_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    deleted = await session.scalars(
        delete(OutboxEvent)
        .where(OutboxEvent.id.in_(doomed.scalar_subquery()))
        .returning(OutboxEvent.id),
        execution_options={"synchronize_session": False},
    )
    return len(deleted.all())


async def count_old_deliveries(session: AsyncSession, *, older_than: timedelta) -> int:
    count = await session.scalar(
        select(func.count()).select_from(WebhookDelivery).where(*_old_finished_delivery(older_than))
    )
    return int(count or 0)


async def count_old_events(session: AsyncSession, *, older_than: timedelta) -> int:
    """Old relayed events whose deliveries are all old and finished: those a prune deletes
    once it has deleted their deliveries."""
    kept = exists().where(
        WebhookDelivery.event_id == OutboxEvent.id,
        not_(_FINISHED & (WebhookDelivery.updated_at < func.now() - older_than)),
    )
    count = await session.scalar(
        select(func.count())
        .select_from(OutboxEvent)
        .where(_old_relayed_event(older_than), not_(kept))
    )
    return int(count or 0)
