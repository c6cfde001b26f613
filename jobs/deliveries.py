"""The worker's webhook deliveries: claimed from PostgreSQL in batches, sent with at most
WORKER_CONCURRENCY attempts in flight, their outcomes recorded in batches.

No queue message per delivery: PostgreSQL says what is due. The loop claims when woken (this
process relayed events, a `webhooks.deliver` task arrived, a retry of its own came due, crash
recovery released leases) and otherwise every POLL_SECONDS, which is how deliveries relayed by
another worker process reach this one. While deliveries keep coming, the statement that records
a batch of outcomes also claims the next batch for the slots it frees: one round trip per cycle.
A slot is held from the claim until the outcome is recorded: a killed process cuts off at most
WORKER_CONCURRENCY attempts, the only ones repeated.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from loguru import logger

from app.bootstrap import Runtime
from app.core.outages import is_outage, outage_name
from app.webhooks.claims import ClaimedDelivery
from app.webhooks.delivery import (
    Attempted,
    RecordedAttempts,
    claim_deliveries,
    defer_deliveries,
    delivery_loop_database,
    failed_attempt,
    record_and_claim,
    record_attempts,
    release_next_in_line,
    send,
)
from app.webhooks.failing import act_on_failing_endpoints
from app.webhooks.pacer import Pacer
from app.webhooks.sender import ClientPool
from db.models.webhook_delivery import DeliveryStatus
from jobs.heartbeat import last_task

POLL_SECONDS = 1.0
RETRY_TIMER_SECONDS = 60.0
# After a failed claim (the database is down), wait this long before claiming again.
FAILURE_PAUSE_SECONDS = 1.0
# Outcomes that finish while one batch is being recorded are recorded by another at once,
# instead of waiting for that statement (and its commit) to end while they hold their slots.
RECORDERS = 2
# Wake-ups for deliveries waiting for their endpoint's pace are kept to one per this many
# seconds, and come this much after the time they wait for (clocks read apart).
PACE_TIMER_GRAIN_SECONDS = 0.01


class DeliveryLoop:
    def __init__(self, runtime: Runtime, *, holder: Callable[[], int | None]) -> None:
        self.runtime = runtime
        self.slots = runtime.settings.worker_concurrency
        # Claims wait for half the slots to be free: fewer, larger batches.
        self._claim_at_least = max(1, self.slots // 2)
        self.clients = ClientPool()
        # Its claims and records run on connections of their own: a claim and each recorder's.
        self.db = delivery_loop_database(runtime.settings, connections=1 + RECORDERS)
        runtime.handle_after_commit(self.db)
        self.pacer = Pacer.connect(runtime.settings.redis_url or "")
        self._pace_timers: set[int] = set()
        self._holder = holder
        self._wake = asyncio.Event()
        self._slot_freed = asyncio.Event()
        self._recorded = asyncio.Event()
        self._outcomes: list[Attempted] = []
        self._outcome_ready = asyncio.Event()
        self._in_flight = 0
        self._claiming = True
        self._failing = False
        self._tasks: set[asyncio.Task[None]] = set()

    def wake(self) -> None:
        """Claim what is due now."""
        self._wake.set()

    def wake_after(self, delay: float) -> None:
        asyncio.get_running_loop().call_later(delay, self._wake.set)

    def start(self) -> None:
        self._spawn(self._claim_forever())
        for _ in range(RECORDERS):
            self._spawn(self._record_forever())

    def stop_claiming(self) -> None:
        """Claim nothing more; the attempts in flight go on (a stop signal came)."""
        self._claiming = False
        self._wake.set()
        self._slot_freed.set()

    async def stop(self, drain_seconds: float) -> None:
        """Stop claiming, give the attempts in flight `drain_seconds` to be sent and recorded,
        then cancel what is left (its rows stay leased: crash recovery or the lease brings
        them back)."""
        self.stop_claiming()
        try:
            async with asyncio.timeout(drain_seconds):
                while self._in_flight:
                    self._recorded.clear()
                    await self._recorded.wait()
        except TimeoutError:
            logger.warning("{} webhook attempts still in flight at shutdown", self._in_flight)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.clients.aclose()
        await self.pacer.close()
        await self.db.dispose()

    async def _claim_forever(self) -> None:
        while self._claiming:
            try:
                async with asyncio.timeout(POLL_SECONDS):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()
            while self._claiming:
                free = self.slots - self._in_flight
                if free < self._claim_at_least:
                    self._slot_freed.clear()
                    await self._slot_freed.wait()
                    continue
                claimed = await self._claim(free)
                if claimed is None or len(claimed) < free:
                    break  # nothing more is due now (or the database is down)

    async def _claim(self, limit: int) -> list[ClaimedDelivery] | None:
        runtime = self.runtime
        self._in_flight += limit  # reserved while the claim runs
        try:
            claimed = await claim_deliveries(
                self.db, runtime.settings, limit=limit, holder=self._holder()
            )
        except Exception as exc:
            self._release(limit)
            self._failed("claim", exc)
            await asyncio.sleep(FAILURE_PAUSE_SECONDS)
            return None
        self._failing = False
        self._release(limit - await self._start(claimed))
        # Ended by the claim (a disabled endpoint's): the next of their resource may go too.
        await self._next_in_line([d for d in claimed if d.ordered and not d.endpoint_enabled])
        return claimed

    async def _next_in_line(self, ended: list[ClaimedDelivery]) -> None:
        """Make due the delivery next in line behind each ended ordered one, and claim it. If
        this fails, the sweep releases it later."""
        if not ended:
            return
        try:
            released = await release_next_in_line(self.db, [delivery.id for delivery in ended])
        except Exception as exc:
            self._failed("release", exc)
            return
        if released:
            self.wake()

    async def _start(self, claimed: list[ClaimedDelivery]) -> int:
        """Start the attempts of the claimed deliveries (their slots are held) that their
        endpoints' pace lets go now; how many. The others get their attempts back and wait."""
        sendable = [d for d in claimed if d.endpoint_enabled]  # the claim ended the others
        try:
            waits = await self.pacer.waits(sendable)
        except Exception:  # a fault of ours: deliveries go unpaced rather than stop
            logger.exception("webhook pacing failed")
            waits = [0.0] * len(sendable)
        deferred = [(d, wait) for d, wait in zip(sendable, waits, strict=True) if wait > 0]
        for delivery, wait in zip(sendable, waits, strict=True):
            if wait <= 0:
                self._spawn(self._attempt(delivery))
        if deferred:
            await self._defer(deferred)
        return len(sendable) - len(deferred)

    async def _defer(self, deferred: list[tuple[ClaimedDelivery, float]]) -> None:
        try:
            await defer_deliveries(self.db, deferred)
        except Exception as exc:
            # Still leased to this live worker: the lease ending brings them back.
            self._failed("deferral", exc)
            return
        for _, wait in deferred:
            if wait <= RETRY_TIMER_SECONDS:
                self._wake_in(wait)

    def _wake_in(self, delay: float) -> None:
        """Claim again once `delay` has passed (one timer per grain)."""
        loop = asyncio.get_running_loop()
        tick = int((loop.time() + delay) / PACE_TIMER_GRAIN_SECONDS) + 1
        if tick not in self._pace_timers:
            self._pace_timers.add(tick)
            loop.call_at(tick * PACE_TIMER_GRAIN_SECONDS, self._pace_timer_fired, tick)

    def _pace_timer_fired(self, tick: int) -> None:
        self._pace_timers.discard(tick)
        self._wake.set()

    async def _attempt(self, delivery: ClaimedDelivery) -> None:
        settings = self.runtime.settings
        try:
            attempted = await send(self.clients, settings, delivery)
        except Exception as exc:
            logger.bind(deliveryId=str(delivery.id)).exception("webhook attempt failed")
            attempted = failed_attempt(settings, delivery, f"internal error: {type(exc).__name__}")
        except BaseException:
            self._release(1)
            raise
        if attempted.pacing is not None:
            try:
                await self.pacer.learn(delivery.endpoint_id, attempted.pacing)
            except Exception:  # a fault of ours: the outcome is recorded all the same
                logger.exception("webhook pacing failed")
        self._outcomes.append(attempted)
        self._outcome_ready.set()

    async def _record_forever(self) -> None:
        while True:
            await self._outcome_ready.wait()
            self._outcome_ready.clear()
            batch, self._outcomes = self._outcomes, []
            if not batch:
                continue  # the other recorder took them
            # The batch's slots, and those free now, are reserved for the next claim.
            limit = len(batch) + (self.slots - self._in_flight if self._claiming else 0)
            self._in_flight += limit - len(batch)
            started = 0
            try:
                if self._claiming:
                    recorded, claimed = await record_and_claim(
                        self.db,
                        self.runtime.settings,
                        batch,
                        limit=limit,
                        holder=self._holder(),
                    )
                    self._failing = False
                    started = await self._start(claimed)
                else:
                    recorded = await record_attempts(self.db, self.runtime.settings, batch)
            except Exception as exc:
                # Not recorded: the rows stay leased to this live worker until their lease
                # ends, then the sweep finds them due.
                self._failed("record", exc)
                recorded = RecordedAttempts([], set())
            else:
                last_task.set_to_current_time()
            self._release(limit - started)
            if recorded.failing_endpoints:
                self._spawn(self._act_on_failing(recorded.failing_endpoints))
            if recorded.reports:
                await self._next_in_line(
                    [attempted.delivery for attempted in batch if _ends_ordered(attempted)]
                )
            for report in recorded.reports:
                # A short wait is kept on time by a timer here (a crash meanwhile leaves it to
                # a poll); longer ones, which could pile up timers, are found by the polls.
                if report.retry_in is not None and report.retry_in <= RETRY_TIMER_SECONDS:
                    self.wake_after(report.retry_in)

    async def _act_on_failing(self, endpoint_ids: set[uuid.UUID]) -> None:
        """Disable or warn about endpoints whose run of failures passed a threshold (rare: off
        the record path). If this fails, the endpoint's next failed attempt asks again."""
        runtime = self.runtime
        try:
            await act_on_failing_endpoints(runtime.db, runtime.settings, endpoint_ids)
        except Exception as exc:
            failure = logger.bind(part="webhook auto-disable", error=outage_name(exc))
            if is_outage(exc):
                failure.warning("webhook auto-disable failed ({})", outage_name(exc))
            else:
                failure.opt(exception=exc).error("webhook auto-disable failed")

    def _release(self, count: int) -> None:
        self._in_flight -= count
        self._slot_freed.set()
        self._recorded.set()

    def _failed(self, what: str, exc: Exception) -> None:
        """Log an outage once (until a claim succeeds again), anything else every time."""
        failure = logger.bind(part=f"webhook {what}", error=outage_name(exc))
        if not is_outage(exc):
            failure.opt(exception=exc).error("webhook {} failed", what)
        elif not self._failing:
            failure.warning("webhook {} failed ({})", what, outage_name(exc))
        self._failing = True

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            logger.opt(exception=exc).error("webhook attempt failed")


def _ends_ordered(attempted: Attempted) -> bool:
    """The attempt ended an ordered delivery (delivered or dead), which held the next one of its
    endpoint and resource."""
    return attempted.delivery.ordered and attempted.outcome.status != DeliveryStatus.PENDING
