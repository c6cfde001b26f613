"""Fan outbox events out into webhook deliveries: one row per matching endpoint, pending for an
enabled one, skipped for a disabled one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.session import AfterCommit, Database, after_commit

RELAY_BATCH = 200
# Written on a delivery that is skipped because its endpoint is disabled.
DISABLED_ENDPOINT_ERROR = "endpoint disabled"

# Up to :limit unrelayed events, oldest first, skipping those another relay holds, are marked
# relayed and fanned out in one statement. An endpoint gets a delivery of an event when it
# existed when the event occurred, its eventTypes are null (every type) or name the event's
# type, and the event is not about that endpoint itself (webhook.endpoint.*: resource_id names
# the endpoint). The delivery is pending when the endpoint is enabled and has been since before
# the event occurred; otherwise (disabled now, or re-enabled since) it is `skipped`, never sent
# unless recovered (CONTRACT.md §14).
# A pending delivery to an endpoint that orders per resource keeps the event's position when the
# event has a resource, and waits for its turn (no next attempt) when an earlier delivery of its
# endpoint and resource is pending or comes in the same batch: the end of that one makes it due
# (docs/WEBHOOKS.md, "Per-resource ordering"), so a long line behind a failing delivery stays
# out of the claim's way. The first pending delivery of the line is share-locked, or passed
# over when someone else holds it (an end being recorded: the next in line, if any, is the one
# ahead; a claim: the claim's condition holds the new one), so that an end recorded after the
# lock finds the new delivery in line to release; the relay never waits for a lock there.
_RELAY = text(
    """
    WITH batch AS (
        SELECT id, tenant_id, event_type, occurred_at, resource_id, request_id, position
        FROM outbox_events
        WHERE relayed_at IS NULL
        ORDER BY occurred_at
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
    ), relayed AS (
        UPDATE outbox_events SET relayed_at = now()
        FROM batch WHERE outbox_events.id = batch.id
        RETURNING outbox_events.id
    ), targets AS (
        SELECT batch.id AS event_id, batch.tenant_id, endpoint.id AS endpoint_id,
               batch.resource_id, batch.request_id, state.sendable,
               CASE WHEN state.sendable AND endpoint.ordering = 'per-resource'
                         AND batch.resource_id IS NOT NULL
                    THEN batch.position END AS event_position
        FROM batch
        JOIN webhook_endpoints AS endpoint
          ON endpoint.tenant_id = batch.tenant_id
         AND endpoint.created_at <= batch.occurred_at
         AND (endpoint.event_types IS NULL OR batch.event_type = ANY (endpoint.event_types))
         AND endpoint.id IS DISTINCT FROM batch.resource_id
        CROSS JOIN LATERAL (
            SELECT endpoint.enabled AND endpoint.enabled_since <= batch.occurred_at AS sendable
        ) AS state
    ), fanned_out AS (
        INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, status,
                                        next_attempt_at, last_error, resource_id, request_id,
                                        event_position)
        SELECT gen_random_uuid(), target.tenant_id, target.endpoint_id, target.event_id,
               CASE WHEN target.sendable THEN 'pending' ELSE 'skipped' END,
               CASE WHEN NOT target.sendable THEN NULL
                    WHEN head.event_position < target.event_position OR EXISTS (
                        SELECT FROM targets AS sibling
                        WHERE sibling.endpoint_id = target.endpoint_id
                          AND sibling.resource_id = target.resource_id
                          AND sibling.event_position < target.event_position
                    )
                    THEN NULL ELSE now() END,
               CASE WHEN NOT target.sendable THEN CAST(:disabled_error AS text) END,
               target.resource_id, target.request_id, target.event_position
        FROM targets AS target
        LEFT JOIN LATERAL (
            SELECT line.event_position FROM webhook_deliveries AS line
            WHERE target.event_position IS NOT NULL
              AND line.endpoint_id = target.endpoint_id
              AND line.resource_id = target.resource_id
              AND line.status = 'pending' AND line.event_position IS NOT NULL
            ORDER BY line.event_position
            LIMIT 1
            FOR SHARE SKIP LOCKED
        ) AS head ON true
        ON CONFLICT (endpoint_id, event_id) DO NOTHING
        RETURNING id, tenant_id, endpoint_id, event_id, status, next_attempt_at, last_error,
                  resource_id, request_id, created_at
    )
    SELECT (SELECT count(*) FROM relayed), delivery.id, delivery.tenant_id,
           delivery.endpoint_id, delivery.event_id, batch.event_type, delivery.status,
           delivery.next_attempt_at, delivery.last_error, delivery.resource_id,
           delivery.request_id, delivery.created_at
    FROM (VALUES (1)) AS one
    LEFT JOIN (fanned_out AS delivery JOIN batch ON batch.id = delivery.event_id) ON true
    """
)


class RelayedDelivery(NamedTuple):
    """A delivery the relay created (never attempted yet)."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    endpoint_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: str
    next_attempt_at: datetime | None
    last_error: str | None
    resource_id: uuid.UUID | None
    request_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class DeliveriesRelayed(AfterCommit):
    """The deliveries one relay statement created: published for live subscribers once
    committed (app/webhooks/live.py)."""

    deliveries: tuple[RelayedDelivery, ...]


async def relay_batch(
    target: AsyncSession | Database, *, limit: int = RELAY_BATCH
) -> tuple[int, list[uuid.UUID]]:
    """Relay up to `limit` unrelayed events, oldest first, in one statement; several relays
    may run at once. The deliveries created are announced after the commit.

    Returns how many events were relayed and the ids of the pending deliveries created, which
    are due now (but for ordered ones waiting for their turn; skipped ones are not). The
    statement is whole on its own: given the database, it runs on a connection in autocommit,
    with no transaction around it; in a session's transaction, the caller commits.
    """
    parameters = {"limit": limit, "disabled_error": DISABLED_ENDPOINT_ERROR}
    if isinstance(target, Database):
        async with target.autocommit() as connection:
            rows = (await connection.execute(_RELAY, parameters)).all()
    else:
        rows = (await target.execute(_RELAY, parameters)).all()
    created = tuple(RelayedDelivery(*row[1:]) for row in rows if row[1] is not None)
    if created:
        after_commit(target, DeliveriesRelayed(created))
    pending = [delivery.id for delivery in created if delivery.status == "pending"]
    return int(rows[0][0]), pending


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
