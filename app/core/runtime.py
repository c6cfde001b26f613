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
from db.session import OUTBOX_WRITTEN, RUNS_CHANGED, RUNS_TO_DISPATCH, Database

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

    @classmethod
    async def start(
        cls, settings: Settings, *, broker: ResilientStreamBroker | None = None
    ) -> Runtime:
        """Open pools (connections are made lazily) and the task queue."""
        db = Database.connect(settings.sqlalchemy_url)
        keys = KeyVerifier(db, pepper=settings.pepper, cache_seconds=settings.api_key_cache_seconds)
        redis_url = settings.redis_url or ""
        queue = TaskQueue(broker or create_broker(redis_url))
        if broker is None:
            await queue.start()
        redis = connect_redis(redis_url)
        publisher = RunPublisher(redis)
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
        )

    async def close(self) -> None:
        await self.queue.cancel_pending()
        await self.publisher.drain()
        if self.owns_broker:
            await self.queue.broker.shutdown()
        await self.limiter.close()
        await self.redis.aclose()
        await self.db.dispose()
