"""The long-lived resources of a process (API or worker): settings, database, Redis."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from app.core.config import Settings
from app.core.pagination import CursorCodec
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

    @classmethod
    def start(cls, settings: Settings) -> Runtime:
        db = Database.connect(settings.sqlalchemy_url)
        keys = KeyVerifier(db, pepper=settings.pepper, cache_seconds=settings.api_key_cache_seconds)
        redis = connect_redis(settings.redis_url or "")
        return cls(settings, db, redis, keys, CursorCodec(settings.pepper))

    async def close(self) -> None:
        await self.redis.aclose()
        await self.db.dispose()
