"""Rows 3 and 4: a 500-report batch through `POST /v1/tenants/{t}/reports`, all new (published:
1,000 outbox events) and all unchanged, against the set-based upsert (upsert_floor.py),
alternated batch by batch. Product figures are the wall time of the HTTP request, sequential."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg  # type: ignore[import-untyped]
import httpx

from tests.benchmarks.context import BenchRun, Reads
from tests.benchmarks.processes import tree_usage
from tests.benchmarks.table import Better, Row, Target, median, say
from tests.benchmarks.upsert_floor import timed_upsert
from tests.benchmarks.workload import BATCH, batch_body, report


async def _rounds(run: BenchRun, reads: Reads) -> dict[str, list[float]]:
    writer, floor_writer = reads.writer, reads.floor_writer
    url = f"/v1/tenants/{writer.id}/reports"
    samples: dict[str, list[float]] = {
        "product.new": [],
        "product.unchanged": [],
        "floor.new": [],
        "floor.unchanged": [],
        "product.cpu.new": [],
        "product.cpu.unchanged": [],
    }
    connection = await asyncpg.connect(run.config.database_url(run.config.reads_database))
    try:
        async with httpx.AsyncClient(base_url=reads.base_url, timeout=120) as http:

            async def product(items: list[dict[str, object]], expect: str) -> tuple[float, float]:
                _, cpu_before = tree_usage(reads.api.pid)
                started = time.perf_counter()
                response = await http.post(url, content=batch_body(items), headers=writer.headers)
                elapsed = (time.perf_counter() - started) * 1000
                _, cpu_after = tree_usage(reads.api.pid)
                if response.status_code != 200:
                    raise RuntimeError(
                        f"batch answered {response.status_code}: {response.text[:300]}"
                    )
                summary = response.json()["summary"]
                if summary[expect] != BATCH:
                    raise RuntimeError(f"batch summary {summary}, expected {BATCH} {expect}")
                return elapsed, (cpu_after - cpu_before) * 1000

            for round_number in range(run.config.upsert_rounds + 1):  # round 0 warms up
                items = [report(i, prefix=f"u{round_number}", published=True) for i in range(BATCH)]
                new, new_cpu = await product(items, "created")
                floor_new = await timed_upsert(
                    connection, uuid.UUID(floor_writer.id), items, expect=BATCH
                )
                unchanged, unchanged_cpu = await product(items, "unchanged")
                floor_unchanged = await timed_upsert(
                    connection, uuid.UUID(floor_writer.id), items, expect=0
                )
                if round_number:
                    for name, value in (
                        ("product.new", new),
                        ("floor.new", floor_new),
                        ("product.unchanged", unchanged),
                        ("floor.unchanged", floor_unchanged),
                        ("product.cpu.new", new_cpu),
                        ("product.cpu.unchanged", unchanged_cpu),
                    ):
                        samples[name].append(value)
                say(
                    f"upsert round {round_number}: new {new:.0f} vs {floor_new:.1f} ms, "
                    f"unchanged {unchanged:.0f} vs {floor_unchanged:.1f} ms"
                )
    finally:
        await connection.close()
    return samples


def upsert_rows(run: BenchRun) -> list[Row]:
    samples = asyncio.run(_rounds(run, run.reads()))
    rows = []
    for kind, figure, limit in (
        ("new", "500-report batch, all new (1,000 outbox events)", 3.0),
        ("unchanged", "500-report batch, all unchanged", 2.5),
    ):
        rows.append(
            Row(
                figure,
                "ms",
                median(samples[f"product.{kind}"]),
                median(samples[f"floor.{kind}"]),
                Target(limit, Better.LOWER),
                note=f"{len(samples[f'product.{kind}'])} batches each; api CPU per batch "
                f"{median(samples[f'product.cpu.{kind}']):.0f} ms",
            )
        )
    return rows
