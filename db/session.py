"""Engine, sessions and the unit of work: one transaction per request or job."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core import json_codec
from db.pooled_reader import PooledReader

CONNECT_TIMEOUT_SECONDS = 5
STATEMENT_TIMEOUT_MS = 30_000
# Where a session keeps its after-commit signals, in `session.info`.
_SIGNALS = "aetherflow_after_commit"


class AfterCommit:
    """Something to do once the transaction that recorded it commits: enqueue a task, publish
    a change. Services record signals (frozen dataclasses of this type); each process's
    composition root (app/bootstrap.py) gives the database one handler per signal type."""


Signal = TypeVar("Signal", bound=AfterCommit)
# Where a read runs: a unit of work's session, or a connection of `Database.reading`.
ReadSource = AsyncSession | PooledReader


def after_commit(target: WriteTarget, *signals: AfterCommit) -> None:
    """Record the signals for their handlers, run once this session's transaction commits
    (never if it rolls back). Not for use inside a savepoint (`begin_nested`): a signal recorded
    there would outlive the savepoint's rollback. A `Database` target's statement has committed
    already: the handlers run now."""
    if isinstance(target, Database):
        if signals:
            target.committed(list(signals))
        return
    target.info.setdefault(_SIGNALS, []).extend(signals)


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    pool_timeout: float = CONNECT_TIMEOUT_SECONDS,
    autocommit: bool = False,
) -> AsyncEngine:
    """A pool of `pool_size` connections, kept open: no overflow, because SQLAlchemy closes
    overflow connections on return, so steady load above the size would open a server
    connection per burst. A checkout waits at most `pool_timeout` seconds. With `autocommit`,
    every statement commits on its own (no transactions)."""
    engine = create_async_engine(
        url,
        isolation_level="AUTOCOMMIT" if autocommit else None,
        json_serializer=json_codec.dumps_text,
        json_deserializer=json_codec.loads,
        pool_size=pool_size,
        max_overflow=0,
        pool_recycle=1800,
        # The connection returned last goes out first: a server connection keeps per-connection
        # caches (compiled PL/pgSQL, statement plans, the driver's prepared statements), so the
        # warm connections serve light load and the cold ones only a burst (docs/PERFORMANCE.md).
        pool_use_lifo=True,
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
    event.listen(engine.sync_engine, "connect", _decode_jsonb_from_bytes)
    return engine


def _decode_jsonb_from_bytes(dbapi_connection: Any, _: Any) -> None:
    """Replace the jsonb codec SQLAlchemy's dialect gives each new connection (it runs
    first): the dialect's decodes each document to text, which `json_codec.loads` encodes
    back to bytes; this one reads the driver's bytes as they are."""
    dbapi_connection.run_async(
        lambda driver: driver.set_type_codec(
            "jsonb",
            schema="pg_catalog",
            format="binary",
            encoder=json_codec.dumps_jsonb,
            decoder=json_codec.loads_jsonb,
        )
    )


async def fetch_rows(source: ReadSource, query: str, *args: Any) -> list[Any]:
    """The records of a read sent straight to the asyncpg connection of `source`.

    It skips SQLAlchemy's execution layers, and starts no transaction: a unit of work that
    only reads this way costs its queries alone, with no BEGIN or COMMIT round trip (the
    dialect sends BEGIN lazily, before the first statement SQLAlchemy itself executes). Inside
    a transaction that has begun, it runs in that transaction. Listeners of the engine's
    `before_cursor_execute` event (statement counters) still see it.
    """
    if isinstance(source, PooledReader):
        return await source.fetch(query, *args)
    session_connection = await source.connection()
    driver = (await session_connection.get_raw_connection()).driver_connection
    connection = session_connection.sync_connection
    assert driver is not None
    assert connection is not None
    announce = connection.dispatch.before_cursor_execute
    if announce:
        announce(connection, None, query, args, None, False)
    records: list[Any] = await driver.fetch(query, *args)
    return records


