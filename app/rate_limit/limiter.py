"""Per-tenant and per-address quotas in Redis: one atomic round trip per request, fail open.

The counter is a sliding-window counter (the arithmetic is in app/rate_limit/window.py). One
script both counts a request and returns the counts it decided on, because the `RateLimit`
field needs the remaining quota and reset time as well as the verdict: one EVALSHA per request.
An idempotent replay is given its unit back by a second small script.
"""

from __future__ import annotations

import asyncio
import time

from loguru import logger
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import NoScriptError, RedisError

from app.core import metrics
from app.core.config import Settings
from app.core.deadlines import Deadlines
from app.rate_limit.policy import Policy, RateLimitGroup, policies_from_settings
from app.rate_limit.window import Decision, WindowCounts, decide

KEY_PREFIX = "aetherflow:rate-limit"
FAIL_OPEN_WARNING_INTERVAL_SECONDS = 60.0
MAX_CACHED_KEY_PAIRS = 10_000
_UNAVAILABLE = (RedisError, OSError, asyncio.TimeoutError)

# Count `cost` units if they fit, and report the counts the decision was made on (TTLs in
# milliseconds, 0 for a missing key). The current window's key lives for two windows: once its
# TTL drops below one window, it becomes the previous window and a new current one starts.
# Four Redis calls when the window does not move (the common case): Redis fixes the time while
# a script runs, so a TTL read once holds for the whole script, and a current count that MGET
# found says the key exists.
# KEYS: previous window, current window. ARGV: quota, window seconds, cost.
_ACQUIRE_AND_REPORT = """
local limit = tonumber(ARGV[1])
local expiry = tonumber(ARGV[2]) * 1000
local amount = tonumber(ARGV[3])

local current_ttl = redis.call('pttl', KEYS[2])
if current_ttl > 0 and current_ttl < expiry then
    redis.call('rename', KEYS[2], KEYS[1])
    current_ttl = current_ttl + expiry
    redis.call('set', KEYS[2], 0, 'PX', current_ttl)
end
current_ttl = math.max(current_ttl, 0)

local counts = redis.call('mget', KEYS[1], KEYS[2])
local previous_count = tonumber(counts[1]) or 0
local previous_ttl = math.max(redis.call('pttl', KEYS[1]), 0)
local current_count = tonumber(counts[2]) or 0

local weighted_count = math.floor(previous_count * previous_ttl / expiry) + current_count
if amount > limit or weighted_count + amount > limit then
    return {0, previous_count, previous_ttl, current_count, current_ttl}
end
if counts[2] then
    current_count = redis.call('incrby', KEYS[2], amount)
else
    redis.call('set', KEYS[2], amount, 'PX', expiry * 2)
    current_count = amount
    current_ttl = expiry * 2
end
return {1, previous_count, previous_ttl, current_count, current_ttl}
"""


# Give back a counted request: from the current window, or from the previous one if the window
# has moved on since (then the refund is worth slightly more than the unit's decayed weight).
# KEYS: previous window, current window. ARGV: cost.
_REFUND = """
local amount = tonumber(ARGV[1])
for _, key in ipairs({KEYS[2], KEYS[1]}) do
    if (tonumber(redis.call('get', key)) or 0) >= amount then
        redis.call('decrby', key, amount)
        return 1
    end
end
return 0
"""


def window_keys(policy: Policy, identity: str) -> list[str]:
    """The previous and current window counters of `identity` under `policy`.

    The braces put both in one Redis Cluster hash slot (the scripts touch both); the quota is
    part of the name, so a changed quota starts fresh counters. The names are those the
    `limits` package gave them when it named our keys, so counters carry over a deploy.
    """
    window = f"{policy.group.value}/{identity}/{policy.quota}/{policy.window_seconds}/second"
    current = f"{KEY_PREFIX}:{{LIMITER/{window}}}"
    return [f"{current}/-1", current]


