"""Fan outbox events out into webhook deliveries: one row per matching enabled endpoint."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

RELAY_BATCH = 200

# Up to :limit unrelayed events, oldest first, skipping those another relay holds, are marked
# relayed and fanned out in one statement. An endpoint gets an event when it is enabled, has
# been since before the event occurred (so nothing that happened while it was disabled, or
# before it existed), and its eventTypes are null (every type) or name the event's type.
_RELAY = text(
    """
    WITH batch AS (
        SELECT id, tenant_id, event_type, occurred_at, resource_id, request_id FROM outbox_events
        WHERE relayed_at IS NULL
        ORDER BY occurred_at
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
    ), relayed AS (
        UPDATE outbox_events SET relayed_at = now()
        FROM batch WHERE outbox_events.id = batch.id
        RETURNING outbox_events.id
    ), fanned_out AS (
        INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, next_attempt_at,
                                        resource_id, request_id)
        SELECT gen_random_uuid(), batch.tenant_id, endpoint.id, batch.id, now(),
               batch.resource_id, batch.request_id
        FROM batch
        JOIN webhook_endpoints AS endpoint
          ON endpoint.tenant_id = batch.tenant_id
         AND endpoint.enabled
         AND endpoint.enabled_since <= batch.occurred_at
         AND (endpoint.event_types IS NULL OR batch.event_type = ANY (endpoint.event_types))
        ON CONFLICT (endpoint_id, event_id) DO NOTHING
        RETURNING id
    )
    SELECT (SELECT count(*) FROM relayed), ARRAY(SELECT id FROM fanned_out)
    """
)


async def relay_batch(
    source: AsyncConnection | AsyncSession, *, limit: int = RELAY_BATCH
) -> tuple[int, list[uuid.UUID]]:
    """Relay up to `limit` unrelayed events, oldest first, in one statement; several relays
    may run at once.

    Returns how many events were relayed and the ids of the deliveries created, which are due
    now. The statement is whole on its own: on a connection in autocommit it needs no
    transaction around it; in a session's, the caller commits.
    """
    count, deliveries = (await source.execute(_RELAY, {"limit": limit})).one()
    return int(count), list(deliveries)


async def backlog(session: AsyncSession) -> tuple[int, float]:
    """Unrelayed events and the age in seconds of the oldest (for metrics and the runbook)."""
    row = (
        await session.execute(
            text(
                "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(occurred_at)), 0) "
                "FROM outbox_events WHERE relayed_at IS NULL"
            )
        )
    ).one()
    return int(row[0]), float(row[1])
