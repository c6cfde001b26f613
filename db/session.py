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


def create_engine(
    url: str, *, pool_size: int = 10, pool_timeout: float = CONNECT_TIMEOUT_SECONDS
) -> AsyncEngine:
    """A pool of `pool_size` connections, kept open: no overflow, because SQLAlchemy closes
    overflow connections on return, so steady load above the size would open a server
    connection per burst. A checkout waits at most `pool_timeout` seconds."""
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_recycle=1800,
        pool_timeout=pool_timeout,
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
    def connect(
        cls, url: str, *, pool_size: int = 10, pool_timeout: float = CONNECT_TIMEOUT_SECONDS
    ) -> Database:
        return cls(create_engine(url, pool_size=pool_size, pool_timeout=pool_timeout))

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
