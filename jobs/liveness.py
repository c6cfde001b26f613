"""This worker process's liveness as every other worker sees it: a session advisory lock.

The process holds (LIVENESS_NAMESPACE, holder id) on a connection of its own for its whole
life, and its claims record the holder id (db/leases.py). PostgreSQL releases the lock as
soon as that connection closes, which a killed process's connection does at once; crash
recovery (jobs/recovery.py) looks for exactly that. If the connection breaks while the process
lives, the lock is taken again with the same id on a new connection; until then claims record
no holder and their leases end only by time.

Session advisory locks need a session of their own: behind a pooler in transaction mode the
lock would stay with a pooled server connection (see docs/WEBHOOKS.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets

from loguru import logger
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from app.core.outages import is_outage, outage_name
from db.leases import LIVENESS_NAMESPACE

CHECK_INTERVAL_SECONDS = 1.0
CHECK_TIMEOUT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 5
# The server notices a worker host that vanished without closing its connection after
# about idle + count x interval seconds (25 s), and releases its lock.
KEEPALIVE = {
    "tcp_keepalives_idle": "10",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "3",
}
_TRY_LOCK = text("SELECT pg_try_advisory_lock(:namespace, :holder)")


def new_holder_id() -> int:
    """A random positive int4, the second key of the lock."""
    return secrets.randbelow(2**31 - 1) + 1


def create_liveness_engine(url: str) -> AsyncEngine:
    return create_async_engine(
        url,
        poolclass=NullPool,
        connect_args={
            "timeout": CONNECT_TIMEOUT_SECONDS,
            "server_settings": {"application_name": "aetherflow-liveness", **KEEPALIVE},
        },
    )


class LivenessLock:
    def __init__(self) -> None:
        self.holder_id = new_holder_id()
        self._connection: AsyncConnection | None = None
        self._ever_held = False
        # A failure is logged once, until the lock is held again.
        self._failure_logged = False

    @property
    def holder(self) -> int | None:
        """The id claims record while the lock is held; None while it is not."""
        return self.holder_id if self._connection is not None else None

    async def start(self, url: str) -> asyncio.Task[None]:
        """Take the lock (or report why not), then keep it in a task until that is cancelled."""
        engine = create_liveness_engine(url)
        await self._check(engine)
        return asyncio.get_running_loop().create_task(self._keep(engine))

    async def _keep(self, engine: AsyncEngine) -> None:
        try:
            while True:
                await asyncio.sleep(CHECK_INTERVAL_SECONDS)
                await self._check(engine)
        finally:
            await self._drop()
            await engine.dispose()

    async def _check(self, engine: AsyncEngine) -> None:
        """Take the lock if it is not held; otherwise make sure its connection still works."""
        held = self._connection is not None
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                if self._connection is None:
                    await self._take(engine)
                else:
                    await self._connection.execute(text("SELECT 1"))
        except Exception as exc:
            await self._drop()
            if not self._failure_logged:
                self._failure_logged = True
                failure = logger.bind(holder=self.holder_id, error=outage_name(exc))
                if is_outage(exc):
                    failure.warning("liveness lock not held ({}); retrying", outage_name(exc))
                else:
                    failure.exception("liveness lock not held; retrying")
            return
        if self._connection is not None and not held:
            self._failure_logged = False
            logger.bind(holder=self.holder_id).info("liveness lock held")

    async def _take(self, engine: AsyncEngine) -> None:
        connection = await engine.connect()
        try:
            # Session locks outlive transactions; no transaction is left open on this session.
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            while not await connection.scalar(
                _TRY_LOCK, {"namespace": LIVENESS_NAMESPACE, "holder": self.holder_id}
            ):
                if self._ever_held:
                    # Our previous session may not be gone yet; its lock still covers our claims.
                    await connection.close()
                    return
                self.holder_id = new_holder_id()  # another process drew the same id
        except BaseException:
            await _discard(connection)
            raise
        self._connection = connection
        self._ever_held = True

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await _discard(connection)


async def _discard(connection: AsyncConnection) -> None:
    """Close a connection that may be broken; closing it releases its lock on the server."""
    with contextlib.suppress(Exception):
        await connection.invalidate()
    with contextlib.suppress(Exception):
        await connection.close()
