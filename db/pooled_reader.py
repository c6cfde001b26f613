"""A pooled connection lent to reads: the driver's connection, without SQLAlchemy's Connection.

SQLAlchemy's `AsyncConnection` around one read costs more CPU than the read: building the
Connection, and three greenlet hops (checkout, reaching the driver's connection, close). A
`PooledReader` takes the connection from the same pool in one hop and gives it back without
any: no transaction was begun on it, so the pool's reset on return has nothing to send.

Failures look as they do on SQLAlchemy's path: the driver's errors become SQLAlchemy's
`DBAPIError` (with the driver's error, and its SQLSTATE, as `orig`), and a connection the
failure closed is invalidated, so the pool opens a new one in its place.
"""

from __future__ import annotations

from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

# What the driver raises for a statement or its connection, as SQLAlchemy's dialect translates
# them: the server's errors, with their SQLSTATE, and the client's own (a closed connection, a
# protocol in the wrong state).
DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError)


class PooledReader:
    def __init__(self, engine: Engine, pooled: PoolProxiedConnection) -> None:
        self._engine = engine
        self._pooled = pooled
        self._driver: asyncpg.Connection = pooled.driver_connection

    @classmethod
    async def check_out(cls, engine: Engine) -> PooledReader:
        """A connection of `engine`'s pool, waiting or connecting as `engine.connect` does, and
        failing as it does: the driver's error on connecting becomes a `DBAPIError`."""
        dialect = engine.dialect
        try:
            pooled = await greenlet_spawn(engine.raw_connection)
        except dialect.loaded_dbapi.Error as error:
            lost = dialect.is_disconnect(error, None, None)
            driver_error = dialect.loaded_dbapi.Error
            raise _wrapped(engine, error, driver_error=driver_error, lost=lost) from error
        return cls(engine, pooled)

    def give_back(self) -> None:
        """Return the connection to the pool (an invalidated one is discarded there)."""
        self._pooled.close()

    async def fetch(self, query: str, *args: Any) -> list[Any]:
        """The records of `query`, in no transaction. Listeners of the engine's
        `before_cursor_execute` event see it, with no Connection (`conn` is None)."""
        announce = self._engine.dispatch.before_cursor_execute
        if announce:
            announce(None, None, query, args, None, False)
        try:
            records: list[Any] = await self._driver.fetch(query, *args)
        except Exception as error:
            # The dialect's own test of a disconnect: the driver's connection is closed.
            lost = self._driver.is_closed()
            if lost and self._pooled.is_valid:
                await greenlet_spawn(self._pooled.invalidate, error)
            if isinstance(error, DRIVER_ERRORS):
                raise _wrapped(
                    self._engine, error, statement=(query, args), driver_error=Exception, lost=lost
                ) from error
            raise
        return records


def _wrapped(
    engine: Engine,
    error: Exception,
    *,
    statement: tuple[str, tuple[Any, ...]] | None = None,
    driver_error: type[Exception],
    lost: bool,
) -> DBAPIError:
    """`error` as SQLAlchemy raises it from `engine`: `driver_error` is the class it wraps,
    `statement` the query and arguments that failed, `lost` whether the connection was."""
    query, args = statement or (None, None)
    wrapped = DBAPIError.instance(
        query,
        args,
        error,
        driver_error,
        hide_parameters=engine.hide_parameters,
        connection_invalidated=lost,
        dialect=engine.dialect,
    )
    assert isinstance(wrapped, DBAPIError)
    return wrapped
