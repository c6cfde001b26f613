"""Fan outbox events out into webhook deliveries: one row per matching enabled endpoint."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

RELAY_BATCH = 200

# An endpoint gets an event when it is enabled, has been since before the event occurred
# (so nothing that happened while it was disabled, or before it existed), and its eventTypes
# are null (every type) or name the event's type.
_FAN_OUT = text(
    """
    INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, next_attempt_at)
    SELECT gen_random_uuid(), event.tenant_id, endpoint.id, event.id, now()
    FROM outbox_events AS event
    JOIN webhook_endpoints AS endpoint
      ON endpoint.tenant_id = event.tenant_id
     AND endpoint.enabled
     AND endpoint.enabled_since <= event.occurred_at
     AND (endpoint.event_types IS NULL OR event.event_type = ANY (endpoint.event_types))
    WHERE event.id = ANY (:event_ids)
    ON CONFLICT (endpoint_id, event_id) DO NOTHING
    RETURNING id
    """
)


async def relay_batch(
    session: AsyncSession, *, limit: int = RELAY_BATCH
) -> tuple[int, list[uuid.UUID]]:
    """Relay up to `limit` unrelayed events, oldest first; several relays may run at once.

    Returns how many events were relayed and the ids of the deliveries created, which are due
    now. The caller commits, then enqueues them.
    """
    event_ids = list(
        await session.scalars(
            text(
                "SELECT id FROM outbox_events WHERE relayed_at IS NULL "
                "ORDER BY occurred_at LIMIT :limit FOR UPDATE SKIP LOCKED"
            ),
            {"limit": limit},
        )
    )
    if not event_ids:
        return 0, []
    deliveries = list(await session.scalars(_FAN_OUT, {"event_ids": event_ids}))
    await session.execute(
        text("UPDATE outbox_events SET relayed_at = now() WHERE id = ANY (:event_ids)"),
        {"event_ids": event_ids},
    )
    return len(event_ids), deliveries


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
