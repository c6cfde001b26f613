"""Each endpoint's sending pace, shared by every worker process through Redis (CONTRACT.md §14
"Backpressure").

An endpoint is paced when its receiver advertised a quota, asked for a pause (`Retry-After` on
a 429 or 503, or a used-up quota), or has `maxDeliveriesPerSecond`. Its sends are spaced at
least `interval` apart (the strictest of the receiver's quota and the endpoint's cap) and none
goes before the pause ends. Each claimed delivery of a paced endpoint is given a time slot: the
next free one after the pause (`tat`, the theoretical arrival time of the next send). One due
now goes; one due later keeps its slot (reserved under the delivery's id) and waits for it, so
it goes when it comes back instead of queueing again behind newer deliveries. A pause drops the
slots reserved before it.

One script call decides a whole claimed batch, and one records what an answer asked for. Redis
unreachable: everything goes, unpaced, and that is logged once until Redis answers again.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence

from loguru import logger
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError, RedisError

from app.webhooks.backpressure import Pacing
from app.webhooks.claims import ClaimedDelivery

KEY_PREFIX = "aetherflow:webhook-pacing"
REDIS_TIMEOUT_SECONDS = 0.5
# After Redis failed to answer, deliveries go unpaced this long before it is asked again.
RETRY_REDIS_AFTER_SECONDS = 1.0
# An endpoint Redis said has no pacing state (and that has no cap) is not asked about again
# for this long: a pause or quota another process learns reaches this one within it.
UNPACED_CACHE_SECONDS = 0.1
# A slot this close goes now: not worth a round trip through the database.
EARLY_US = 10_000
# A receiver's advertised quota holds this long after the last answer that said it (renewed at
# most every RELEARN_SECONDS per process); pacing state outlives its last use by as long.
STATE_TTL_US = 3_600_000_000
RELEARN_SECONDS = 60.0
MAX_CACHED_ENDPOINTS = 10_000
_UNAVAILABLE = (RedisError, OSError, asyncio.TimeoutError)

# Times are in microseconds of Redis's clock (exact in Lua's doubles).
# For each endpoint, KEYS: its state hash (`interval` the receiver asked for and
# `learned_until`, `paused_until`, `tat`) and its reserved slots (delivery id -> time).
# ARGV: endpoint count, early, time to live; then for each endpoint its cap interval (0: none),
# its delivery count and the delivery ids. Returns, per endpoint, 1 when it has no pacing at
# all, then each delivery's wait in order (0: go now).
_ADMIT = """
local clock = redis.call('time')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local early = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local endpoints = tonumber(ARGV[1])
local unpaced, waits = {}, {}
local arg = 4
for e = 1, endpoints do
    local state_key, reserved_key = KEYS[2 * e - 1], KEYS[2 * e]
    local cap = tonumber(ARGV[arg])
    local count = tonumber(ARGV[arg + 1])
    arg = arg + 2
    local state = redis.call('hmget', state_key, 'interval', 'learned_until', 'paused_until', 'tat')
    local learned = 0
    if (tonumber(state[2]) or 0) > now then
        learned = tonumber(state[1]) or 0
    end
    local interval = math.max(learned, cap)
    local paused_until = tonumber(state[3]) or 0
    if interval == 0 and paused_until <= now then
        unpaced[e] = 1
        for i = 1, count do
            waits[#waits + 1] = 0
        end
    else
        unpaced[e] = 0
        local tat = math.max(tonumber(state[4]) or 0, paused_until, now)
        for i = 1, count do
            local id = ARGV[arg + i - 1]
            local slot = tonumber(redis.call('hget', reserved_key, id))
            if not slot then
                slot = tat
                tat = tat + interval
            end
            local wait = 0
            if slot <= now + early then
                redis.call('hdel', reserved_key, id)
            else
                redis.call('hset', reserved_key, id, slot)
                wait = slot - now
            end
            waits[#waits + 1] = wait
        end
        redis.call('hset', state_key, 'tat', tat)
        local keep = math.floor((math.max(tat, paused_until) - now + ttl) / 1000)
        redis.call('pexpire', state_key, keep)
        if redis.call('exists', reserved_key) == 1 then
            redis.call('pexpire', reserved_key, keep)
        end
    end
    arg = arg + count
end
for _, wait in ipairs(waits) do
    unpaced[#unpaced + 1] = wait
end
return unpaced
"""

# KEYS: the endpoint's state hash, reserved slots hash. ARGV: the receiver's interval (-1: not
# said), pause (-1: none), how long an interval holds unless said again.
_LEARN = """
local clock = redis.call('time')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local pause = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
if interval >= 0 then
    redis.call('hset', KEYS[1], 'interval', interval, 'learned_until', now + ttl)
end
if pause > 0 then
    local paused_until = now + pause
    if paused_until > (tonumber(redis.call('hget', KEYS[1], 'paused_until')) or 0) then
        redis.call('hset', KEYS[1], 'paused_until', paused_until)
        redis.call('del', KEYS[2])
        if paused_until > (tonumber(redis.call('hget', KEYS[1], 'tat')) or 0) then
            redis.call('hset', KEYS[1], 'tat', paused_until)
        end
    end
end
local state = redis.call('hmget', KEYS[1], 'paused_until', 'tat', 'learned_until')
local last = math.max(tonumber(state[1]) or 0, tonumber(state[2]) or 0,
                      tonumber(state[3]) or 0, now)
redis.call('pexpire', KEYS[1], math.floor((last - now + ttl) / 1000))
return 1
"""


def state_keys(endpoint_id: uuid.UUID) -> list[str]:
    """The endpoint's pacing state and its reserved slots (one Redis Cluster hash slot)."""
    state = f"{KEY_PREFIX}:{{{endpoint_id}}}"
    return [state, f"{state}:reserved"]


class Pacer:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._admit = redis.register_script(_ADMIT)
        self._learn = redis.register_script(_LEARN)
        self._unavailable_until = 0.0
        self._failing = False
        # Endpoints with no pacing, until when that is trusted (monotonic seconds).
        self._unpaced: dict[uuid.UUID, float] = {}
        # What each endpoint's receiver last advertised (interval, or -1) and when that was
        # written, so an unchanged quota is not written on every answer.
        self._learned: dict[uuid.UUID, tuple[int, float]] = {}

    @classmethod
    def connect(cls, redis_url: str) -> Pacer:
        """A pacer on its own Redis client: short timeouts, no retries (connects lazily)."""
        return cls(
            Redis.from_url(
                redis_url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                retry=Retry(NoBackoff(), 0),
            )
        )

    async def waits(self, deliveries: Sequence[ClaimedDelivery]) -> list[float]:
        """Seconds each delivery must wait before it is sent (0: now); one round trip, or none
        when every endpoint of the batch is known to have no pacing."""
        now = time.monotonic()
        unpaced = [0.0] * len(deliveries)
        if not deliveries or now < self._unavailable_until:
            return unpaced
        by_endpoint: dict[uuid.UUID, list[ClaimedDelivery]] = {}
        for delivery in deliveries:
            by_endpoint.setdefault(delivery.endpoint_id, []).append(delivery)
        if all(
            group[0].max_deliveries_per_second is None and self._unpaced.get(endpoint_id, 0.0) > now
            for endpoint_id, group in by_endpoint.items()
        ):
            return unpaced
        keys: list[str] = []
        args: list[int | str] = [len(by_endpoint), EARLY_US, STATE_TTL_US]
        order: list[uuid.UUID] = []
        for endpoint_id, group in by_endpoint.items():
            keys += state_keys(endpoint_id)
            cap = group[0].max_deliveries_per_second
            args += [_micros(1 / cap) if cap else 0, len(group), *(str(d.id) for d in group)]
            order += [d.id for d in group]
        reply = await self._call(self._admit, keys, args)
        if reply is None:
            return unpaced
        flags, micros = reply[: len(by_endpoint)], reply[len(by_endpoint) :]
        if len(self._unpaced) > MAX_CACHED_ENDPOINTS:
            self._unpaced.clear()
        for endpoint_id, flag in zip(by_endpoint, flags, strict=True):
            if flag:
                self._unpaced[endpoint_id] = now + UNPACED_CACHE_SECONDS
            else:
                self._unpaced.pop(endpoint_id, None)
        waits = dict(zip(order, (int(wait) / 1_000_000 for wait in micros), strict=True))
        return [waits[delivery.id] for delivery in deliveries]

    async def learn(self, endpoint_id: uuid.UUID, pacing: Pacing) -> None:
        """Record what a receiver's answer asked of its endpoint (a write only when it says
        something new)."""
        self._unpaced.pop(endpoint_id, None)
        interval = -1 if pacing.interval_seconds is None else _micros(pacing.interval_seconds)
        pause = -1 if pacing.pause_seconds is None else _micros(pacing.pause_seconds)
        now = time.monotonic()
        last = self._learned.get(endpoint_id)
        unchanged = last is not None and last[0] == interval and now - last[1] < RELEARN_SECONDS
        if (pause <= 0 and unchanged) or now < self._unavailable_until:
            return
        if await self._call(self._learn, state_keys(endpoint_id), [interval, pause, STATE_TTL_US]):
            if len(self._learned) > MAX_CACHED_ENDPOINTS:
                self._learned.clear()
            self._learned[endpoint_id] = (interval, now)

    async def _call(
        self, script: AsyncScript, keys: list[str], args: list[int | str]
    ) -> list[int] | None:
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
                try:
                    reply = await self._redis.evalsha(script.sha, len(keys), *keys, *args)
                except NoScriptError:  # Redis restarted or flushed its script cache
                    reply = await script(keys=keys, args=args)
        except _UNAVAILABLE as exc:
            self._unavailable_until = time.monotonic() + RETRY_REDIS_AFTER_SECONDS
            if not self._failing:
                self._failing = True
                logger.bind(error=type(exc).__name__).warning(
                    "webhook pacing unavailable; deliveries go unpaced"
                )
            return None
        if self._failing:
            self._failing = False
            logger.info("webhook pacing available again")
        return reply if isinstance(reply, list) else [reply]

    async def close(self) -> None:
        await self._redis.aclose()


def _micros(seconds: float) -> int:
    return round(seconds * 1_000_000)
