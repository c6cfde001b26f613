"""One delivery attempt: claim the due row, sign, POST, record the outcome (CONTRACT.md §8).

PostgreSQL holds the delivery's state. A task may run twice (a duplicated or reclaimed
message): the claim only succeeds for a pending row that is due and not locked, and counting
the attempt leases the row to this worker, so each schedule step is attempted once while the
worker lives (db/leases.py).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from loguru import logger
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.metrics import DeliveryOutcome, record_webhook_attempt
from app.core.retry import is_retryable_status, next_delay, parse_retry_after
from app.core.time import rfc3339, utc_now
from app.webhooks import delivery_repository as repository
from app.webhooks.secrets import SecretBox, signing_secrets
from app.webhooks.sender import SendResult, post_json
from app.webhooks.signing import signature_header
from db.leases import lease_for
from db.models.outbox_event import OutboxEvent
from db.models.webhook_delivery import DeliveryStatus
from db.session import Database

DISABLED_ENDPOINT_ERROR = "endpoint disabled"
# How an attempt counts, by the delivery's status after it.
_OUTCOMES = {
    DeliveryStatus.DELIVERED: DeliveryOutcome.DELIVERED,
    DeliveryStatus.PENDING: DeliveryOutcome.RETRY,
    DeliveryStatus.DEAD: DeliveryOutcome.DEAD,
}


@dataclass(frozen=True)
class AttemptReport:
    delivery_id: uuid.UUID
    attempt: int
    status: DeliveryStatus
    retry_in: float | None


def webhook_body(event: OutboxEvent) -> str:
    """`{type, timestamp, data}`: the same bytes on every attempt and for every endpoint."""
    return json.dumps(
        {"type": event.event_type, "timestamp": rfc3339(event.occurred_at), "data": event.payload},
        separators=(",", ":"),
        ensure_ascii=False,
    )


async def attempt_delivery(
    db: Database,
    http: httpx.AsyncClient,
    settings: Settings,
    delivery_id: uuid.UUID,
    *,
    holder: int | None = None,
) -> AttemptReport | None:
    """Attempt the delivery if it is due; None when there was nothing to do.

    `holder` is the worker's liveness lock id (None: the lease only ends by time).
    """
    async with db.unit_of_work() as session:
        found = await repository.lock_due(session, delivery_id)
        if found is None:
            return None
        delivery, endpoint, event = found
        if not endpoint.enabled:
            delivery.status, delivery.last_error, delivery.next_attempt_at = (
                DeliveryStatus.DEAD,
                DISABLED_ENDPOINT_ERROR,
                None,
            )
            return AttemptReport(delivery_id, delivery.attempts, DeliveryStatus.DEAD, None)
        lease = lease_for(settings.webhook_timeout_seconds)
        attempt = await repository.start_attempt(session, delivery, lease=lease, holder=holder)
        step = delivery.schedule_step
        secrets = signing_secrets(
            endpoint, SecretBox.from_keys(settings.data_encryption_key), utc_now()
        )
        url = endpoint.url

    body = webhook_body(event)
    sent_at = datetime.now(UTC).replace(microsecond=0)
    headers = {
        "content-type": "application/json",
        "webhook-id": str(event.id),
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature_header(secrets, str(event.id), sent_at, body),
        "x-correlation-id": event.correlation_id or str(event.id),
    }
    result = await post_json(
        http,
        url,
        body=body.encode(),
        headers=headers,
        timeout_seconds=settings.webhook_timeout_seconds,
        allow_http=settings.webhook_allow_http,
        allow_private=settings.webhook_allow_private_targets,
    )
    report = await _record(
        db, settings, delivery_id=delivery_id, attempt=attempt, step=step, result=result
    )
    record_webhook_attempt(_OUTCOMES[report.status])
    logger.bind(
        deliveryId=str(delivery_id),
        eventId=str(event.id),
        tenant_id=str(event.tenant_id),
        correlation_id=event.correlation_id,
        attempt=attempt,
        statusCode=result.status_code,
        outcome=report.status,
    ).info("webhook attempt")
    return report


async def _record(
    db: Database,
    settings: Settings,
    *,
    delivery_id: uuid.UUID,
    attempt: int,
    step: int,
    result: SendResult,
) -> AttemptReport:
    now = utc_now()
    retry_in: float | None = None
    if result.succeeded:
        status = DeliveryStatus.DELIVERED
    elif result.status_code is None or is_retryable_status(result.status_code):
        retry_in = next_delay(
            settings.webhook_retry_schedule, step, parse_retry_after(result.retry_after)
        )
        status = DeliveryStatus.PENDING if retry_in is not None else DeliveryStatus.DEAD
    else:
        status = DeliveryStatus.DEAD
    error = result.error or (None if result.succeeded else f"HTTP {result.status_code}")
    async with db.unit_of_work() as session:
        recorded = await repository.record_outcome(
            session,
            delivery_id=delivery_id,
            attempt=attempt,
            status=status,
            status_code=result.status_code,
            error=error,
            response_excerpt=result.response_excerpt,
            next_attempt_at=now + timedelta(seconds=retry_in) if retry_in is not None else None,
            delivered_at=now if status == DeliveryStatus.DELIVERED else None,
        )
    if not recorded:
        logger.warning("delivery {} moved on during attempt {}", delivery_id, attempt)
    return AttemptReport(delivery_id, attempt, status, retry_in)


async def due_delivery_ids(session: AsyncSession, *, limit: int) -> list[uuid.UUID]:
    """Pending deliveries whose next attempt is due, the longest waiting first."""
    return await repository.due_ids(session, limit=limit)


async def release_abandoned_deliveries(session: AsyncSession, *, limit: int) -> list[uuid.UUID]:
    """Deliveries leased by a worker that is gone, made due again; their ids."""
    return await repository.release_dead_leases(session, limit=limit)
