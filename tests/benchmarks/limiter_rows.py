"""Rows 6 and 7: what the rate limiter and the API-key lookup add to a request.

`aetherflow api` processes (LOG_LEVEL=WARNING, to keep log noise out of sub-millisecond
differences) serve sequential `GET /v1/tenants/{t}/reports/{slug}`: as shipped, with the
rate-limit step replaced by a no-op, with it replaced by one bare EVALSHA
(tests/benchmarks/api_variant.py), and with API_KEY_CACHE_SECONDS=0 (a key lookup on every
request), one request to each process in turn; each round's p50 differences are taken. The
limiter's baseline is the bare EVALSHA's difference: one round trip paid in the same place,
between the same requests. Back-to-back EVALSHA calls (Redis never idle between them) are
cheaper than any call made between requests, so they are printed for reference only
(docs/PERFORMANCE.md). Between rounds the key-lookup baseline runs: a raw asyncpg lookup by
prefix through a pool with the HMAC check.

The p50 of one process sits up to ~0.03 ms from that of an identical one, as much as the
differences measured: every round starts its own processes, PROCESSES of each variant, and a
variant's p50 is the mean of its processes' p50s, so a process that happens to be slow moves
one round, not the whole run.
"""

from __future__ import annotations

import asyncio
import hmac
import sys
import time
from pathlib import Path
from statistics import mean

import asyncpg  # type: ignore[import-untyped]
import httpx

from app.core.config import DEV_API_KEY_PEPPER
from tests.benchmarks.context import BenchRun
from tests.benchmarks.processes import product_env
from tests.benchmarks.redis_floors import evalsha_p50_ms
from tests.benchmarks.table import Better, Row, Target, median, percentile, say
from tests.benchmarks.workload import Tenant
from tests.live import free_port

BLOCK = 200
PROCESSES = 2
FLOOR_CALLS = 2000
VARIANT = Path(__file__).with_name("api_variant.py")
# name: (api_variant.py variant, extra environment)
VARIANTS = {
    "full": ("full", {}),
    "nolimit": ("nolimit", {}),
    "evalsha": ("evalsha", {}),
    "nocache": ("full", {"API_KEY_CACHE_SECONDS": "0"}),
}
LOOKUP = (
    "SELECT id, tenant_id, key_hash, scopes, expires_at, revoked_at FROM api_keys WHERE prefix = $1"
)


async def _latencies(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], n: int
) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = await http.get(url, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code} {response.text[:200]}")
    return samples


async def _product_round(
    ports: dict[str, list[int]], tenant: Tenant, blocks: int
) -> dict[str, float]:
    """Each variant's p50: the mean of its processes' p50s."""
    url = f"/v1/tenants/{tenant.id}/reports/report-0"
    clients = {
        (name, port): httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}")
        for name, variant_ports in ports.items()
        for port in variant_ports
    }
    samples: dict[tuple[str, int], list[float]] = {process: [] for process in clients}
    try:
        for client in clients.values():  # warm-up
            await _latencies(client, url, tenant.headers, BLOCK)
        # One request to each process in turn, the order rotating: drift in the machine's
        # load hits every variant alike.
        order = list(clients)
        for turn in range(blocks * BLOCK // PROCESSES):
            for process in order[turn % len(order) :] + order[: turn % len(order)]:
                samples[process] += await _latencies(clients[process], url, tenant.headers, 1)
    finally:
        for client in clients.values():
            await client.aclose()
    return {
        name: mean(percentile(samples[name, port], 50) for port in variant_ports)
        for name, variant_ports in ports.items()
    }


def _variant_round(run: BenchRun, tenant: Tenant, round_number: int) -> dict[str, float]:
    """Start PROCESSES fresh processes of each variant, measure one round, stop them."""
    database = run.config.reads_database
    ports: dict[str, list[int]] = {}
    started = []
    try:
        for name, (variant, extra) in VARIANTS.items():
            ports[name] = []
            for copy in range(PROCESSES):
                port = free_port()
                process = run.processes.start(
                    f"api-{name}-{round_number}-{copy}",
                    [sys.executable, "-P", str(VARIANT), str(port), variant],
                    product_env(run.config, database, LOG_LEVEL="WARNING", **extra),
                )
                started.append(run.processes.serving(process, port))
                ports[name].append(port)
        return asyncio.run(_product_round(ports, tenant, run.config.limiter_blocks))
    finally:
        for process in started:
            run.processes.stop(process)


async def key_lookup_p50_ms(database_url: str, tenant: Tenant, calls: int) -> float:
    prefix = tenant.key.split("_")[1]
    pepper = DEV_API_KEY_PEPPER.encode()
    pool = await asyncpg.create_pool(database_url, min_size=10, max_size=10)
    try:
        samples = []
        for call in range(calls + 100):
            started = time.perf_counter()
            row = await pool.fetchrow(LOOKUP, prefix)
            presented = hmac.digest(pepper, tenant.key.encode(), "sha256")
            matches = row is not None and hmac.compare_digest(row["key_hash"], presented)
            if call >= 100:
                samples.append((time.perf_counter() - started) * 1000)
            assert matches, "the baseline lookup did not find the key"
        return percentile(samples, 50)
    finally:
        await pool.close()


def limiter_rows(run: BenchRun) -> list[Row]:
    reads = run.reads()
    tenant = reads.tenants[0]
    added_limiter: list[float] = []
    added_evalsha: list[float] = []
    added_lookup: list[float] = []
    evalsha: list[float] = []
    lookup: list[float] = []
    for round_number in range(run.config.runs):
        p50 = _variant_round(run, tenant, round_number)
        added_limiter.append(p50["full"] - p50["nolimit"])
        added_evalsha.append(p50["evalsha"] - p50["nolimit"])
        added_lookup.append(p50["nocache"] - p50["full"])
        evalsha.append(asyncio.run(evalsha_p50_ms(run.config.redis_url, FLOOR_CALLS)))
        lookup.append(
            asyncio.run(
                key_lookup_p50_ms(
                    run.config.database_url(run.config.reads_database), tenant, FLOOR_CALLS
                )
            )
        )
        say(
            f"limiter round {round_number + 1}: p50 {p50}, back-to-back EVALSHA "
            f"{evalsha[-1]:.3f} ms, "
            f"key lookup {lookup[-1]:.3f} ms"
        )
    return [
        Row(
            "rate limiter added per request, p50",
            "ms",
            median(added_limiter),
            median(added_evalsha),
            Target(1.3, Better.LOWER),
            note="as shipped minus the limiter as a no-op, per round "
            f"{[round(v, 3) for v in added_limiter]}; baseline: one bare EVALSHA in its place "
            f"minus the no-op, per round {[round(v, 3) for v in added_evalsha]}; back-to-back "
            f"EVALSHA p50 {median(evalsha):.3f} ms"
            + ("; below zero: within this run's noise" if median(added_limiter) < 0 else ""),
        ),
        Row(
            "API key lookup added per request (cache off), p50",
            "ms",
            median(added_lookup),
            median(lookup),
            note="reference: API_KEY_CACHE_SECONDS=0 minus as shipped; baseline: asyncpg pool "
            f"fetchrow by prefix + HMAC; per round {[round(v, 3) for v in added_lookup]}",
        ),
    ]
