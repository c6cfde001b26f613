"""Benchmark: a 500-report batch through real HTTP (uvicorn on loopback) into PostgreSQL.

Run with `make bench`. Prints the median wall time per batch and per report for batches that
create, update and leave unchanged 500 reports, and the SQL statements each batch issues.
Not part of the test suite: speed is measured here, never asserted in a test.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from typing import Any

import httpx

from db.session import Database
from tests.benchmarks.engine_probe import statement_counter
from tests.benchmarks.preparation import bench_tenant, fresh_database
from tests.factories import bearer
from tests.live import live_server

BATCH = 500
ROUNDS = 10
DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/aetherflow_bench"


def batch(round_number: int, title: str) -> dict[str, Any]:
    return {
        "reports": [
            {
                "slug": f"bench-{round_number}-{index}",
                "title": f"{title} {index}",
                "summary": "A report of moderate size for the benchmark.",
                "content": {"sections": [{"heading": "h", "body": "b" * 200}], "n": index},
                "publishedAt": "2026-11-01T10:00:00Z",
            }
            for index in range(BATCH)
        ]
    }


async def main() -> None:
    settings = await fresh_database(DATABASE_URL)
    db = Database.connect(DATABASE_URL, pool_size=1)
    tenant, key = await bench_tenant(db, settings)
    await db.dispose()

    url = f"/v1/tenants/{tenant.slug}/reports"
    headers = bearer(key)
    timings: dict[str, list[float]] = {"created": [], "unchanged": [], "updated": []}
    statements: dict[str, int] = {}
    async with live_server(settings) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        await http.get(url, headers=headers)
        for round_number in range(ROUNDS):
            for kind, title in (
                ("created", "First"),
                ("unchanged", "First"),
                ("updated", "Second"),
            ):
                body = batch(round_number, title)
                with statement_counter() as counted:
                    started = time.perf_counter()
                    response = await http.post(url, json=body, headers=headers, timeout=60)
                    elapsed = time.perf_counter() - started
                assert response.status_code == 200, response.text
                assert response.json()["summary"][kind] == BATCH, response.json()["summary"]
                timings[kind].append(elapsed)
                statements[kind] = counted()
    for kind, values in timings.items():
        median = statistics.median(values)
        print(  # noqa: T201
            f"{kind:>9}: {BATCH} reports, median {median * 1000:7.1f} ms per batch, "
            f"{median * 1000 / BATCH:.3f} ms per report, {statements[kind]} SQL statements"
        )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
