"""Deadlines of one duration kept by one timer rather than one per deadline.

Each `asyncio.timeout(None)` watched starts with no timer of its own. Every deadline has the
same duration, so the order they are watched in is the order they fall due: one timer, set for
the earliest, expires those that are due and is set again for the next one. A timer each cost
an event-loop timer created and cancelled for every request (the request deadline, the rate
limiter's call).
"""

from __future__ import annotations

import asyncio


class Deadlines:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        # Open timeouts and when each falls due, earliest first (insertion order).
        self._due: dict[asyncio.Timeout, float] = {}
        self._timer: asyncio.TimerHandle | None = None

    def watch(self, timeout: asyncio.Timeout) -> None:
        """Expire `timeout` (entered, without a deadline) `seconds` from now."""
        loop = asyncio.get_running_loop()
        due = loop.time() + self.seconds
        self._due[timeout] = due
        if self._timer is None:
            self._timer = loop.call_at(due, self._expire_due)

    def forget(self, timeout: asyncio.Timeout) -> None:
        """Stop watching `timeout`; one this set expired but whose task has not run yet is
        called off."""
        self._due.pop(timeout, None)
        if timeout.when() is not None and not timeout.expired():
            timeout.reschedule(None)

    def _expire_due(self) -> None:
        self._timer = None
        loop = asyncio.get_running_loop()
        now = loop.time()
        for timeout, due in list(self._due.items()):
            if due > now:
                self._timer = loop.call_at(due, self._expire_due)
                return
            del self._due[timeout]
            timeout.reschedule(now)
