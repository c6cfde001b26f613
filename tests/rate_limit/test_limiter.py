"""The limiter against real Redis: what it counts, gives back, forgets, and how its window moves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from app.rate_limit.limiter import KEY_PREFIX, RateLimiter, window_keys
from app.rate_limit.policy import RateLimitGroup
from tests.conftest import make_settings

WRITE = RateLimitGroup.WRITE
TENANT = "0b7c2b1e-2d1f-4a56-9a57-2f4c1f6e8e01"
WINDOW_MS = 60_000


@pytest.fixture
async def limiter(database_url: str, redis_url: str, redis: Redis) -> AsyncIterator[RateLimiter]:
    limiter = RateLimiter.connect(
        make_settings(database_url, redis_url, rate_limit_write_per_minute=3)
    )
    yield limiter
    await limiter.close()


async def remaining_after_one_more(limiter: RateLimiter) -> tuple[bool, int]:
    decision = await limiter.consume(WRITE, TENANT)
    assert decision is not None
    return decision.allowed, decision.remaining


async def test_the_quota_runs_out_and_is_refused(limiter: RateLimiter) -> None:
    for expected_remaining in (2, 1, 0):
        assert await remaining_after_one_more(limiter) == (True, expected_remaining)
    assert await remaining_after_one_more(limiter) == (False, 0)
    assert await remaining_after_one_more(limiter) == (False, 0)


async def test_a_refund_gives_one_unit_back(limiter: RateLimiter) -> None:
    for _ in range(3):
        await limiter.consume(WRITE, TENANT)
    assert await limiter.refund(WRITE, TENANT)
    assert await remaining_after_one_more(limiter) == (True, 0)
    assert await remaining_after_one_more(limiter) == (False, 0)


async def test_clear_forgets_the_quota_used(limiter: RateLimiter, redis: Redis) -> None:
    for _ in range(3):
        await limiter.consume(WRITE, TENANT)
    await limiter.clear(WRITE, TENANT)
    assert await redis.keys(f"{KEY_PREFIX}:*") == []
    assert await remaining_after_one_more(limiter) == (True, 2)


async def test_the_counter_lives_two_windows_under_its_own_keys(
    limiter: RateLimiter, redis: Redis
) -> None:
    await limiter.consume(WRITE, TENANT)
    previous, current = window_keys(limiter.policies[WRITE], TENANT)
    assert await redis.keys(f"{KEY_PREFIX}:*") == [current.encode()]
    assert int(await redis.get(current) or 0) == 1
    assert WINDOW_MS < await redis.pttl(current) <= 2 * WINDOW_MS
    assert not await redis.exists(previous)


async def test_the_previous_window_counts_by_how_much_it_still_overlaps(
    limiter: RateLimiter, redis: Redis
) -> None:
    for _ in range(3):
        await limiter.consume(WRITE, TENANT)
    previous, current = window_keys(limiter.policies[WRITE], TENANT)
    # As if a window and a half had passed: the full window is now the previous one, half of
    # it still inside the sliding window (weight 3 * 0.5, floored to 1 with the new request).
    await redis.pexpire(current, WINDOW_MS // 2)
    assert await remaining_after_one_more(limiter) == (True, 1)
    assert int(await redis.get(previous) or 0) == 3
    assert int(await redis.get(current) or 0) == 1
    assert await remaining_after_one_more(limiter) == (True, 0)
    assert await remaining_after_one_more(limiter) == (False, 0)


async def test_identities_and_groups_are_separate_quotas(limiter: RateLimiter) -> None:
    for _ in range(3):
        await limiter.consume(WRITE, TENANT)
    other_tenant = await limiter.consume(WRITE, "another-tenant")
    reads = await limiter.consume(RateLimitGroup.READ, TENANT)
    assert other_tenant is not None
    assert other_tenant.remaining == 2
    assert reads is not None
    assert reads.remaining == 599


async def calls_made_by_one_consume(limiter: RateLimiter, redis: Redis) -> list[str]:
    """The Redis calls the limiter's script makes for one request, as MONITOR shows them."""
    sentinel = f"end-of-consume-{TENANT}"
    # MONITOR sees the whole server: only this test's database counts.
    database = redis.connection_pool.connection_kwargs.get("db", 0)
    async with redis.monitor() as monitor, asyncio.timeout(10):
        await limiter.consume(WRITE, TENANT)
        await redis.echo(sentinel)
        calls = []
        while sentinel not in (seen := await monitor.next_command())["command"]:
            if seen["client_type"] == "lua" and seen["db"] == database:
                calls.append(seen["command"].split()[0].lower())
    return calls


async def test_a_request_on_a_running_window_takes_four_redis_calls(
    limiter: RateLimiter, redis: Redis
) -> None:
    await limiter.consume(WRITE, TENANT)
    assert await calls_made_by_one_consume(limiter, redis) == ["pttl", "mget", "pttl", "incrby"]


async def test_a_new_window_is_started_with_its_expiry(limiter: RateLimiter, redis: Redis) -> None:
    assert await calls_made_by_one_consume(limiter, redis) == ["pttl", "mget", "pttl", "set"]
    _, current = window_keys(limiter.policies[WRITE], TENANT)
    assert 2 * WINDOW_MS - 1000 < await redis.pttl(current) <= 2 * WINDOW_MS
