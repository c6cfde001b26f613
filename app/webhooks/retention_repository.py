"""SQL for retention: finished deliveries and relayed events past their age, deleted a bounded
batch per statement, oldest first, each read through a partial index on its age."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import (
    Boolean,
    ColumnElement,
    delete,
    exists,
    func,
    literal,
    literal_column,
    not_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningDelete

from app.webhooks.id_arrays import in_batch
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


def deleting_old_deliveries(older_than: timedelta, limit: int) -> ReturningDelete[uuid.UUID]:
    """The batch's ids are gathered first (ix_webhook_deliveries_finished, oldest first, locked
    with SKIP LOCKED) into one array, then deleted by primary key: `id IN (subquery)` was
    planned as a hash join over the whole table."""
    doomed = (
        select(WebhookDelivery.id)
        .where(*_old_finished_delivery(older_than))
        .order_by(WebhookDelivery.updated_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .subquery("doomed")
    )
    return (
        delete(WebhookDelivery)
        .where(in_batch(WebhookDelivery.id, doomed))
        .returning(WebhookDelivery.id)
    )


async def delete_old_deliveries(session: AsyncSession, *, older_than: timedelta, limit: int) -> int:
    """Delete up to `limit` deliveries finished (delivered, dead, skipped) before now minus
    `older_than`, oldest first; rows another transaction holds are left for the next batch."""
    deleted = await session.scalars(
        deleting_old_deliveries(older_than, limit),
        execution_options={"synchronize_session": False},
    )
    return len(deleted.all())


def deleting_old_events(older_than: timedelta, limit: int) -> ReturningDelete[uuid.UUID]:
    """Old relayed events read oldest first (ix_outbox_events_relayed), each probed for a
    remaining delivery through the (event_id, endpoint_id) index. The OFFSET 0 keeps the probe
    a per-row subplan: as an anti join it was planned as a hash of every delivery."""
    remaining = (
        select(literal(1)).where(WebhookDelivery.event_id == OutboxEvent.id).offset(0).exists()
    )
    doomed = (
        select(OutboxEvent.id)
        .where(_old_relayed_event(older_than), not_(remaining))
        .order_by(OutboxEvent.relayed_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .subquery("doomed")
    )
    return delete(OutboxEvent).where(in_batch(OutboxEvent.id, doomed)).returning(OutboxEvent.id)


async def delete_old_events(session: AsyncSession, *, older_than: timedelta, limit: int) -> int:
    """Delete up to `limit` events relayed before now minus `older_than` that no delivery
    refers to any more, oldest first."""
    deleted = await session.scalars(
        deleting_old_events(older_than, limit),
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
