"""Recover an endpoint's dead and skipped deliveries created in a window (CONTRACT.md §14):
count them (a dry run), or start a recovery that the worker carries out batch by batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeAlias

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, NotFound
from app.core.ids import parse_id
from app.webhooks import recovery_repository as repository
from app.webhooks.live import DeliveryChanged
from app.webhooks.recovery_repository import Window
from app.webhooks.repository import find_endpoint
from db.models.webhook_delivery import DeliveryStatus
from db.models.webhook_recovery import RecoveryStatus, WebhookRecovery
from db.session import AfterCommit, after_commit

RECOVERABLE = (DeliveryStatus.DEAD, DeliveryStatus.SKIPPED)
SAMPLE_SIZE = 10
# Deliveries sent back to pending per transaction: short transactions, progress shown often.
BATCH_SIZE = 500
_RECOVERY = "webhook recovery"
# What a recovery covers: the endpoint, [since, until) and the statuses.
RecoveryWindow: TypeAlias = Window


@dataclass(frozen=True)
class RecoveryStarted(AfterCommit):
    """A recovery was committed: enqueue the task that carries it out."""

    recovery_id: uuid.UUID


@dataclass(frozen=True)
class RecoveryPreview:
    count: int
    sample: list[uuid.UUID]


@dataclass(frozen=True)
class BatchDone:
    """One batch of a recovery: how many were sent back to pending, and whether it ended."""

    revived: int
    finished: bool


def parse_recovery_id(value: str) -> uuid.UUID:
    """A path id as a UUID; anything else names no recovery (404, never 422)."""
    if (parsed := parse_id(value)) is None:
        raise NotFound(_RECOVERY)
    return parsed


def window(
    endpoint_id: uuid.UUID,
    *,
    since: datetime,
    until: datetime | None,
    statuses: Sequence[DeliveryStatus] = RECOVERABLE,
) -> RecoveryWindow:
    return Window(endpoint_id, since, until, tuple(statuses))


async def preview_recovery(
    session: AsyncSession, *, tenant_id: uuid.UUID, window: Window
) -> RecoveryPreview:
    """How many deliveries a recovery started now would send back, and the first few ids.
    The same checks as `start_recovery`: NotFound, Conflict for a disabled endpoint."""
    await _recoverable_endpoint(session, tenant_id, window.endpoint_id)
    return RecoveryPreview(
        count=await repository.count_matching(session, tenant_id, window),
        sample=await repository.sample_matching(session, tenant_id, window, limit=SAMPLE_SIZE),
    )


async def start_recovery(
    session: AsyncSession, *, tenant_id: uuid.UUID, window: Window
) -> WebhookRecovery:
    """A recovery of the window's deliveries, counted now (`total`); the worker sends them
    back to pending after the commit. NotFound, or Conflict for a disabled endpoint."""
    await _recoverable_endpoint(session, tenant_id, window.endpoint_id)
    total = await repository.count_matching(session, tenant_id, window)
    recovery = await repository.insert_recovery(session, tenant_id, window, total=total)
    if recovery.status == RecoveryStatus.RUNNING:
        after_commit(session, RecoveryStarted(recovery.id))
    return recovery


async def get_recovery(
    session: AsyncSession, *, tenant_id: uuid.UUID, recovery_id: uuid.UUID
) -> WebhookRecovery:
    """The tenant's recovery, or NotFound."""
    if recovery := await repository.find_recovery(session, tenant_id, recovery_id):
        return recovery
    raise NotFound(_RECOVERY)


async def recover_batch(
    session: AsyncSession, *, recovery_id: uuid.UUID, batch_size: int = BATCH_SIZE
) -> BatchDone | None:
    """Send the recovery's next batch back to pending and record the progress; None when it
    is not running, or another worker is on it now. It fails (its rest counted as failed)
    once the endpoint is disabled: deliveries to a disabled endpoint are not sent."""
    recovery = await repository.lock_running(session, recovery_id)
    if recovery is None:
        return None
    endpoint = await find_endpoint(session, recovery.tenant_id, recovery.endpoint_id)
    if endpoint is None or not endpoint.enabled:
        await repository.record_progress(
            session, recovery_id, revived=0, cursor=None, finished=RecoveryStatus.FAILED
        )
        return BatchDone(revived=0, finished=True)
    revived = await repository.revive_batch(session, recovery, limit=batch_size)
    # Only an empty batch ends it: a short one may have lost rows that changed while it waited
    # on their locks (PostgreSQL does not refill a LIMIT after such a row drops out).
    finished = not revived
    last = max(revived, key=lambda row: (row.created_at, row.id)) if revived else None
    after_commit(session, *(DeliveryChanged(recovery.tenant_id, row) for row in revived))
    await repository.record_progress(
        session,
        recovery_id,
        revived=len(revived),
        cursor=(last.created_at, last.id) if last else None,
        finished=RecoveryStatus.COMPLETED if finished else None,
    )
    return BatchDone(revived=len(revived), finished=finished)


async def claim_stalled_recoveries(
    session: AsyncSession, *, idle_for: timedelta, limit: int
) -> Sequence[uuid.UUID]:
    """Running recoveries that made no progress for `idle_for` (their worker stopped, or their
    task was lost), claimed for resuming: another sweep skips them for `idle_for` more."""
    return await repository.claim_stalled(session, idle_for=idle_for, limit=limit)


async def _recoverable_endpoint(
    session: AsyncSession, tenant_id: uuid.UUID, endpoint_id: uuid.UUID
) -> None:
    endpoint = await find_endpoint(session, tenant_id, endpoint_id)
    if endpoint is None:
        raise NotFound("webhook endpoint")
    if not endpoint.enabled:
        raise Conflict("The endpoint is disabled; enable it before recovering its deliveries.")
