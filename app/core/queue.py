"""The task queue: Taskiq over a Redis stream. Redis only carries work; PostgreSQL holds state,
so a lost message costs a sweep interval of delay, never an event."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Coroutine, Sequence
from typing import Any

from loguru import logger
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from taskiq import AckableMessage
from taskiq.exceptions import SendTaskError
from taskiq.kicker import AsyncKicker
from taskiq_redis import RedisStreamBroker

from app.core.metrics import task_enqueue_failures

RELAY_OUTBOX = "outbox.relay"
DELIVER_WEBHOOK = "webhooks.deliver"
DISPATCH_RUN = "automation_runs.dispatch"
RECOVER_WEBHOOKS = "webhooks.recover"
for _task in (RELAY_OUTBOX, DELIVER_WEBHOOK, DISPATCH_RUN, RECOVER_WEBHOOKS):
    task_enqueue_failures.labels(task=_task)

STREAM = "aetherflow:tasks"
CONSUMER_GROUP = "aetherflow-workers"
# A message unacknowledged this long is taken over by another worker. Tasks are short (an HTTP
# call with a timeout of seconds) and every task is safe to run twice.
IDLE_TIMEOUT_MS = 120_000
# A worker takes one message at a time from the stream, and only when it has a free task slot
# (WORKER_CONCURRENCY): every message it holds is being executed, none waits behind slow ones,
# and a crash strands no more than that.
FETCH_COUNT = 1
STREAM_MAX_LENGTH = 100_000
RECONNECT_DELAY_SECONDS = 1.0
# A process sends at most one relay nudge per window: the first commit that writes events after
# a quiet window nudges at once, and those inside a window after a nudge share one more, sent as
# it ends. A nudged worker relays again every few milliseconds until a window passes without
# events or nudges (jobs/relay.py), which finds the commits inside the window meanwhile.
RELAY_NUDGE_WINDOW_SECONDS = 0.05
_REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientStreamBroker(RedisStreamBroker):
    """A stream broker whose listener survives Redis restarts instead of ending the worker.

    After a restart the stream and its consumer group may be gone (Redis keeps nothing on disk
    here); they are declared again before reading resumes.
    """

    async def listen(self) -> AsyncGenerator[AckableMessage, None]:
        while True:
            try:
                async for message in super().listen():
                    yield message
            except (*_REDIS_DOWN, ResponseError) as exc:
                if isinstance(exc, ResponseError) and "NOGROUP" not in str(exc):
                    raise
                logger.warning("task stream unavailable ({}); reconnecting", type(exc).__name__)
                await asyncio.sleep(RECONNECT_DELAY_SECONDS)
                try:
                    await self._declare_consumer_group()
                except _REDIS_DOWN:
                    continue


def create_broker(redis_url: str) -> ResilientStreamBroker:
    return ResilientStreamBroker(
        redis_url,
        queue_name=STREAM,
        consumer_group_name=CONSUMER_GROUP,
        consumer_id="0",
        idle_timeout=IDLE_TIMEOUT_MS,
        xread_count=FETCH_COUNT,
        unacknowledged_batch_size=FETCH_COUNT,
        unacknowledged_lock_timeout=30,
        maxlen=STREAM_MAX_LENGTH,
        socket_timeout=5,
        socket_connect_timeout=2,
    )


class TaskQueue:
    """Enqueue tasks by name, from the API or the worker; failures are logged, not raised.

    Every enqueue follows a commit of the state it refers to, so a failed enqueue only delays
    the work until the next sweep.
    """

    def __init__(self, broker: ResilientStreamBroker) -> None:
        self.broker = broker
        self._pending: set[asyncio.Task[object]] = set()
        self._relay_nudge_queued = False
        self._relay_window_ends = 0.0

    async def start(self) -> None:
        try:
            await self.broker.startup()
        except _REDIS_DOWN as exc:
            logger.warning("task queue unavailable at start-up ({})", type(exc).__name__)

    async def drain(self) -> None:
        """Wait for the enqueues started so far (a short-lived process, before it exits)."""
        await asyncio.gather(*self._pending, return_exceptions=True)

    async def cancel_pending(self) -> None:
        """Drop enqueues not done yet (nudges, delayed retries); the sweep covers them."""
        for task in self._pending:
            task.cancel()
        await asyncio.gather(*self._pending, return_exceptions=True)

    async def kick(self, task_name: str, *args: Any) -> bool:
        """Enqueue one task; False (one warning, counted) when Redis could not take it."""
        try:
            await AsyncKicker(task_name, self.broker, {}).kiq(*args)
        except SendTaskError as exc:
            # Taskiq wraps whatever the broker raised; the cause says why.
            cause = exc.__cause__ or exc
            logger.warning("could not enqueue {} ({})", task_name, type(cause).__name__)
            task_enqueue_failures.labels(task=task_name).inc()
            return False
        return True

    async def kick_each(self, task_name: str, ids: Sequence[object]) -> int:
        """Enqueue one task per id, stopping at the first failure (Redis down: one warning,
        not one per id); how many were enqueued."""
        for done, item in enumerate(ids):
            if not await self.kick(task_name, str(item)):
                return done
        return len(ids)

    def nudge_relay(self) -> None:
        """Ask a worker to relay the outbox now (after a commit that wrote events): at once
        after a quiet window, else as the window of the last nudge ends, in one message with
        the other commits of that window."""
        if self._relay_nudge_queued:
            return
        self._relay_nudge_queued = True
        wait = self._relay_window_ends - asyncio.get_running_loop().time()
        self._spawn(self._kick_relay(wait))

    def kick_soon_each(self, task_name: str, ids: list[str]) -> None:
        """Enqueue one task per id from synchronous code (an after-commit hook)."""
        self._spawn(self.kick_each(task_name, ids))

    def kick_later(self, delay: float, task_name: str, *args: Any) -> None:
        """Enqueue after `delay` seconds from this process; the sweep covers a crash meanwhile."""

        async def later() -> None:
            await asyncio.sleep(delay)
            await self.kick(task_name, *args)

        self._spawn(later())

    async def _kick_relay(self, wait: float) -> None:
        if wait > 0:
            await asyncio.sleep(wait)
        self._relay_nudge_queued = False
        self._relay_window_ends = asyncio.get_running_loop().time() + RELAY_NUDGE_WINDOW_SECONDS
        await self.kick(RELAY_OUTBOX)

    def _spawn(self, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._pending.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[object]) -> None:
        """Retrieve the outcome, so no enqueue ends as 'Task exception was never retrieved'."""
        self._pending.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            logger.opt(exception=exc).error("background enqueue failed")
