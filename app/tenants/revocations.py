"""Key revocations reach every API process at once: announced on Redis after the commit,
evicted from each process's key cache as they arrive.

Pub/sub keeps nothing for a subscriber that is not connected, so every (re)subscription clears
the whole cache. While a process cannot be subscribed (Redis down), a key revoked meanwhile can
still pass there for at most API_KEY_CACHE_SECONDS, the cache's own lifetime.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from loguru import logger
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from app.tenants.auth import KeyVerifier
from db.session import AfterCommit

CHANNEL = "aetherflow:api-keys:revoked"
RESUBSCRIBE_DELAY_SECONDS = 1.0
# Nothing received for this long: send a PING. No answer within as long again: the connection
# died without being closed (a silent network drop), so subscribe afresh.
KEEPALIVE_SECONDS = 15.0
# How long start-up waits for the first subscription, so no request is served before it.
FIRST_SUBSCRIPTION_WAIT_SECONDS = 2.0

_REDIS_DOWN = (RedisError, OSError)


@dataclass(frozen=True)
class KeyRevoked(AfterCommit):
    """A key was revoked: announce it once committed, so every API process evicts it."""

    prefix: str


def log_unannounced(error: Exception) -> None:
    logger.warning(
        "key revocation not announced ({}); other API processes stop accepting the key "
        "within API_KEY_CACHE_SECONDS",
        type(error).__name__,
    )


class Evicting(Protocol):
    """A cache of credentials that revocations evict (by the name announced), or wholly."""

    def forget(self, name: str) -> None: ...

    def forget_all(self) -> None: ...


class RevocationPublisher:
    """Announces revoked names (key prefixes on CHANNEL, by default) on a channel;
    `on_failure` hears of a Redis failure."""

    def __init__(
        self,
        redis: Redis,
        *,
        on_failure: Callable[[Exception], None] = log_unannounced,
        channel: str = CHANNEL,
    ) -> None:
        self._redis = redis
        self._on_failure = on_failure
        self._channel = channel
        self._pending: set[asyncio.Task[None]] = set()

    async def publish(self, names: Sequence[str]) -> None:
        """Announce now; raises RedisError or OSError when Redis cannot take it."""
        for name in names:
            await self._redis.publish(self._channel, name)

    def publish_soon(self, revoked: Sequence[KeyRevoked]) -> None:
        """The after-commit handler of KeyRevoked: announce without holding up the caller."""
        self.announce_soon([key.prefix for key in revoked])

    def announce_soon(self, names: Sequence[str]) -> None:
        """Announce `names` without holding up the caller."""
        prefixes = list(names)
        task = asyncio.get_running_loop().create_task(self._publish_or_report(prefixes))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _publish_or_report(self, prefixes: Sequence[str]) -> None:
        try:
            await self.publish(prefixes)
        except _REDIS_DOWN as exc:
            self._on_failure(exc)

    async def drain(self) -> None:
        await asyncio.gather(*self._pending, return_exceptions=True)


class RevocationListener:
    """Keeps this process subscribed to CHANNEL and evicts each announced key from its cache;
    `others` maps further channels to the caches their announcements evict (session tokens)."""

    def __init__(
        self,
        redis: Redis,
        keys: KeyVerifier,
        *,
        others: Mapping[str, Evicting] | None = None,
        resubscribe_delay: float = RESUBSCRIBE_DELAY_SECONDS,
        keepalive: float = KEEPALIVE_SECONDS,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._caches: dict[str, Evicting] = {CHANNEL: keys, **(others or {})}
        self._resubscribe_delay = resubscribe_delay
        self._keepalive = keepalive
        self._first_attempt_done = asyncio.Event()
        self._ever_subscribed = False
        self._subscribed = False
        self._task: asyncio.Task[None] | None = None

    @property
    def subscribed(self) -> bool:
        """Whether announcements reach this process now (else the cache lifetime bounds them)."""
        return self._subscribed

    async def start(self, *, wait: float = FIRST_SUBSCRIPTION_WAIT_SECONDS) -> None:
        """Listen in the background; wait up to `wait` for the first subscription (or failure)."""
        self._task = asyncio.get_running_loop().create_task(self._run())
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wait):
                await self._first_attempt_done.wait()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                await self._listen()
            except _REDIS_DOWN as exc:
                self._lost(type(exc).__name__)
            except Exception:
                logger.exception("key revocation listener failed")
                self._lost("error")
            finally:
                self._first_attempt_done.set()
            await asyncio.sleep(self._resubscribe_delay)

    async def _listen(self) -> None:
        pubsub = self._redis.pubsub()
        try:
            await pubsub.subscribe(*self._caches)
            await self._follow(pubsub)
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _follow(self, pubsub: PubSub) -> None:
        """Apply what arrives until the connection fails."""
        pinged = False
        while True:
            message = await pubsub.get_message(timeout=self._keepalive)
            if message is None:
                if pinged:
                    raise RedisConnectionError("no answer to PING")
                await pubsub.ping()
                pinged = True
                continue
            pinged = False
            self._apply(message)

    def _apply(self, message: dict[str, Any]) -> None:
        if message["type"] == "message":
            data, channel = message["data"], message["channel"]
            if isinstance(channel, bytes):
                channel = channel.decode(errors="replace")
            cache = self._caches.get(channel)
            if cache is not None:
                cache.forget(data.decode(errors="replace") if isinstance(data, bytes) else data)
        elif message["type"] == "subscribe":
            # Also when redis-py reconnected by itself: announcements made meanwhile are lost.
            for cache in self._caches.values():
                cache.forget_all()
            if self._ever_subscribed:
                logger.info("subscribed to key revocations again; key cache cleared")
            self._ever_subscribed = self._subscribed = True
            self._first_attempt_done.set()

    def _lost(self, reason: str) -> None:
        # Once per outage: when a subscription is lost, or when the very first attempt fails.
        if self._subscribed or not self._first_attempt_done.is_set():
            logger.warning(
                "not subscribed to key revocations ({}); retrying every {} s, meanwhile a "
                "revoked key passes here for at most API_KEY_CACHE_SECONDS",
                reason,
                self._resubscribe_delay,
            )
        self._subscribed = False
