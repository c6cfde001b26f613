"""Engine, sessions and the unit of work: one transaction per request or job."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

CONNECT_TIMEOUT_SECONDS = 5
STATEMENT_TIMEOUT_MS = 30_000
# Keys of `session.info` that writers set; after the commit each key's hook gets its value.
OUTBOX_WRITTEN = "outbox_written"
RUNS_CHANGED = "automation_runs_changed"
RUNS_TO_DISPATCH = "automation_runs_to_dispatch"

AfterCommitHook = Callable[[Any], None]


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=5,
        pool_recycle=1800,
        pool_timeout=CONNECT_TIMEOUT_SECONDS,
        connect_args={
            "timeout": CONNECT_TIMEOUT_SECONDS,
            "server_settings": {
                "statement_timeout": str(STATEMENT_TIMEOUT_MS),
                "idle_in_transaction_session_timeout": str(STATEMENT_TIMEOUT_MS * 2),
                "application_name": "aetherflow",
            },
        },
    )


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        # Side effects that must follow a commit (enqueue, publish), by `session.info` key.
        self.after_commit: dict[str, AfterCommitHook] = {}

    @classmethod
    def connect(cls, url: str, *, pool_size: int = 10) -> Database:
        return cls(create_engine(url, pool_size=pool_size))

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction that commits on success and rolls back on error."""
        async with self.sessions() as session:
            async with session.begin():
                yield session
            for key, hook in self.after_commit.items():
                if key in session.info:
                    hook(session.info.pop(key))

    @staticmethod
    def after_commit_append(session: AsyncSession, key: str, item: Any) -> None:
        """Queue `item` for the hook of `key`, run once this session's transaction commits."""
        session.info.setdefault(key, []).append(item)

    async def dispose(self) -> None:
        await self.engine.dispose()
