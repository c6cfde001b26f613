"""Record events in the caller's transaction, so an event exists exactly when its cause does."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.outbox.events import NewEvent
from db.models.outbox_event import OutboxEvent
from db.session import AfterCommit, after_commit


@dataclass(frozen=True)
class EventsRecorded(AfterCommit):
    """Events were committed: a worker may relay them now rather than at its next sweep."""


async def record(session: AsyncSession, events: Sequence[NewEvent]) -> list[uuid.UUID]:
    """Insert the events in one statement; their ids (each becomes a `webhook-id`)."""
    if not events:
        return []
    ids = [uuid.uuid4() for _ in events]
    rows = [
        {
            "id": event_id,
            "tenant_id": event.tenant_id,
            "event_type": event.event_type,
            "payload": event.payload,
            "correlation_id": event.correlation_id,
        }
        for event_id, event in zip(ids, events, strict=True)
    ]
    await session.execute(insert(OutboxEvent).values(rows))
    after_commit(session, EventsRecorded())
    return ids
