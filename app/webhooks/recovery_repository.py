"""SQL for recoveries: the deliveries a window matches, the recovery rows, and one batch sent
back to pending in one statement."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, insert, literal, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.webhooks.id_arrays import in_batch
from app.webhooks.repository import BACK_TO_PENDING, LOG_COLUMNS, DeliveryLogEntry
from db.models.outbox_event import OutboxEvent
from db.models.webhook_delivery import DeliveryStatus, WebhookDelivery
from db.models.webhook_recovery import RecoveryStatus, WebhookRecovery


@dataclass(frozen=True)
class Window:
    """Deliveries of one endpoint created in [since, until) with one of `statuses`; `until`
    None means the transaction's time."""

    endpoint_id: uuid.UUID
    since: datetime
    until: datetime | None
    statuses: tuple[DeliveryStatus, ...]


def _until(window: Window) -> ColumnElement[datetime]:
    return literal(window.until) if window.until is not None else func.now()


def _matching(tenant_id: uuid.UUID, window: Window) -> list[ColumnElement[bool]]:
    """Served by ix_webhook_deliveries_log (endpoint_id, created_at, id)."""
    return [
        WebhookDelivery.endpoint_id == window.endpoint_id,
        WebhookDelivery.tenant_id == tenant_id,
        WebhookDelivery.created_at >= window.since,
        WebhookDelivery.created_at < _until(window),
        WebhookDelivery.status.in_(window.statuses),
    ]


async def count_matching(session: AsyncSession, tenant_id: uuid.UUID, window: Window) -> int:
    count = await session.scalar(
        select(func.count()).select_from(WebhookDelivery).where(*_matching(tenant_id, window))
    )
    return int(count or 0)


async def sample_matching(
    session: AsyncSession, tenant_id: uuid.UUID, window: Window, *, limit: int
) -> list[uuid.UUID]:
    """The first `limit` in the order a recovery goes through them (oldest first)."""
    ids = await session.scalars(
        select(WebhookDelivery.id)
        .where(*_matching(tenant_id, window))
        .order_by(WebhookDelivery.created_at, WebhookDelivery.id)
        .limit(limit)
    )
    return list(ids)


async def insert_recovery(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    window: Window,
    *,
    total: int,
) -> WebhookRecovery:
    """A running recovery, or a completed one when there is nothing to recover."""
    nothing = total == 0
    recovery: WebhookRecovery | None = await session.scalar(
        insert(WebhookRecovery)
        .values(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            endpoint_id=window.endpoint_id,
            since=window.since,
            until=_until(window),
            statuses=[status.value for status in window.statuses],
            status=RecoveryStatus.COMPLETED if nothing else RecoveryStatus.RUNNING,
            total=total,
            completed_at=func.now() if nothing else None,
        )
        .returning(WebhookRecovery)
    )
    assert recovery is not None
    return recovery


async def find_recovery(
    session: AsyncSession, tenant_id: uuid.UUID, recovery_id: uuid.UUID
) -> WebhookRecovery | None:
    return await session.scalar(
        select(WebhookRecovery).where(
            WebhookRecovery.tenant_id == tenant_id, WebhookRecovery.id == recovery_id
        )
    )


async def lock_running(session: AsyncSession, recovery_id: uuid.UUID) -> WebhookRecovery | None:
    """The running recovery, locked for one batch; None when it is finished, gone, or another
    worker holds it now."""
    return await session.scalar(
        select(WebhookRecovery)
        .where(WebhookRecovery.id == recovery_id, WebhookRecovery.status == RecoveryStatus.RUNNING)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )


async def revive_batch(
    session: AsyncSession, recovery: WebhookRecovery, *, limit: int
) -> list[DeliveryLogEntry]:
    """The next `limit` matching deliveries after the recovery's cursor back to pending, due
    now, at schedule step 0 (attempts keep counting, as a retry does), as they are now."""
    window = Window(
        endpoint_id=recovery.endpoint_id,
        since=recovery.since,
        until=recovery.until,
        statuses=tuple(DeliveryStatus(status) for status in recovery.statuses),
    )
    batch = select(WebhookDelivery.id).where(*_matching(recovery.tenant_id, window))
    if recovery.cursor_created_at is not None and recovery.cursor_id is not None:
        batch = batch.where(
            tuple_(WebhookDelivery.created_at, WebhookDelivery.id)
            > tuple_(literal(recovery.cursor_created_at), literal(recovery.cursor_id))
        )
    chosen = (
        batch.order_by(WebhookDelivery.created_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update()
        .subquery("chosen")
    )
    rows = await session.execute(
        update(WebhookDelivery)
        .where(in_batch(WebhookDelivery.id, chosen), OutboxEvent.id == WebhookDelivery.event_id)
        .values(BACK_TO_PENDING)
        .returning(*LOG_COLUMNS),
        execution_options={"synchronize_session": False},
    )
    return [DeliveryLogEntry(**row._asdict()) for row in rows]


async def record_progress(
    session: AsyncSession,
    recovery_id: uuid.UUID,
    *,
    revived: int,
    cursor: tuple[datetime, uuid.UUID] | None,
    finished: RecoveryStatus | None,
) -> WebhookRecovery | None:
    """Count a batch and move the cursor; `finished` ends the recovery: what was counted at
    the start and not recovered is `failed`."""
    done = WebhookRecovery.done + revived
    # `total` was counted at the start; it covers any recovered beyond it (died meanwhile).
    values: dict[str, object] = {
        "done": done,
        "total": func.greatest(WebhookRecovery.total, done),
        "updated_at": func.now(),
    }
    if cursor is not None:
        values |= {"cursor_created_at": cursor[0], "cursor_id": cursor[1]}
    if finished is not None:
        values |= {
            "status": finished,
            "completed_at": func.now(),
            "failed": func.greatest(WebhookRecovery.total - done, 0),
        }
    return await session.scalar(
        update(WebhookRecovery)
        .where(WebhookRecovery.id == recovery_id)
        .values(values)
        .returning(WebhookRecovery),
        execution_options={"populate_existing": True},
    )


async def claim_stalled(
    session: AsyncSession, *, idle_for: timedelta, limit: int
) -> list[uuid.UUID]:
    """Running recoveries without progress for `idle_for` (ix_webhook_recoveries_running),
    touched so that only one sweep resumes each."""
    stalled = (
        select(WebhookRecovery.id)
        .where(
            and_(
                # ix_webhook_recoveries_running's predicate, as a literal (see retention).
                text(f"webhook_recoveries.status = '{RecoveryStatus.RUNNING}'"),
                WebhookRecovery.updated_at < func.now() - idle_for,
            )
        )
        .order_by(WebhookRecovery.updated_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("stalled")
    )
    ids = await session.scalars(
        update(WebhookRecovery)
        .where(WebhookRecovery.id == stalled.c.id)
        .values(updated_at=func.now())
        .returning(WebhookRecovery.id),
        execution_options={"synchronize_session": False},
    )
    return list(ids)