class FailOpenReporter:
    """Counts every request served without a decision; warns at most once per interval."""

    def __init__(self, interval_seconds: float = FAIL_OPEN_WARNING_INTERVAL_SECONDS) -> None:
        self._interval = interval_seconds
        self._warned_at: float | None = None

    def report(self, error: BaseException) -> None:
        metrics.redis_fail_open.inc()
        now = time.monotonic()
        if self._warned_at is not None and now - self._warned_at < self._interval:
            return
        self._warned_at = now
        logger.bind(error=type(error).__name__).warning(
            "rate limiter unavailable; serving requests without rate limits"
        )


class RateLimiter:
    def __init__(
        self, redis: Redis, policies: dict[RateLimitGroup, Policy], timeout_seconds: float
    ) -> None:
        self._redis = redis
        self._timeout_seconds = timeout_seconds
        self._deadlines = Deadlines(timeout_seconds)
        self.policies = policies
        self._acquire = redis.register_script(_ACQUIRE_AND_REPORT)
        self._refund = redis.register_script(_REFUND)
        self._fail_open = FailOpenReporter()
        self._keys: dict[tuple[RateLimitGroup, str], list[str]] = {}

    @classmethod
    def connect(cls, settings: Settings) -> RateLimiter:
        """A limiter on its own Redis client: tight timeouts, no retries (connects lazily).

        A limiter that cannot answer quickly is skipped: it must never be what makes the API slow.
        Each call is bounded as a whole by one deadline (connect, write and read), kept by one
        timer for all calls (app/core/deadlines.py); the client has no socket timeout of its own,
        because redis-py then writes every command through `asyncio.wait_for`, a task and an
        event-loop turn per command.
        """
        timeout = settings.rate_limit_redis_timeout_seconds
        redis = Redis.from_url(
            settings.redis_url or "",
            socket_timeout=None,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
        )
        return cls(redis, policies_from_settings(settings), timeout)

    async def consume(
        self, group: RateLimitGroup, identity: str, amount: int = 1
    ) -> Decision | None:
        """Count `amount` units (one request, or a GraphQL request's cost points) against
        `identity`'s quota, all or none, in the same one call; None when Redis did not answer."""
        policy = self.policies[group]
        previous, current = self._window_keys(group, identity)
        deadline = asyncio.timeout(None)
        try:
            async with deadline:
                self._deadlines.watch(deadline)
                try:
                    reply = await self._redis.evalsha(
                        self._acquire.sha,
                        2,
                        previous,
                        current,
                        policy.quota,
                        policy.window_seconds,
                        amount,
                    )
                except NoScriptError:  # Redis restarted or flushed its script cache
                    reply = await self._acquire(
                        keys=[previous, current], args=[policy.quota, policy.window_seconds, amount]
                    )
                finally:
                    self._deadlines.forget(deadline)
        except _UNAVAILABLE as exc:
            self._fail_open.report(exc)
            return None
        allowed, previous_count, previous_ttl, current_count, current_ttl = (
            int(value) for value in reply
        )
        counts = WindowCounts(previous_count, previous_ttl, current_count, current_ttl)
        return decide(policy, allowed=bool(allowed), counts=counts, amount=amount)

    def _window_keys(self, group: RateLimitGroup, identity: str) -> list[str]:
        found = self._keys.get((group, identity))
        if found is None:
            if len(self._keys) >= MAX_CACHED_KEY_PAIRS:
                self._keys.clear()
            found = self._keys[group, identity] = window_keys(self.policies[group], identity)
        return found

    async def refund(self, group: RateLimitGroup, identity: str, amount: int = 1) -> bool:
        """Give back a counted request's units (an idempotent replay); False if Redis did not
        answer.

        Not a fail-open event: the request had its decision; at worst the unit stays used.
        """
        try:
            async with asyncio.timeout(self._timeout_seconds):
                await self._refund(keys=window_keys(self.policies[group], identity), args=[amount])
        except _UNAVAILABLE as exc:
            logger.bind(error=type(exc).__name__).info("rate limiter: refund not recorded")
            return False
        return True

    async def clear(self, group: RateLimitGroup, identity: str) -> None:
        """Forget what `identity` used of its quota (operators and tests)."""
        async with asyncio.timeout(self._timeout_seconds):
            await self._redis.delete(*window_keys(self.policies[group], identity))

    async def close(self) -> None:
        await self._redis.aclose()
