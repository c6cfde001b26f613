"""Live run updates: each committed state change is published on the tenant's channel."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from typing import Any

from loguru import logger
from redis.asyncio import Redis
from redis.exceptions import RedisError


def channel(tenant_id: uuid.UUID) -> str:
    return f"aetherflow:automation-runs:{tenant_id}"


class RunPublisher:
    """Publishes after commit; a lost update costs a subscriber nothing it cannot re-read."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._pending: set[asyncio.Task[None]] = set()
        # Tasks take the lock in the order they were created (asyncio.Lock is FIFO), so a
        # slow connect cannot let a later state overtake an earlier one.
        self._in_commit_order = asyncio.Lock()

    def publish_soon(self, changes: Sequence[tuple[uuid.UUID, dict[str, Any]]]) -> None:
        task = asyncio.get_running_loop().create_task(self._publish(changes))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _publish(self, changes: Sequence[tuple[uuid.UUID, dict[str, Any]]]) -> None:
        async with self._in_commit_order:
            await self._publish_in_turn(changes)

    async def _publish_in_turn(self, changes: Sequence[tuple[uuid.UUID, dict[str, Any]]]) -> None:
        for tenant_id, run in changes:
            try:
                await self._redis.publish(channel(tenant_id), json.dumps(run))
            except (RedisError, OSError) as exc:
                logger.warning("run update not published ({})", type(exc).__name__)

    async def drain(self) -> None:
        await asyncio.gather(*self._pending, return_exceptions=True)
