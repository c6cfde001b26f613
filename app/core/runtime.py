"""The long-lived resources of a process (API or worker): settings, database, Redis, queue."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from app.core.config import Settings
from app.core.pagination import CursorCodec
from app.core.queue import ResilientStreamBroker, TaskQueue, create_broker
from app.tenants.auth import KeyVerifier
from db.session import Database

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
    keys: KeyVerifier
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
        db.after_outbox_commit = queue.nudge_relay
        return cls(
            settings=settings,
            db=db,
            redis=connect_redis(redis_url),
            keys=keys,
            cursors=CursorCodec(settings.pepper),
            queue=queue,
            owns_broker=broker is None,
        )

    async def close(self) -> None:
        await self.queue.cancel_pending()
        if self.owns_broker:
            await self.queue.broker.shutdown()
        await self.redis.aclose()
        await self.db.dispose()
