"""Benchmark: what the rate limiter adds to a request.

Run with `python -m tests.benchmarks.bench_rate_limit`. Measures, in one run, against the local
PostgreSQL and Redis:
- the limiter's own call (one EVALSHA round trip to Redis), in isolation;
- a cheap read (`GET /v1/tenants/{t}/reports/{slug}`) through real HTTP (uvicorn on loopback),
  with the limiter and with the rate-limit step replaced by a no-op, interleaved in blocks so
  drift in the machine's load hits both alike.
Sequential requests, one client. Not part of the test suite: speed is measured, never asserted.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from unittest import mock

import httpx

from app.api import deps
from app.core.config import Settings
from app.rate_limit.limiter import RateLimiter
from app.rate_limit.policy import RateLimitGroup
from app.reports import service as reports
from app.reports.schemas import ReportIn
from db.session import Database
from tests.benchmarks.preparation import bench_tenant, fresh_database
from tests.factories import bearer
from tests.live import live_server

DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/aetherflow_bench_rate_limit"
REDIS_URL = "redis://127.0.0.1:6379/10"
LIMITER_CALLS = 5000
BLOCKS = 20
BLOCK_SIZE = 250
WARM_UP = 300
HIGH_QUOTA = 10_000_000


async def _no_rate_limit(*_: object) -> None:
    return None


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[98] * 1000


async def timed(call: Callable[[], Awaitable[object]], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


async def seed(settings: Settings) -> tuple[str, str]:
    """A tenant with one report; its slug and a full-scope key."""
    db = Database.connect(DATABASE_URL, pool_size=1)
    tenant, key = await bench_tenant(db, settings)
    async with db.unit_of_work() as session:
        await reports.upsert_batch(
            session,
            tenant_id=tenant.id,
            items=[ReportIn.model_validate({"slug": "q3", "title": "Q3"})],
            correlation_id=None,
        )
    await db.dispose()
    return tenant.slug, key


async def main() -> None:
    settings = await fresh_database(
        DATABASE_URL,
        redis_url=REDIS_URL,
        rate_limit_read_per_minute=HIGH_QUOTA,
        rate_limit_write_per_minute=HIGH_QUOTA,
    )
    slug, key = await seed(settings)

    limiter = RateLimiter.connect(settings)
    identity = str(uuid.uuid4())
    await limiter.consume(RateLimitGroup.READ, identity)
    alone = await timed(lambda: limiter.consume(RateLimitGroup.READ, identity), LIMITER_CALLS)
    await limiter.clear(RateLimitGroup.READ, identity)
    await limiter.close()

    with_limiter: list[float] = []
    without_limiter: list[float] = []
    url = f"/v1/tenants/{slug}/reports/q3"
    async with live_server(settings) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        headers = bearer(key)

        async def read() -> None:
            response = await http.get(url, headers=headers)
            assert response.status_code == 200, response.text

        await timed(read, WARM_UP)
        for _ in range(BLOCKS):
            with_limiter += await timed(read, BLOCK_SIZE)
            # The rate-limit step of `api_key`, replaced by a no-op.
            with mock.patch.object(deps, "limit_rest_request", _no_rate_limit):
                without_limiter += await timed(read, BLOCK_SIZE)

    rows = [
        (f"limiter call alone ({LIMITER_CALLS} calls)", percentiles(alone)),
        (f"GET with limiter ({len(with_limiter)} requests)", percentiles(with_limiter)),
        (f"GET without limiter ({len(without_limiter)} requests)", percentiles(without_limiter)),
    ]
    for label, (p50, p99) in rows:
        print(f"{label:<40} p50 {p50:6.3f} ms   p99 {p99:6.3f} ms")  # noqa: T201
    (with_p50, with_p99), (without_p50, without_p99) = rows[1][1], rows[2][1]
    print(  # noqa: T201
        f"{'added by the limiter':<40} p50 {with_p50 - without_p50:+6.3f} ms   "
        f"p99 {with_p99 - without_p99:+6.3f} ms"
    )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
