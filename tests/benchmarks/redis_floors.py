"""Redis baselines: one rate-limit EVALSHA (a sliding-window check and count) and the Streams
queue round trip (XADD -> XREADGROUP COUNT 10 -> XACK) that the worker's broker is built on."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

import redis.asyncio as redis

from tests.benchmarks.table import percentile

SLIDING_WINDOW = """
local limit, window, elapsed = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local weighted = previous * (1 - elapsed / window) + current
if weighted + 1 > limit then
  return {0, 0}
end
current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('EXPIRE', KEYS[1], window * 2) end
return {1, math.floor(limit - weighted - 1)}
"""
WINDOW = 60
GROUP = "bench"
PAYLOAD = b"m" * 200


async def sliding_window_evalsha(client: redis.Redis, sha: str, key_prefix: str) -> None:
    """One EVALSHA of the sliding-window script: the bare work of a rate-limit check."""
    now = time.time()
    slot = int(now // WINDOW)
    allowed, _ = await client.evalsha(
        sha,
        2,
        f"{key_prefix}:{slot}",
        f"{key_prefix}:{slot - 1}",
        10**9,
        WINDOW,
        now - slot * WINDOW,
    )
    assert allowed == 1


async def evalsha_p50_ms(redis_url: str, calls: int) -> float:
    """p50 of back-to-back EVALSHA calls on one connection, in ms."""
    client = redis.Redis.from_url(redis_url)
    try:
        sha = await client.script_load(SLIDING_WINDOW)
        samples = []
        for call in range(calls + 100):  # the first 100 warm up
            started = time.perf_counter()
            await sliding_window_evalsha(client, sha, "bench:rl")
            if call >= 100:
                samples.append((time.perf_counter() - started) * 1000)
        return percentile(samples, 50)
    finally:
        await client.aclose()


async def produce(redis_url: str, stream: str, messages: int) -> float:
    """XADD `messages` one per round trip (as a task is sent); when the first was sent."""
    client = redis.Redis.from_url(redis_url)
    started = time.time()
    try:
        for _ in range(messages):
            await client.xadd(stream, {"body": PAYLOAD})
    finally:
        await client.aclose()
    return started


async def consume(redis_url: str, stream: str, messages: int) -> None:
    """Read 10 at a time and acknowledge each batch until `messages` arrived; print the time."""
    client = redis.Redis.from_url(redis_url)
    received = 0
    print("ready", flush=True)  # noqa: T201
    try:
        while received < messages:
            reply: Any = await client.xreadgroup(
                GROUP, "consumer", {stream: ">"}, count=10, block=5000
            )
            if not reply:
                raise RuntimeError(f"the consumer starved after {received} messages")
            ids = [message[0] for message in reply[0][1]]
            await client.xack(stream, GROUP, *ids)
            received += len(ids)
    finally:
        await client.aclose()
    print(time.time(), flush=True)  # noqa: T201


async def prepare_stream(redis_url: str, stream: str) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        await client.unlink(stream)
        await client.xgroup_create(stream, GROUP, id="0", mkstream=True)
    finally:
        await client.aclose()


if (
    __name__ == "__main__"
):  # the consumer process: python -m tests.benchmarks.redis_floors URL STREAM N
    asyncio.run(consume(sys.argv[1], sys.argv[2], int(sys.argv[3])))
