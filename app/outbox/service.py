"""Record events in the caller's transaction, so an event exists exactly when its cause does."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.core import json_codec
from app.outbox.events import NewEvent
from db.session import AfterCommit, after_commit

# One text whatever the number of events: prepared once per connection, never compiled.
_INSERT = """
INSERT INTO outbox_events (id, tenant_id, event_type, payload, correlation_id, resource_id,
                           request_id, idempotency_key)
SELECT u.id, u.tenant_id, u.event_type, u.payload::jsonb, u.correlation_id, u.resource_id,
       u.request_id, u.idempotency_key
  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[],
              $7::text[], $8::text[])
       AS u(id, tenant_id, event_type, payload, correlation_id, resource_id, request_id,
            idempotency_key)"""


@dataclass(frozen=True)
class EventsRecorded(AfterCommit):
    """Events were committed: a worker may relay them now rather than at its next sweep."""


async def record(session: AsyncSession, events: Sequence[NewEvent]) -> list[uuid.UUID]:
    """Insert the events in one statement; their ids (each becomes a `webhook-id`).

    Report events are not recorded here: `upsert_reports` inserts them with the reports.
    """
    if not events:
        return []
    ids = [uuid.uuid4() for _ in events]
    parameters = (
        ids,
        [event.tenant_id for event in events],
        [event.event_type for event in events],
        [json_codec.dumps_text(event.payload) for event in events],
        [event.correlation_id for event in events],
        [event.resource_id for event in events],
        [event.request_id for event in events],
        [event.idempotency_key for event in events],
    )
    connection = await session.connection()
    await connection.exec_driver_sql(_INSERT, parameters)
    after_commit(session, EventsRecorded())
    return ids
