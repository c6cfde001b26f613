"""Live run updates: each committed state change is published on the tenant's channel, and
listeners follow it (GraphQL subscriptions)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from loguru import logger
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core.pubsub import ChannelListener
from db.session import AfterCommit


@dataclass(frozen=True)
class RunChanged(AfterCommit):
    """A run's new state (its REST representation), published once committed."""

    tenant_id: uuid.UUID
    run: dict[str, Any]


def channel(tenant_id: uuid.UUID) -> str:
    return f"aetherflow:automation-runs:{tenant_id}"


class RunPublisher:
    """Publishes after commit; a lost update costs a subscriber nothing it cannot re-read (a
    subscription reads a quiet run again)."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._pending: set[asyncio.Task[None]] = set()
        # Tasks take the lock in the order they were created (asyncio.Lock is FIFO), so a
        # slow connect cannot let a later state overtake an earlier one.
        self._in_commit_order = asyncio.Lock()

    def publish_soon(self, changes: Sequence[RunChanged]) -> None:
        """The after-commit handler of RunChanged: publish without holding up the caller."""
        task = asyncio.get_running_loop().create_task(self._publish(changes))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _publish(self, changes: Sequence[RunChanged]) -> None:
        async with self._in_commit_order:
            await self._publish_in_turn(changes)

    async def _publish_in_turn(self, changes: Sequence[RunChanged]) -> None:
        for done, change in enumerate(changes):
            try:
                await self._redis.publish(channel(change.tenant_id), json.dumps(change.run))
            except (RedisError, OSError) as exc:
                logger.warning(
                    "{} run updates not published ({})", len(changes) - done, type(exc).__name__
                )
                return

    async def drain(self) -> None:
        await asyncio.gather(*self._pending, return_exceptions=True)


class RunUpdates:
    """One listener's view of the tenant's channel. Redis failing degrades it to "nothing
    published" (the caller then reads the run from the database), never to an error."""

    def __init__(self, redis: Redis, tenant_id: uuid.UUID) -> None:
        self._listener = ChannelListener(redis, channel(tenant_id), what="run updates")

    async def open(self) -> None:
        await self._listener.open()

    async def next_for(self, run_id: str, *, within: float) -> dict[str, Any] | None:
        """The next published state of `run_id` within `within` seconds, or None."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while (remaining := deadline - loop.time()) > 0:
            run = await self._listener.next_message(within=remaining)
            if run is not None and run.get("id") == run_id:
                return dict(run)
        return None

    async def next_change(self, *, within: float) -> dict[str, Any] | None:
        """The next published state of any run of the tenant within `within` seconds, or
        None."""
        run = await self._listener.next_message(within=within)
        return None if run is None else dict(run)

    async def close(self) -> None:
        await self._listener.close()
