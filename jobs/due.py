"""Enqueue what PostgreSQL says is due: run dispatches, oldest first, and a nudge for deliveries.

Enqueueing stops at the first task Redis refuses (one warning, not one per row); the rows stay
due for the next sweep.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from app.automation_runs.dispatch import due_dispatch_ids
from app.bootstrap import Runtime
from app.core.queue import DELIVER_WEBHOOK, DISPATCH_RUN
from app.webhooks.delivery import due_delivery_ids

DUE_BATCH = 500


async def nudge_due_deliveries(runtime: Runtime) -> int:
    """When deliveries are due, enqueue one `webhooks.deliver` naming the oldest: whichever
    worker takes it claims due deliveries at once (each also polls); how many were enqueued."""
    async with runtime.db.unit_of_work() as session:
        due = await due_delivery_ids(session, limit=1)
    return await runtime.queue.kick_each(DELIVER_WEBHOOK, due)


async def enqueue_due_dispatches(runtime: Runtime, *, besides: Collection[uuid.UUID] = ()) -> int:
    """Enqueue due run dispatches (other than `besides`, already enqueued); how many."""
    async with runtime.db.unit_of_work() as session:
        due = await due_dispatch_ids(session, limit=DUE_BATCH)
    return await runtime.queue.kick_each(DISPATCH_RUN, [id_ for id_ in due if id_ not in besides])
