"""One timer keeps every request's deadline: each expires on time, a forgotten one never."""

from __future__ import annotations

import asyncio

import pytest

from app.core.deadlines import Deadlines

SECONDS = 0.1


async def run_watched(deadlines: Deadlines, work_seconds: float) -> float:
    """Sleep `work_seconds` under a watched deadline; the loop time it took."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with asyncio.timeout(None) as timeout:
        deadlines.watch(timeout)
        try:
            await asyncio.sleep(work_seconds)
        finally:
            deadlines.forget(timeout)
    return loop.time() - started


async def test_requests_past_their_deadline_time_out_in_turn() -> None:
    deadlines = Deadlines(SECONDS)
    slow = asyncio.create_task(run_watched(deadlines, 10))
    await asyncio.sleep(SECONDS / 2)
    later = asyncio.create_task(run_watched(deadlines, 10))
    quick = asyncio.create_task(run_watched(deadlines, SECONDS / 10))
    assert await quick < SECONDS
    with pytest.raises(TimeoutError):
        await slow
    assert not later.done()
    with pytest.raises(TimeoutError):
        await later


async def test_a_forgotten_deadline_never_fires() -> None:
    deadlines = Deadlines(SECONDS)
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(None) as timeout:
        deadlines.watch(timeout)
        deadlines.forget(timeout)
        await asyncio.sleep(SECONDS * 2)
    assert not timeout.expired()
    started = loop.time()
    with pytest.raises(TimeoutError):
        await run_watched(deadlines, 10)
    assert SECONDS * 0.9 <= loop.time() - started < SECONDS * 5
