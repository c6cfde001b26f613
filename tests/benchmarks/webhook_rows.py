"""Row 5: webhook deliveries per worker process. Drafts are written (one `report.created` each,
one endpoint on the sink) while no worker runs; then ONE `aetherflow worker` is started and
timed from its first delivery to the last one the sink holds. Against the httpx baseline
(tests/benchmarks/webhook_floor.py), alternated run by run."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx

from tests.benchmarks.context import BenchRun
from tests.benchmarks.processes import tree_usage
from tests.benchmarks.table import Better, Row, Target, median, say
from tests.benchmarks.webhook_floor import deliveries_per_second
from tests.benchmarks.workload import Tenant, create_tenants, post_reports

DRAIN_TIMEOUT_SECONDS = 600


def write_drafts(base_url: str, tenant: Tenant, count: int, prefix: str) -> None:
    with httpx.Client(base_url=base_url, timeout=120) as http:
        post_reports(http, tenant, count, prefix=prefix, published=False)


def add_endpoint(base_url: str, tenant: Tenant, url: str) -> None:
    response = httpx.post(
        f"{base_url}/v1/tenants/{tenant.id}/webhook-endpoints",
        json={"url": url},
        headers=tenant.headers,
    )
    if response.status_code != 201:
        raise RuntimeError(
            f"creating the endpoint answered {response.status_code}: {response.text}"
        )


@dataclass(frozen=True)
class Drain:
    per_second: float
    cpu_ms_per_delivery: float
    duplicates: int


def product_round(run: BenchRun, tenant: Tenant, round_number: int) -> Drain:
    """One worker draining the round's events: deliveries/s, its CPU per delivery, duplicates."""
    hooks = run.webhooks()
    events = run.config.webhook_events
    write_drafts(hooks.base_url, tenant, events, f"wh{round_number}")
    hooks.sink("/_reset")
    worker = run.processes.worker(f"worker-webhooks-{round_number}", run.config.webhooks_database)
    # CPU is counted from the first delivery on, so the worker's start-up is left out.
    first: tuple[int, float] | None = None
    with run.processes.running(worker):
        deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
        while (stats := hooks.sink("/_stats"))["unique"] < events or first is None:
            if first is None and stats["total"]:
                first = stats["total"], tree_usage(worker.pid)[1]
            if time.monotonic() > deadline or worker.process.poll() is not None:
                raise RuntimeError(f"the worker delivered {hooks.sink('/_stats')} of {events}")
            time.sleep(0.2)
        _, cpu_seconds = tree_usage(worker.pid)
    records = hooks.sink("/_dump")
    arrivals = sorted(record[3] for record in records)
    duplicates = len(records) - len({(record[0], record[1]) for record in records})
    rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    counted, cpu_at_first = first
    cpu_ms = (cpu_seconds - cpu_at_first) * 1000 / max(1, len(records) - counted)
    return Drain(rate, cpu_ms, duplicates)


def webhook_rows(run: BenchRun) -> list[Row]:
    hooks = run.webhooks()
    [tenant] = create_tenants(run.processes, run.config.webhooks_database, ["webhooks"])
    add_endpoint(hooks.base_url, tenant, f"http://127.0.0.1:{hooks.sink_port}/hook")
    drains: list[Drain] = []
    floor: list[float] = []
    floor_cpu: list[float] = []
    for round_number in range(run.config.runs):
        drains.append(product_round(run, tenant, round_number))
        cpu_before = time.process_time()
        rate, count = asyncio.run(
            deliveries_per_second(hooks.sink_port, run.config.webhook_floor_seconds)
        )
        floor.append(rate)
        floor_cpu.append((time.process_time() - cpu_before) * 1000 / count)
        say(
            f"webhook round {round_number + 1}: worker {drains[-1].per_second:.0f}/s "
            f"({drains[-1].cpu_ms_per_delivery:.2f} ms CPU each), httpx {rate:.0f}/s "
            f"({floor_cpu[-1]:.2f} ms CPU each)"
        )
    product = [drain.per_second for drain in drains]
    duplicates = sum(drain.duplicates for drain in drains)
    return [
        Row(
            "webhook deliveries per worker process",
            "deliveries/s",
            median(product),
            median(floor),
            Target(0.7, Better.HIGHER),
            note=f"{run.config.webhook_events} deliveries per run, first to last arrival; runs "
            f"{[round(r) for r in product]} vs {[round(r) for r in floor]}; "
            f"duplicates {duplicates}; CPU per delivery (worker process tree, after its first) "
            f"{median([d.cpu_ms_per_delivery for d in drains]):.2f} ms vs "
            f"{median(floor_cpu):.2f} ms",
        )
    ]
