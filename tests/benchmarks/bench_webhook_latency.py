"""Benchmark: end-to-end delay from a report write to a webhook receiver.

Run with `make bench`. Starts a worker process, a local receiver and the API (in this process),
writes EVENTS single-report batches one after another, and prints the p50 and p99 of the time
from the API's response to the receiver getting the `report.created` delivery.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time

from db.session import Database
from tests.asgi import serve
from tests.benchmarks.preparation import bench_tenant, fresh_database
from tests.factories import bearer, make_endpoint
from tests.receiver import Answer, running_receiver
from tests.worker.process import running_workers

EVENTS = 250
DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/aetherflow_bench"
REDIS_URL = "redis://127.0.0.1:6379/13"


async def main() -> None:
    settings = await fresh_database(
        DATABASE_URL,
        redis_url=REDIS_URL,
        webhook_allow_http=True,
        webhook_allow_private_targets=True,
        # The limiter stays in the path; the quota only has to exceed the benchmark's writes.
        rate_limit_read_per_minute=1_000_000,
        rate_limit_write_per_minute=1_000_000,
    )
    db = Database.connect(DATABASE_URL, pool_size=2)
    tenant, key = await bench_tenant(db, settings)
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": DATABASE_URL.replace("+asyncpg", ""),
        "REDIS_URL": REDIS_URL,
        "WEBHOOK_ALLOW_HTTP": "true",
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        "LOG_LEVEL": "WARNING",
    }
    written: dict[str, float] = {}
    async with running_receiver() as receiver:
        url = receiver.script("/hook", Answer(200))
        await make_endpoint(db, settings, tenant, url, event_types=["report.created"])
        with running_workers(env) as [worker]:
            await asyncio.sleep(2)  # the worker is up and reading
            async with serve(settings) as api:
                for index in range(EVENTS):
                    slug = f"latency-{index}"
                    response = await api.post(
                        f"/v1/tenants/{tenant.slug}/reports",
                        json={"reports": [{"slug": slug, "title": "t"}]},
                        headers=bearer(key),
                    )
                    assert response.status_code == 200, response.text
                    written[slug] = time.monotonic()
                    await asyncio.sleep(0.01)
                await receiver.wait_for("/hook", EVENTS, timeout=120)
            await worker.terminate()
    await db.dispose()
    delays = sorted(
        (request.at - written[json.loads(request.body)["data"]["slug"]]) * 1000
        for request in receiver.at("/hook")
    )
    p99 = delays[max(0, int(len(delays) * 0.99) - 1)]
    print(  # noqa: T201
        f"report write -> receiver over {len(delays)} events: "
        f"p50 {statistics.median(delays):.1f} ms, p99 {p99:.1f} ms, max {delays[-1]:.1f} ms"
    )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
