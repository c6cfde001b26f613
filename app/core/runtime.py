"""The long-lived resources of a process (API or worker): settings, database, Redis, queue."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from app.automation_runs.live import RunPublisher
from app.core.config import Settings
from app.core.pagination import CursorCodec
from app.core.queue import DISPATCH_RUN, ResilientStreamBroker, TaskQueue, create_broker
from app.rate_limit.limiter import RateLimiter
from app.tenants.auth import KeyVerifier
from app.tenants.revocations import KEYS_REVOKED, RevocationListener, RevocationPublisher
from db.session import (
    CONNECT_TIMEOUT_SECONDS,
    OUTBOX_WRITTEN,
    RUNS_CHANGED,
    RUNS_TO_DISPATCH,
    Database,
)

REDIS_TIMEOUT_SECONDS = 2.0


def connect_redis(url: str, *, timeout: float = REDIS_TIMEOUT_SECONDS) -> Redis:
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        health_check_interval=30,
    )


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    db: Database
    redis: Redis
    publisher: RunPublisher
    keys: KeyVerifier
    limiter: RateLimiter
    cursors: CursorCodec
    queue: TaskQueue
    # False in the worker, where Taskiq starts and stops the broker itself.
    owns_broker: bool
    revocation_publisher: RevocationPublisher
    # None in the worker, which verifies no API keys.
    revocation_listener: RevocationListener | None

    @classmethod
    async def start(
        cls, settings: Settings, *, broker: ResilientStreamBroker | None = None
    ) -> Runtime:
        """Open pools (connections are made lazily) and the task queue."""
        # API requests are shed after a short wait for a connection; the worker's tasks wait
        # as long as connecting may take, since nobody waits on them.
        db = Database.connect(
            settings.sqlalchemy_url,
            pool_size=settings.database_pool_size,
            pool_timeout=settings.database_pool_timeout_seconds
            if broker is None
            else CONNECT_TIMEOUT_SECONDS,
        )
        keys = KeyVerifier(db, pepper=settings.pepper, cache_seconds=settings.api_key_cache_seconds)
        redis_url = settings.redis_url or ""
        queue = TaskQueue(broker or create_broker(redis_url))
        if broker is None:
            await queue.start()
        redis = connect_redis(redis_url)
        publisher = RunPublisher(redis)
        revocation_publisher = RevocationPublisher(redis)
        db.after_commit[KEYS_REVOKED] = revocation_publisher.publish_soon
        revocation_listener: RevocationListener | None = None
        if broker is None:  # an API process: the worker verifies no keys
            revocation_listener = RevocationListener(redis, keys)
            await revocation_listener.start()
        db.after_commit[OUTBOX_WRITTEN] = lambda _: queue.nudge_relay()
        db.after_commit[RUNS_CHANGED] = publisher.publish_soon
        db.after_commit[RUNS_TO_DISPATCH] = lambda run_ids: queue.kick_soon_each(
            DISPATCH_RUN, [str(run_id) for run_id in run_ids]
        )
        return cls(
            settings=settings,
            db=db,
            redis=redis,
            publisher=publisher,
            keys=keys,
            limiter=RateLimiter.connect(settings),
            cursors=CursorCodec(settings.pepper),
            queue=queue,
            owns_broker=broker is None,
            revocation_publisher=revocation_publisher,
            revocation_listener=revocation_listener,
        )

    async def close(self) -> None:
        await self.queue.cancel_pending()
        await self.publisher.drain()
        if self.revocation_listener is not None:
            await self.revocation_listener.close()
        await self.revocation_publisher.drain()
        if self.owns_broker:
            await self.queue.broker.shutdown()
        await self.limiter.close()
        await self.redis.aclose()
        await self.db.dispose()
