"""Delivery attempts: claim due deliveries, sign, POST, record the outcomes (CONTRACT.md §8).

PostgreSQL holds every delivery's state. Claims and outcomes are written a batch at a time,
one statement each. A claim only takes pending rows that are due and not locked, and counting
the attempt leases the row to the claiming worker, so each schedule step is attempted once
while that worker lives (db/leases.py); an outcome is written only to the attempt it belongs to.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from loguru import logger
from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import ConnectionPoolEntry

from app.core import json_codec
from app.core.config import Settings
from app.core.logging import log_info
from app.core.metrics import DeliveryOutcome, record_webhook_attempt
from app.core.retry import is_retryable_status, next_delay, parse_retry_after
from app.core.time import rfc3339, utc_now
from app.outbox.relay import DISABLED_ENDPOINT_ERROR
from app.webhooks import delivery_repository as repository
from app.webhooks.backpressure import Pacing, pacing_of
from app.webhooks.claims import ClaimedDelivery, Outcome
from app.webhooks.failing import act_on_failing_endpoints, failing_rule
from app.webhooks.live import DeliveryChanged
from app.webhooks.repository import DeliveryLogEntry
from app.webhooks.secrets import SecretBox, signing_secrets
from app.webhooks.sender import ClientPool, SendResult, post_json
from app.webhooks.signing import signatures
from db.leases import lease_for
from db.models.webhook_delivery import DeliveryStatus
from db.session import Database, after_commit

# How an attempt counts, by the delivery's status after it.
_OUTCOMES = {
    DeliveryStatus.DELIVERED: DeliveryOutcome.DELIVERED,
    DeliveryStatus.PENDING: DeliveryOutcome.RETRY,
    DeliveryStatus.DEAD: DeliveryOutcome.DEAD,
}


@dataclass(frozen=True)
class RecordedAttempts:
    reports: list[AttemptReport]
    # Endpoints whose run of failed attempts is now past a threshold: for
    # app/webhooks/failing.py to disable or warn about.
    failing_endpoints: set[uuid.UUID]


@dataclass(frozen=True)
class AttemptReport:
    delivery_id: uuid.UUID
    attempt: int
    status: DeliveryStatus
    retry_in: float | None


@dataclass(frozen=True)
class Attempted:
    """An attempt made, with its outcome still to be recorded."""

    delivery: ClaimedDelivery
    outcome: Outcome
    retry_in: float | None
    # What the receiver's answer asked of the endpoint's pace (app/webhooks/pacer.py).
    pacing: Pacing | None = None


def webhook_body(delivery: ClaimedDelivery) -> bytes:
    """`{type, timestamp, data}`: the same bytes on every attempt and for every endpoint.

    `data` is spliced in as PostgreSQL prints the stored JSON, never decoded and encoded again.
    """
    head = json_codec.dumps(
        {"type": delivery.event_type, "timestamp": rfc3339(delivery.occurred_at)}
    )
    return b'%b,"data":%b}' % (head[:-1], delivery.payload_json.encode())


def delivery_loop_database(settings: Settings, *, connections: int) -> Database:
    """`connections` for the delivery loop's claims and records, in autocommit (each is one
    statement), on which PostgreSQL plans each prepared statement once (a generic plan) instead
    of on every execution.

    Left to choose, PostgreSQL plans these statements again on every execution (their custom
    plans look cheaper than the generic one), which was about a third of its CPU per claim and
    record; the generic plans are the same index scans (ix_webhook_deliveries_due in order, then
    primary keys) whatever the parameters. Only the loop's claims (never of given ids) and
    records run here, so no other statement is planned this way.
    """
    db = Database.connect(settings.sqlalchemy_url, pool_size=connections, autocommit=True)
    event.listen(db.engine.sync_engine, "connect", _plan_once)
    return db


def _plan_once(connection: DBAPIConnection, _entry: ConnectionPoolEntry) -> None:
    connection.run_async(lambda driver: driver.execute("SET plan_cache_mode = force_generic_plan"))


async def claim_deliveries(
    db: Database,
    settings: Settings,
    *,
    limit: int,
    holder: int | None,
    only: Sequence[uuid.UUID] | None = None,
) -> list[ClaimedDelivery]:
    """Claim up to `limit` due deliveries (among `only`, when given), oldest due first, in one
    statement.

    `holder` is the worker's liveness lock id (None: the leases only end by time). A delivery
    whose endpoint is disabled ends `skipped` in the claim; it comes back with
    `endpoint_enabled` false, not to be sent.
    """
    lease = lease_for(settings.webhook_timeout_seconds)
    async with db.autocommit() as connection:
        claimed = await repository.claim_due(
            connection,
            limit=limit,
            lease_seconds=lease.total_seconds(),
            holder=holder,
            disabled_error=DISABLED_ENDPOINT_ERROR,
            only=only,
        )
    after_commit(db, *_skipped_changes(claimed))
    return claimed


async def send(clients: ClientPool, settings: Settings, delivery: ClaimedDelivery) -> Attempted:
    """Sign and POST one claimed delivery; what came of it, to record."""
    secrets = signing_secrets(
        delivery, SecretBox.from_keys(settings.data_encryption_key), utc_now()
    )
    body = webhook_body(delivery)
    event_id = str(delivery.event_id)
    sent_at = int(time.time())
    headers = {
        "content-type": "application/json",
        "webhook-id": event_id,
        "webhook-timestamp": str(sent_at),
        "webhook-signature": signatures(secrets, event_id, sent_at, body),
        "x-correlation-id": delivery.correlation_id or event_id,
    }
    if delivery.request_id is not None:
        headers["x-request-id"] = delivery.request_id
    result = await post_json(
        clients,
        delivery.url,
        body=body,
        headers=headers,
        timeout_seconds=settings.webhook_timeout_seconds,
        allow_http=settings.webhook_allow_http,
        allow_private=settings.webhook_allow_private_targets,
    )
    return _judged(settings, delivery, result)


def failed_attempt(settings: Settings, delivery: ClaimedDelivery, error: str) -> Attempted:
    """An attempt that failed before any response (an error of ours, such as a secret no
    configured key opens): retried on the schedule, like a connection error."""
    return _judged(settings, delivery, SendResult(None, error, None, None))


def _judged(settings: Settings, delivery: ClaimedDelivery, result: SendResult) -> Attempted:
    now = utc_now()
    retry_in: float | None = None
    cap = settings.webhook_retry_after_max_seconds
    if result.succeeded:
        status = DeliveryStatus.DELIVERED
    elif result.status_code is None or is_retryable_status(result.status_code):
        retry_after = parse_retry_after(result.retry_after)
        retry_in = next_delay(
            settings.webhook_retry_schedule,
            delivery.schedule_step,
            None if retry_after is None else min(retry_after, cap),
        )
        status = DeliveryStatus.PENDING if retry_in is not None else DeliveryStatus.DEAD
    else:
        status = DeliveryStatus.DEAD
    outcome = Outcome(
        delivery_id=delivery.id,
        attempt=delivery.attempts,
        status=status,
        status_code=result.status_code,
        error=result.error or (None if result.succeeded else f"HTTP {result.status_code}"),
        response_excerpt=result.response_excerpt,
        next_attempt_at=now + timedelta(seconds=retry_in) if retry_in is not None else None,
        delivered_at=now if status == DeliveryStatus.DELIVERED else None,
    )
    pacing = (
        pacing_of(result.status_code, result.pacing_fields, cap_seconds=cap)
        if result.pacing_fields
        else None
    )
    return Attempted(delivery, outcome, retry_in, pacing)


async def record_attempts(
    db: Database, settings: Settings, attempts: Sequence[Attempted]
) -> RecordedAttempts:
    """Write the attempts' outcomes, and their endpoints' runs of failures, in one statement;
    count and log each attempt."""
    async with db.autocommit() as connection:
        recorded = await repository.record_outcomes(
            connection, [a.outcome for a in attempts], failing_rule(settings)
        )
    after_commit(db, *_recorded_changes(attempts, recorded.deliveries))
    return RecordedAttempts(_reported(attempts, recorded.deliveries), recorded.failing_endpoints)


async def record_and_claim(
    db: Database,
    settings: Settings,
    attempts: Sequence[Attempted],
    *,
    limit: int,
    holder: int | None,
) -> tuple[RecordedAttempts, list[ClaimedDelivery]]:
    """`record_attempts` and `claim_deliveries` (never of the attempts' deliveries) in one
    statement."""
    async with db.autocommit() as connection:
        recorded, claimed = await repository.record_and_claim(
            connection,
            [a.outcome for a in attempts],
            failing_rule(settings),
            limit=limit,
            lease_seconds=lease_for(settings.webhook_timeout_seconds).total_seconds(),
            holder=holder,
            disabled_error=DISABLED_ENDPOINT_ERROR,
        )
    after_commit(db, *_recorded_changes(attempts, recorded.deliveries), *_skipped_changes(claimed))
    reports = _reported(attempts, recorded.deliveries)
    return RecordedAttempts(reports, recorded.failing_endpoints), claimed


def _recorded_changes(
    attempts: Sequence[Attempted], written: set[uuid.UUID]
) -> list[DeliveryChanged]:
    """The new states of the deliveries whose outcomes were written, for live subscribers."""
    return [
        DeliveryChanged(
            attempted.delivery.tenant_id,
            _log_entry(
                attempted.delivery,
                status=attempted.outcome.status,
                last_status_code=attempted.outcome.status_code,
                last_error=attempted.outcome.error,
                next_attempt_at=attempted.outcome.next_attempt_at,
                delivered_at=attempted.outcome.delivered_at,
            ),
        )
        for attempted in attempts
        if attempted.delivery.id in written
    ]


def _skipped_changes(claimed: Sequence[ClaimedDelivery]) -> list[DeliveryChanged]:
    """The deliveries a claim skipped (their endpoint is disabled), for live subscribers."""
    return [
        DeliveryChanged(
            delivery.tenant_id,
            _log_entry(
                delivery,
                status=DeliveryStatus.SKIPPED,
                last_status_code=delivery.last_status_code,
                last_error=DISABLED_ENDPOINT_ERROR,
                next_attempt_at=None,
                delivered_at=None,
            ),
        )
        for delivery in claimed
        if not delivery.endpoint_enabled
    ]


def _log_entry(
    delivery: ClaimedDelivery,
    *,
    status: DeliveryStatus,
    last_status_code: int | None,
    last_error: str | None,
    next_attempt_at: datetime | None,
    delivered_at: datetime | None,
) -> DeliveryLogEntry:
    return DeliveryLogEntry(
        id=delivery.id,
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        status=status,
        attempts=delivery.attempts,
        last_status_code=last_status_code,
        last_error=last_error,
        next_attempt_at=next_attempt_at,
        delivered_at=delivered_at,
        resource_id=delivery.resource_id,
        request_id=delivery.request_id,
        created_at=delivery.created_at,
    )


def _reported(attempts: Sequence[Attempted], written: set[uuid.UUID]) -> list[AttemptReport]:
    """Count and log each attempt; warn of those whose row had moved on."""
    reports = []
    for attempted in attempts:
        delivery, outcome = attempted.delivery, attempted.outcome
        if delivery.id not in written:
            logger.warning("delivery {} moved on during attempt {}", delivery.id, outcome.attempt)
        record_webhook_attempt(_OUTCOMES[outcome.status])
        log_info(
            __name__,
            "webhook attempt",
            deliveryId=str(delivery.id),
            eventId=str(delivery.event_id),
            tenant_id=str(delivery.tenant_id),
            correlation_id=delivery.correlation_id,
            attempt=outcome.attempt,
            statusCode=outcome.status_code,
            outcome=outcome.status,
        )
        reports.append(
            AttemptReport(delivery.id, outcome.attempt, outcome.status, attempted.retry_in)
        )
    return reports


async def attempt_delivery(
    db: Database,
    clients: ClientPool,
    settings: Settings,
    delivery_id: uuid.UUID,
    *,
    holder: int | None = None,
) -> AttemptReport | None:
    """Attempt this one delivery if it is due; None when there was nothing to do.

    `holder` is the worker's liveness lock id (None: the lease only ends by time).
    """
    claimed = await claim_deliveries(db, settings, limit=1, holder=holder, only=[delivery_id])
    if not claimed:
        return None
    [delivery] = claimed
    if not delivery.endpoint_enabled:
        return AttemptReport(delivery.id, delivery.attempts, DeliveryStatus.SKIPPED, None)
    recorded = await record_attempts(db, settings, [await send(clients, settings, delivery)])
    await act_on_failing_endpoints(db, settings, recorded.failing_endpoints)
    [report] = recorded.reports
    return report


async def defer_deliveries(
    db: Database, deferred: Sequence[tuple[ClaimedDelivery, float]]
) -> set[uuid.UUID]:
    """Give back the attempts of claimed deliveries that must wait for their endpoint's pace,
    each due again `seconds` from now, in one statement; the ids of those written."""
    now = utc_now()
    async with db.autocommit() as connection:
        return await repository.give_back(
            connection,
            [
                (delivery.id, delivery.attempts, now + timedelta(seconds=wait))
                for delivery, wait in deferred
            ],
        )


async def release_next_in_line(db: Database, ended: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """The ordered deliveries `ended` (delivered or dead) held the next one of their endpoint and
    resource, which waits for its turn: make it due now; the ids of those made due."""
    async with db.autocommit() as connection:
        return await repository.release_next(connection, ended)


async def release_lost_turns(session: AsyncSession) -> list[uuid.UUID]:
    """Make due the ordered deliveries still waiting for a turn that came (the safety net under
    `release_next_in_line`); their ids."""
    return await repository.release_any_next(await session.connection())


async def due_delivery_ids(session: AsyncSession, *, limit: int) -> list[uuid.UUID]:
    """Pending deliveries whose next attempt is due, the longest waiting first."""
    return await repository.due_ids(session, limit=limit)


async def release_abandoned_deliveries(session: AsyncSession, *, limit: int) -> list[uuid.UUID]:
    """Deliveries leased by a worker that is gone, made due again; their ids."""
    return await repository.release_dead_leases(session, limit=limit)
