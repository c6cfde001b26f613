"""CONTRACT.md §9: when Redis is down or slow, requests are served, counted and logged (once)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
from loguru import logger

from db.session import Database
from tests.factories import Keys
from tests.rate_limit.helpers import (
    assert_no_rate_limit_fields,
    limited_client,
    metric_value,
    scrape,
)
from tests.reports.helpers import REPORTS
from tests.worker.process import RedisServer, own_redis

FAIL_OPEN = "aetherflow_redis_fail_open_total"
WARNING = "rate limiter unavailable; serving requests without rate limits"


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    lines: list[str] = []
    sink = logger.add(lambda message: lines.append(message.record["message"]), level="WARNING")
    yield lines
    logger.remove(sink)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with own_redis() as server:
        yield server


async def test_requests_are_served_without_limits_while_redis_is_down(
    database_url: str,
    db: Database,
    tenant_keys: Keys,
    redis_server: RedisServer,
    warnings: list[str],
) -> None:
    async with limited_client(database_url, redis_server.url) as client:
        before = await client.get(REPORTS.format("acme"), headers=tenant_keys.headers)
        assert before.headers["ratelimit"] == '"read";r=4;t=60'
        counted_before = metric_value(await scrape(client), FAIL_OPEN)
        redis_server.stop()
        for _ in range(7):
            response = await client.get(REPORTS.format("acme"), headers=tenant_keys.headers)
            assert response.status_code == 200, response.text
            assert_no_rate_limit_fields(response)
        counted_after = metric_value(await scrape(client), FAIL_OPEN)
    assert counted_before is not None
    assert counted_after == counted_before + 7
    assert warnings.count(WARNING) == 1


async def test_a_stalled_redis_costs_at_most_the_limiter_timeout(
    database_url: str,
    db: Database,
    tenant_keys: Keys,
    redis_server: RedisServer,
    warnings: list[str],
) -> None:
    assert redis_server.process is not None
    async with limited_client(
        database_url, redis_server.url, rate_limit_redis_timeout_seconds=0.2
    ) as client:
        await client.get(REPORTS.format("acme"), headers=tenant_keys.headers)
        os.kill(redis_server.process.pid, signal.SIGSTOP)
        try:
            for _ in range(3):
                started = time.perf_counter()
                response = await client.get(REPORTS.format("acme"), headers=tenant_keys.headers)
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, response.text
                assert_no_rate_limit_fields(response)
                # Unbounded without the timeout; the margin absorbs a loaded machine.
                assert elapsed < 1.5
        finally:
            os.kill(redis_server.process.pid, signal.SIGCONT)
    assert warnings.count(WARNING) == 1


async def test_failed_authentication_is_not_limited_while_redis_is_down(
    database_url: str, db: Database, redis_server: RedisServer
) -> None:
    async with limited_client(database_url, redis_server.url) as client:
        redis_server.stop()
        for _ in range(5):
            response = await client.get(
                REPORTS.format("acme"), headers={"Authorization": "Bearer afk_abcdefgh_nope"}
            )
            assert response.status_code == 401
