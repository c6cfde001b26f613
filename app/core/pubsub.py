"""Listening to a Redis pub/sub channel of JSON messages, for live updates (GraphQL
subscriptions). Redis failing degrades a listener to "nothing published", never to an error."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from loguru import logger
from redis.asyncio import Redis
from redis.exceptions import RedisError


class ChannelListener:
    """One listener of one channel. While Redis is unreachable, subscribing is tried again on
    each wait, and the failure is logged once until it succeeds."""

    def __init__(self, redis: Redis, channel: str, *, what: str) -> None:
        self._pubsub = redis.pubsub()
        self._channel = channel
        # What the channel carries, for the log ("run updates").
        self._what = what
        self._listening = False
        self._failure_logged = False

    async def open(self) -> None:
        try:
            await self._pubsub.subscribe(self._channel)
        except (RedisError, OSError) as exc:
            if not self._failure_logged:
                self._failure_logged = True
                logger.warning("{} unavailable ({})", self._what, type(exc).__name__)
        else:
            self._listening = True
            self._failure_logged = False

    async def next_message(self, *, within: float) -> Any | None:
        """The next message published on the channel (decoded JSON) within `within` seconds,
        or None."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        if not self._listening:
            await self.open()
        while (remaining := deadline - loop.time()) > 0:
            if not self._listening:
                await asyncio.sleep(remaining)
                return None
            try:
                message = await self._pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=remaining
                )
            except (RedisError, OSError) as exc:
                logger.warning("{} interrupted ({})", self._what, type(exc).__name__)
                self._listening, self._failure_logged = False, True
                continue
            if message is not None and message.get("type") == "message":
                return json.loads(message["data"])
        return None

    async def close(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self._pubsub.unsubscribe()
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
