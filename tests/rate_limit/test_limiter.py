"""The limiter against real Redis: it keeps `limits`' state, so `limits` reads what it counted."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from limits import RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from app.rate_limit.limiter import KEY_PREFIX, RateLimiter
from app.rate_limit.policy import RateLimitGroup
from tests.conftest import make_settings

WRITE = RateLimitGroup.WRITE
TENANT = "0b7c2b1e-2d1f-4a56-9a57-2f4c1f6e8e01"


@pytest.fixture
async def limiter(database_url: str, redis_url: str, redis: object) -> AsyncIterator[RateLimiter]:
    limiter = RateLimiter.connect(
        make_settings(database_url, redis_url, rate_limit_write_per_minute=3)
    )
    yield limiter
    await limiter.close()


@pytest.fixture
def reference(redis_url: str) -> SlidingWindowCounterRateLimiter:
    """`limits`' own strategy over the same Redis and key prefix."""
    storage = RedisStorage(f"async+{redis_url}", implementation="redispy", key_prefix=KEY_PREFIX)
    return SlidingWindowCounterRateLimiter(storage)


ITEM = RateLimitItemPerSecond(3, 60)


async def test_limits_reads_what_the_limiter_counted(
    limiter: RateLimiter, reference: SlidingWindowCounterRateLimiter
) -> None:
    for expected_remaining in (2, 1, 0):
        decision = await limiter.consume(WRITE, TENANT)
        assert decision is not None
        assert decision.allowed
        assert decision.remaining == expected_remaining
        stats = await reference.get_window_stats(ITEM, WRITE.value, TENANT)
        assert stats.remaining == expected_remaining
    assert not await reference.test(ITEM, WRITE.value, TENANT)
    refused = await limiter.consume(WRITE, TENANT)
    assert refused is not None
    assert (refused.allowed, refused.remaining) == (False, 0)
    assert (await reference.get_window_stats(ITEM, WRITE.value, TENANT)).remaining == 0


async def test_a_refund_gives_one_unit_back(
    limiter: RateLimiter, reference: SlidingWindowCounterRateLimiter
) -> None:
    for _ in range(3):
        await limiter.consume(WRITE, TENANT)
    assert await limiter.refund(WRITE, TENANT)
    assert (await reference.get_window_stats(ITEM, WRITE.value, TENANT)).remaining == 1
    assert await reference.test(ITEM, WRITE.value, TENANT)


async def test_what_limits_counts_the_limiter_respects(
    limiter: RateLimiter, reference: SlidingWindowCounterRateLimiter
) -> None:
    assert await reference.hit(ITEM, WRITE.value, TENANT)
    assert await reference.hit(ITEM, WRITE.value, TENANT)
    decision = await limiter.consume(WRITE, TENANT)
    assert decision is not None
    assert (decision.allowed, decision.remaining) == (True, 0)
    await limiter.clear(WRITE, TENANT)
    assert (await reference.get_window_stats(ITEM, WRITE.value, TENANT)).remaining == 3


async def test_identities_and_groups_are_separate_quotas(limiter: RateLimiter) -> None:
    for _ in range(3):
        await limiter.consume(WRITE, TENANT)
    other_tenant = await limiter.consume(WRITE, "another-tenant")
    reads = await limiter.consume(RateLimitGroup.READ, TENANT)
    assert other_tenant is not None
    assert other_tenant.remaining == 2
    assert reads is not None
    assert reads.remaining == 599
