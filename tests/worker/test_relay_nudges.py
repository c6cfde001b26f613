"""Relay nudges: one message per window of commits, and a nudged relay that follows the writes
meanwhile."""

from __future__ import annotations

import asyncio
import time

import pytest
from redis.asyncio import Redis

import app.core.queue
import jobs.relay
from app.core.config import Settings
from app.core.queue import STREAM, TaskQueue, create_broker
from app.outbox.relay import backlog
from db.session import Database
from jobs.relay import OutboxRelay
from tests.factories import Keys, make_endpoint
from tests.worker.helpers import all_deliveries, record_event

URL = "https://hooks.example.com/all"
WINDOW = 1.0


async def test_the_first_nudge_goes_at_once_and_the_next_ones_share_one_as_the_window_ends(
    redis: Redis, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.core.queue, "RELAY_NUDGE_WINDOW_SECONDS", WINDOW)
    broker = create_broker(settings.redis_url or "")
    queue = TaskQueue(broker)
    await queue.start()
    try:
        started = time.monotonic()
        queue.nudge_relay()
        await queue.drain()
        assert await redis.xlen(STREAM) == 1
        assert time.monotonic() - started < WINDOW
        for _ in range(5):
            queue.nudge_relay()
        await asyncio.sleep(0.05)
        assert await redis.xlen(STREAM) == 1  # held until the window ends
        await queue.drain()
        assert await redis.xlen(STREAM) == 2
        assert time.monotonic() - started >= WINDOW
    finally:
        await broker.shutdown()


async def test_a_nudged_relay_relays_later_commits_without_another_nudge(
    db: Database, settings: Settings, tenant_keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs.relay, "RELAY_NUDGE_WINDOW_SECONDS", 30.0)
    await make_endpoint(db, settings, tenant_keys.tenant, URL)
    woken: list[bool] = []
    relay = OutboxRelay(db, on_deliveries=lambda: woken.append(True))
    try:
        await relay.nudged()
        assert await all_deliveries(db) == []
        await record_event(db, tenant_keys.tenant)
        async with asyncio.timeout(10):
            while not await all_deliveries(db):
                await asyncio.sleep(0.01)
    finally:
        await relay.stop_following()
    assert woken == [True]


async def test_a_nudged_relay_stops_following_after_a_window_without_events(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    await make_endpoint(db, settings, tenant_keys.tenant, URL)
    relay = OutboxRelay(db, on_deliveries=lambda: None)
    try:
        await relay.nudged()
        await asyncio.sleep(app.core.queue.RELAY_NUDGE_WINDOW_SECONDS + 0.5)
        await record_event(db, tenant_keys.tenant)
        await asyncio.sleep(0.3)
        async with db.unit_of_work() as session:
            unrelayed, _ = await backlog(session)
        assert unrelayed == 1
    finally:
        await relay.stop_following()
