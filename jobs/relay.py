"""This process's outbox relay: events fanned out into deliveries a batch per statement (each
commits on its own: no session, BEGIN or COMMIT around it), one relay at a time. A relay asked
for while one runs makes the running one go round once more, so a burst of nudges costs a few
relays, not one each.

A nudged relay then follows the writes: it relays again every FOLLOW_INTERVAL_SECONDS until
RELAY_NUDGE_WINDOW_SECONDS pass without a nudge or an event. An API process sends at most one
nudge per such window (app/core/queue.py), and the commits inside a window are found by these
follow-up relays meanwhile, so a steady stream of writes costs a nudge per window, not one per
few commits (each is a stream read, a task and an acknowledgement here).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from app.core.queue import RELAY_NUDGE_WINDOW_SECONDS
from app.outbox.relay import RELAY_BATCH, relay_batch
from db.session import Database
from jobs.parts import run_part

FOLLOW_INTERVAL_SECONDS = 0.01


class OutboxRelay:
    def __init__(self, db: Database, *, on_deliveries: Callable[[], None]) -> None:
        self.db = db
        self._on_deliveries = on_deliveries
        self._running = False
        self._again = False
        self._follow_until = 0.0
        self._follower: asyncio.Task[None] | None = None

    async def run(self) -> int:
        """Relay every unrelayed event; how many this call relayed (0 when it only asked the
        relay already running to go round again)."""
        if self._running:
            self._again = True
            return 0
        self._running = True
        relayed = 0
        try:
            while True:
                self._again = False
                relayed += await self._relay_all()
                if not self._again:
                    return relayed
        finally:
            self._running = False

    async def nudged(self) -> None:
        """Relay now (a nudge came), then follow the writes for a while in the background."""
        await self.run()
        self._follow_for_a_window()
        if self._follower is None:
            self._follower = asyncio.get_running_loop().create_task(self._follow())

    async def stop_following(self) -> None:
        if self._follower is not None:
            self._follower.cancel()
            await asyncio.gather(self._follower, return_exceptions=True)

    def _follow_for_a_window(self) -> None:
        self._follow_until = asyncio.get_running_loop().time() + RELAY_NUDGE_WINDOW_SECONDS

    async def _follow(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while loop.time() < self._follow_until:
                await asyncio.sleep(FOLLOW_INTERVAL_SECONDS)
                if not await run_part("relay", self._follow_once):
                    return  # failed (logged): the next nudge or sweep relays
        finally:
            self._follower = None

    async def _follow_once(self) -> None:
        if await self.run():
            self._follow_for_a_window()

    async def _relay_all(self) -> int:
        relayed = 0
        while True:
            count, delivery_ids = await relay_batch(self.db)
            if delivery_ids:
                self._on_deliveries()
            relayed += count
            if count < RELAY_BATCH:
                return relayed
