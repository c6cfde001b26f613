"""Anti-replay for callbacks: a processed `webhook-id` is remembered in Redis.

The guard is global (CONTRACT.md §7): an id is consumed once for the whole deployment, whatever
tenant path it is sent to, because the signature does not cover the path. An id is reserved
while its callback is processed and kept for REMEMBER_SECONDS (over twice the 300 s signature
tolerance, so a replay outside it fails the signature check anyway) only after a 200; any other
answer releases it, so the provider may send it again.
"""

from __future__ import annotations

import contextlib

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core.errors import ServiceUnavailable, WebhookReplayed

REMEMBER_SECONDS = 900
PROCESSING_SECONDS = 60


class ReplayGuard:
    def __init__(self, redis: Redis, webhook_id: str) -> None:
        self._redis = redis
        self._key = f"aetherflow:callback-seen:{webhook_id}"

    async def reserve(self) -> None:
        """WebhookReplayed if the id was processed (or is being); 503 if Redis cannot say."""
        try:
            fresh = await self._redis.set(self._key, "processing", nx=True, ex=PROCESSING_SECONDS)
        except (RedisError, OSError):
            raise ServiceUnavailable("The replay guard is unavailable; retry shortly.") from None
        if not fresh:
            raise WebhookReplayed

    async def remember(self) -> None:
        """The callback succeeded: its id now answers 409 for REMEMBER_SECONDS."""
        await self._redis.set(self._key, "done", ex=REMEMBER_SECONDS)

    async def release(self) -> None:
        # If Redis is gone, the reservation expires by itself after PROCESSING_SECONDS.
        with contextlib.suppress(RedisError, OSError):
            await self._redis.delete(self._key)
