"""Rows 1 and 2: REST `GET /reports?limit=20` and GraphQL `reports(first: 20)` against the
Starlette + asyncpg keyset list, by `wrk -t2 -c32`, product and baseline alternated.

Besides req/s, each row's note gives the server's CPU per request (its process tree's
utime + stime over the requests wrk counted), which load from other processes disturbs less.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks.context import BenchRun
from tests.benchmarks.processes import Started, tree_usage
from tests.benchmarks.table import Better, Row, Target, median, say
from tests.live import free_port

WRK_SCRIPT = Path(__file__).with_name("wrk_targets.lua")
GRAPHQL = {"query": "{ reports(first: 20) { edges { node { id slug title content updatedAt } } } }"}
WARM_UP_SECONDS = 2
TARGETS = {"rest": Target(0.5, Better.HIGHER), "graphql": Target(0.3, Better.HIGHER)}
FIGURES = {
    "rest": "REST GET /reports?limit=20",
    "graphql": "GraphQL reports(first: 20)",
}


@dataclass(frozen=True)
class WrkResult:
    rps: float  # answers with a 2xx status per second
    cpu_ms_per_request: float
    failed: int  # socket errors and non-2xx answers (e.g. 503 `overloaded`)


def wrk(server: Started, port: int, targets: Path, seconds: int) -> WrkResult:
    """One `wrk -t2 -c32` run."""
    env = {**os.environ, "BENCH_TARGETS": str(targets), "BENCH_BODY": json.dumps(GRAPHQL)}
    _, cpu_before = tree_usage(server.pid)
    done = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "-s", str(WRK_SCRIPT), f"http://127.0.0.1:{port}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    _, cpu_after = tree_usage(server.pid)
    result = json.loads(done.stdout.split("WRK ", 1)[1])
    requests = max(1, result["requests"])
    failed = result["errors"] + result["non2xx"]
    cpu = (cpu_after - cpu_before) * 1000 / requests
    return WrkResult(result["rps"] * (requests - failed) / requests, cpu, failed)


def target_file(run: BenchRun, kind: str) -> Path:
    """wrk's requests: one per tenant, product (REST or GraphQL, with its key) or floor."""
    reads = run.reads()
    lines = []
    for tenant in reads.tenants:
        if kind == "rest":
            lines.append(f"GET /v1/tenants/{tenant.id}/reports?limit=20 {tenant.key}")
        elif kind == "graphql":
            lines.append(f"POST /v1/tenants/{tenant.id}/graphql {tenant.key}")
        else:
            lines.append(f"GET /v1/tenants/{tenant.id}/reports?limit=20 -")
    path = run.config.log_dir / f"wrk-{kind}.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def http_rows(run: BenchRun, kinds: list[str]) -> list[Row]:
    reads = run.reads()
    floor_port = free_port()
    floor = run.python_module(
        "floor-list",
        "floor_list",
        str(floor_port),
        run.config.database_url(run.config.reads_database),
    )
    run.processes.serving(floor, floor_port)
    servers = {"floor": (floor, floor_port), **dict.fromkeys(kinds, (reads.api, reads.port))}
    files = {kind: target_file(run, kind) for kind in servers}
    results: dict[str, list[WrkResult]] = {kind: [] for kind in servers}
    # Product, baseline, product, baseline...: the floor runs once between products.
    order = [name for kind in kinds for name in (kind, "floor")]
    try:
        for name, (server, port) in servers.items():
            wrk(server, port, files[name], WARM_UP_SECONDS)
        for round_number in range(run.config.runs):
            for name in order:
                result = wrk(*servers[name], files[name], run.config.wrk_seconds)
                results[name].append(result)
                say(
                    f"round {round_number + 1} {name}: {result.rps:.0f} req/s, "
                    f"{result.cpu_ms_per_request:.2f} ms CPU/req"
                )
    finally:
        run.processes.stop(floor)
    floor_rps = median([r.rps for r in results["floor"]])
    floor_cpu = median([r.cpu_ms_per_request for r in results["floor"]])
    rows = []
    for kind in kinds:
        cpu = median([r.cpu_ms_per_request for r in results[kind]])
        rows.append(
            Row(
                FIGURES[kind],
                "req/s",
                median([r.rps for r in results[kind]]),
                floor_rps,
                TARGETS[kind],
                note=f"runs {[round(r.rps) for r in results[kind]]} vs "
                f"{[round(r.rps) for r in results['floor']]}; server CPU/request "
                f"{cpu:.2f} ms vs {floor_cpu:.2f} ms ({floor_cpu / cpu:.2f}×); errors and non-2xx "
                f"{sum(r.failed for r in results[kind])} vs "
                f"{sum(r.failed for r in results['floor'])}",
            )
        )
    return rows
