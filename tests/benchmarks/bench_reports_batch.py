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

from app.core.config import Settings
from app.core.logging import configure_logging
from app.tenants import service as tenants
from app.tenants.keys import SCOPES
from db.create_database import recreate_database
from db.migrate import upgrade_to_head
from db.session import Database
from tests.benchmarks.engine_probe import statement_counter
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
    configure_logging("WARNING")
    await recreate_database(DATABASE_URL)
    await asyncio.to_thread(upgrade_to_head, DATABASE_URL)
    settings = Settings(
        _env_file=None, app_env="test", database_url=DATABASE_URL, log_level="WARNING"
    )
    db = Database.connect(DATABASE_URL, pool_size=1)
    async with db.unit_of_work() as session:
        tenant = await tenants.create_tenant(
            session, slug=f"bench-{int(time.time())}", name="Bench"
        )
        issued = await tenants.issue_key(
            session, pepper=settings.pepper, tenant_id=tenant.id, name="bench", scopes=SCOPES
        )
    await db.dispose()

    url = f"/v1/tenants/{tenant.slug}/reports"
    headers = {"Authorization": f"Bearer {issued.key}"}
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
