"""This process's outbox relay: events fanned out into deliveries a batch per statement (each
commits on its own: no session, BEGIN or COMMIT around it), one relay at a time. A relay asked
for while one runs makes the running one go round once more, so a burst of nudges (one per API
commit) costs a few relays, not one each."""

from __future__ import annotations

from collections.abc import Callable

from app.outbox.relay import RELAY_BATCH, relay_batch
from db.session import Database


class OutboxRelay:
    def __init__(self, db: Database, *, on_deliveries: Callable[[], None]) -> None:
        self.db = db
        self._on_deliveries = on_deliveries
        self._running = False
        self._again = False

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

    async def _relay_all(self) -> int:
        relayed = 0
        while True:
            async with self.db.autocommit() as connection:
                count, delivery_ids = await relay_batch(connection)
            if delivery_ids:
                self._on_deliveries()
            relayed += count
            if count < RELAY_BATCH:
                return relayed