async def fetch_written(target: WriteTarget, query: str, *args: Any) -> Sequence[Any]:
    """The rows a write statement returns: sent in the session's transaction (begun first if it
    has not), or, given the database, alone on a pooled connection, committed on return."""
    if isinstance(target, Database):
        return await target.fetch_alone(query, *args)
    connection = await target.connection()
    result = await connection.exec_driver_sql(query, args)
    return result.all()


class Database:
    def __init__(self, engine: AsyncEngine, *, autocommit: bool = False) -> None:
        self.engine = engine
        # Every connection is in autocommit already (`create_engine(autocommit=True)`).
        self._autocommit = autocommit
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        # A database without handlers (tests, one-off scripts) drops the signals.
        self._handlers: dict[type[AfterCommit], Callable[[list[Any]], None]] = {}

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        pool_size: int = 10,
        pool_timeout: float = CONNECT_TIMEOUT_SECONDS,
        autocommit: bool = False,
    ) -> Database:
        """A database on a new engine; with `autocommit`, one for single statements only (its
        connections never switch isolation level and back; it has no unit of work)."""
        engine = create_engine(
            url, pool_size=pool_size, pool_timeout=pool_timeout, autocommit=autocommit
        )
        return cls(engine, autocommit=autocommit)

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction that commits on success and rolls back on error."""
        assert not self._autocommit, "a database in autocommit has no unit of work"
        async with self.sessions() as session:
            async with session.begin():
                yield session
            self.committed(session.info.pop(_SIGNALS, []))

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[AsyncConnection]:
        """A pooled connection whose statements each commit on their own: for work done in one
        statement, which needs no session, BEGIN or COMMIT around it."""
        async with self.engine.connect() as connection:
            if self._autocommit:
                yield connection
            else:
                yield await connection.execution_options(isolation_level="AUTOCOMMIT")

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[PooledReader]:
        """A pooled connection for reads through `fetch_rows`, in no transaction.

        For a request that only reads: no session, transaction or commit around its queries,
        which cost more CPU than a one-query read itself.
        """
        reader = await PooledReader.check_out(self.engine.sync_engine)
        try:
            yield reader
        finally:
            # No transaction began, so returning the connection never waits on the server:
            # a cancellation cannot leave it half-returned.
            reader.give_back()
            # Let the request the return woke take the connection before this one goes on
            # (as the unit of work's close lets it). Measured with 32 clients on 10
            # connections: without this, 0.1-0.3 % of list requests found it taken again,
            # waited past the pool's timeout and were refused 503 `overloaded`; with it, none.
            await asyncio.sleep(0)

    async def fetch_alone(self, query: str, *args: Any) -> list[Any]:
        """The records of one statement sent on a pooled connection outside any transaction:
        it commits on its own before this returns. For work done in one statement (a function
        call may hold several), with no session, BEGIN or COMMIT around it."""
        async with self.reading() as connection:
            return await connection.fetch(query, *args)

    def on_commit(self, kind: type[Signal], handler: Callable[[list[Signal]], None]) -> None:
        """After each commit, call `handler` once with the signals of `kind` recorded in that
        transaction, in the order they were recorded. It must not block: it starts the work."""
        self._handlers[kind] = handler

    def committed(self, signals: list[AfterCommit]) -> None:
        """Hand the signals of a committed transaction to their handlers, by kind."""
        by_kind: dict[type[AfterCommit], list[AfterCommit]] = {}
        for signal in signals:
            by_kind.setdefault(type(signal), []).append(signal)
        for kind, recorded in by_kind.items():
            if (handler := self._handlers.get(kind)) is not None:
                handler(recorded)

    async def dispose(self) -> None:
        await self.engine.dispose()


# Where a write runs: a unit of work's session (in its transaction), or the database itself,
# for a write done in one statement, which commits on its own (`fetch_written`).
WriteTarget = AsyncSession | Database
