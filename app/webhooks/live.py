"""Live delivery updates (docs/GRAPHQL-SUBSCRIPTIONS.md): each committed change of a delivery
(created, an attempt recorded, skipped, sent back to pending) is published, in its REST
representation, on its endpoint's channel; listeners follow one endpoint (GraphQL
subscriptions).

Publishing happens off the caller's path: the changes of every commit are queued, and one
sender takes all that queued meanwhile and publishes them in one pipeline, one message per
endpoint (a JSON array, in commit order). A lost update (Redis down) is only logged.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from loguru import logger
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core import json_codec
from app.core.pubsub import ChannelListener
from app.core.time import rfc3339
from app.outbox.relay import DeliveriesRelayed
from app.webhooks.repository import DeliveryLogEntry
from db.models.webhook_delivery import DeliveryStatus
from db.session import AfterCommit

# Changes queued while Redis is slow beyond this many are dropped (and logged), so that an
# outage never grows the worker's memory.
MAX_QUEUED = 10_000


@dataclass(frozen=True)
class DeliveryChanged(AfterCommit):
    """A delivery's new state, published once committed."""

    tenant_id: uuid.UUID
    delivery: DeliveryLogEntry


def channel(tenant_id: uuid.UUID, endpoint_id: uuid.UUID) -> str:
    return f"aetherflow:webhook-deliveries:{tenant_id}:{endpoint_id}"


def representation(delivery: DeliveryLogEntry) -> dict[str, Any]:
    """The delivery's REST representation (DeliveryOut's JSON), built without validation: this
    runs for every attempt the worker records (a test holds the two equal)."""
    return {
        "id": str(delivery.id),
        "endpointId": str(delivery.endpoint_id),
        "eventId": str(delivery.event_id),
        "eventType": delivery.event_type,
        "status": str(delivery.status),
        "attempts": delivery.attempts,
        "lastStatusCode": delivery.last_status_code,
        "lastError": delivery.last_error,
        "nextAttemptAt": _timestamp(delivery.next_attempt_at),
        "deliveredAt": _timestamp(delivery.delivered_at),
        "resourceId": None if delivery.resource_id is None else str(delivery.resource_id),
        "requestId": delivery.request_id,
        "createdAt": rfc3339(delivery.created_at),
    }


def _timestamp(moment: Any) -> str | None:
    return None if moment is None else rfc3339(moment)


def relayed_changes(relayed: Sequence[DeliveriesRelayed]) -> list[DeliveryChanged]:
    """The deliveries the outbox relay created, as changes: new, never attempted."""
    return [
        DeliveryChanged(
            row.tenant_id,
            DeliveryLogEntry(
                id=row.id,
                endpoint_id=row.endpoint_id,
                event_id=row.event_id,
                event_type=row.event_type,
                status=DeliveryStatus(row.status),
                attempts=0,
                last_status_code=None,
                last_error=row.last_error,
                next_attempt_at=row.next_attempt_at,
                delivered_at=None,
                resource_id=row.resource_id,
                request_id=row.request_id,
                created_at=row.created_at,
            ),
        )
        for signal in relayed
        for row in signal.deliveries
    ]


class DeliveryPublisher:
    """Publishes committed delivery changes in commit order, without holding up the caller."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._queued: list[DeliveryChanged] = []
        self._sender: asyncio.Task[None] | None = None
        # An outage is logged once, until a publish succeeds again.
        self._failing = False

    def publish_soon(self, changes: Sequence[DeliveryChanged]) -> None:
        """The after-commit handler of DeliveryChanged."""
        if len(self._queued) >= MAX_QUEUED:
            self._lost(len(changes), "backlog full")
            return
        self._queued.extend(changes)
        if self._sender is None:
            self._sender = asyncio.get_running_loop().create_task(self._send_queued())

    async def _send_queued(self) -> None:
        try:
            while self._queued:
                changes, self._queued = self._queued, []
                await self._send(changes)
        finally:
            self._sender = None

    async def _send(self, changes: list[DeliveryChanged]) -> None:
        by_channel: dict[str, list[dict[str, Any]]] = {}
        for change in changes:
            name = channel(change.tenant_id, change.delivery.endpoint_id)
            by_channel.setdefault(name, []).append(representation(change.delivery))
        messages = [(name, json_codec.dumps(deliveries)) for name, deliveries in by_channel.items()]
        try:
            if len(messages) == 1:  # a pipeline costs more CPU than the command alone
                await self._redis.publish(*messages[0])
            else:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for name, message in messages:
                        pipe.publish(name, message)
                    await pipe.execute()
        except (RedisError, OSError) as exc:
            self._lost(len(changes), type(exc).__name__)
            return
        if self._failing:
            self._failing = False
            logger.info("delivery updates published again")

    def _lost(self, count: int, reason: str) -> None:
        if not self._failing:
            self._failing = True
            logger.warning(
                "{} delivery updates not published ({}); more are not logged until one is",
                count,
                reason,
            )

    async def drain(self) -> None:
        if self._sender is not None:
            await asyncio.gather(self._sender, return_exceptions=True)


class DeliveryUpdates:
    """One listener's view of an endpoint's channel. While Redis is unreachable nothing is
    received (the stream stays open and resumes once Redis is back)."""

    def __init__(self, redis: Redis, tenant_id: uuid.UUID, endpoint_id: uuid.UUID) -> None:
        self._listener = ChannelListener(
            redis, channel(tenant_id, endpoint_id), what="delivery updates"
        )

    async def open(self) -> None:
        await self._listener.open()

    async def next_changes(self, *, within: float) -> list[dict[str, Any]]:
        """The deliveries of the next message published within `within` seconds (in the order
        their changes were committed), or none."""
        deliveries = await self._listener.next_message(within=within)
        return [] if deliveries is None else list(deliveries)

    async def close(self) -> None:
        await self._listener.close()
