"""Rows 9 and 10: one `aetherflow api` and one `aetherflow worker` under an open-loop load of
single-report writes (a draft each: one `report.created` to one endpoint on the sink).
The load runs on uvloop, as the API does: the generator's CPU is taken from the same two cores.

Requests are sent on a timer whatever the API does (tests/chaos/load.py: a new keep-alive
connection whenever none is free, so the sender never waits); a write's latency runs from when
it was due to when the sink received its delivery (time.monotonic(), shared by the processes).
Row 9 is the capacity run (BENCH_E2E_RATE/s for BENCH_E2E_SECONDS); row 10 runs fresh processes
at BENCH_MEMORY_RATE/s for BENCH_MEMORY_SECONDS and reads their RSS at the start (after the
first tenth of the run, once warm) and at the end.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import uvloop

from tests.benchmarks.context import BenchRun, Webhooks
from tests.benchmarks.processes import Started, tree_usage
from tests.benchmarks.table import Better, Row, Target, percentile, say
from tests.benchmarks.webhook_rows import add_endpoint
from tests.benchmarks.workload import Tenant, batch_body, create_tenants, report
from tests.chaos.load import OpenLoop, Outcome, Request
from tests.live import free_port

# Never make a request wait for a connection: open as many as the load needs.
CONNECTIONS = 100_000
WORKER_START_SECONDS = 5
# Before the measured run: a few seconds of light load, so start-up work (imports, connections,
# statement caches) is not counted as the capacity run's latency.
WARM_UP_RATE = 20
WARM_UP_SECONDS = 3
MEMORY_LIMIT_MIB = 200.0
MEMORY_GROWTH = 0.10  # "flat": the end within 10 % of the warm start
MEMORY_TARGET = Target(
    MEMORY_LIMIT_MIB, Better.LOWER, of_ratio=False, label="≤ 200 MiB, end ≤ start + 10 %"
)


@dataclass
class LoadResult:
    outcomes: list[Outcome]
    latencies_ms: list[float]
    lost: int
    duplicates: int
    drained_after_s: float
    rss: dict[str, list[float]] = field(default_factory=dict)
    # CPU seconds each watched process tree spent from the first send to the last delivery.
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def count(self, keep: Callable[[Outcome], bool]) -> int:
        return sum(1 for outcome in self.outcomes if keep(outcome))

    @property
    def acknowledged(self) -> int:
        return self.count(lambda o: o.status == 200)

    @property
    def overloaded(self) -> int:
        return self.count(lambda o: o.status == 503 and b"overloaded" in o.body)

    @property
    def overloaded_with_retry_after(self) -> int:
        return self.count(
            lambda o: o.status == 503 and b"overloaded" in o.body and bool(o.retry_after)
        )

    @property
    def server_errors(self) -> int:
        return self.count(lambda o: o.status is not None and o.status >= 500)

    @property
    def connection_errors(self) -> Counter[str]:
        return Counter(o.error for o in self.outcomes if o.error is not None)

    @property
    def statuses(self) -> Counter[str]:
        return Counter(str(o.status) for o in self.outcomes if o.status is not None)


async def _load(
    hooks: Webhooks, tenant: Tenant, tag: str, rate: int, seconds: int, watched: dict[str, Started]
) -> LoadResult:
    hooks.sink("/_reset")
    path = f"/v1/tenants/{tenant.id}/reports"
    rss: dict[str, list[float]] = {name: [] for name in watched}

    # Built before the clock starts, so the generator's CPU during the run is the sending.
    bodies = [
        batch_body([report(index, prefix=tag, published=False)])
        for index in range(round(rate * seconds))
    ]

    def make(index: int) -> Request:
        return Request("POST", path, tenant.headers, bodies[index])

    async def sample() -> None:
        while True:
            for name, process in watched.items():
                rss[name].append(tree_usage(process.pid)[0])
            await asyncio.sleep(max(1.0, seconds / 100))

    sampler = asyncio.create_task(sample())
    loop = OpenLoop("127.0.0.1", hooks.port, max_connections=CONNECTIONS)
    try:
        outcomes = await loop.run(make, rate=rate, duration=seconds)
    finally:
        sampler.cancel()
        await loop.close()
    for name, process in watched.items():
        rss[name].append(tree_usage(process.pid)[0])
    sent_at = {f"{tag}-{o.index}": o.due for o in outcomes if o.status == 200}
    ended = time.monotonic()
    deadline = ended + max(30, seconds)
    while hooks.sink("/_stats")["unique"] < len(sent_at) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    drained_after = time.monotonic() - ended
    records = hooks.sink("/_dump")
    arrival: dict[str, float] = {}
    for _, _, slug, at in records:
        arrival.setdefault(slug, at)
    latencies = [(arrival[slug] - due) * 1000 for slug, due in sent_at.items() if slug in arrival]
    duplicates = len(records) - len({(record[0], record[1]) for record in records})
    return LoadResult(
        outcomes, latencies, len(sent_at) - len(latencies), duplicates, drained_after, rss
    )


def run_load(run: BenchRun, target: Webhooks, name: str, rate: int, seconds: int) -> LoadResult:
    """`target`'s API and one new worker under `rate` writes/s for `seconds`."""
    [tenant] = create_tenants(run.processes, run.config.webhooks_database, [name])
    add_endpoint(target.base_url, tenant, f"http://127.0.0.1:{target.sink_port}/{name}")
    worker = run.processes.worker(f"worker-{name}", run.config.webhooks_database)
    watched = {"api": target.api, "worker": worker}
    with run.processes.running(worker):
        time.sleep(WORKER_START_SECONDS)
        uvloop.run(_load(target, tenant, f"{name}-warm", WARM_UP_RATE, WARM_UP_SECONDS, {}))
        start = {key: tree_usage(process.pid) for key, process in watched.items()}
        result = uvloop.run(_load(target, tenant, name, rate, seconds, watched))
        end = {key: tree_usage(process.pid) for key, process in watched.items()}
    result.rss = {key: [start[key][0], *values] for key, values in result.rss.items()}
    result.cpu_seconds = {key: end[key][1] - start[key][1] for key in watched}
    return result


def _summary(result: LoadResult) -> str:
    answered = [o for o in result.outcomes if o.status is not None]
    post_ms = [o.latency * 1000 for o in answered] or [float("nan")]
    # From when a request was due to when it was written: a lagging sender would hide load.
    send_lag_ms = [(o.sent - o.due) * 1000 for o in answered] or [float("nan")]
    return (
        f"POST p50 {percentile(post_ms, 50):.0f} ms, p99 {percentile(post_ms, 99):.0f} ms; "
        f"send lag p99 {percentile(send_lag_ms, 99):.1f} ms; "
        f"acknowledged {result.acknowledged} of {len(result.outcomes)}, statuses "
        f"{dict(result.statuses)}, connection errors {dict(result.connection_errors)}, "
        f"drained {result.drained_after_s:.1f} s after the last send; CPU per acknowledged "
        f"write: {_cpu_per_write(result)}"
    )


def _cpu_per_write(result: LoadResult) -> str:
    acknowledged = max(1, result.acknowledged)
    return ", ".join(
        f"{name} {1000 * seconds / acknowledged:.2f} ms"
        for name, seconds in result.cpu_seconds.items()
    )


def e2e_rows(run: BenchRun) -> list[Row]:
    rate, seconds = run.config.e2e_rate, run.config.e2e_seconds
    result = run_load(run, run.webhooks(), "e2e", rate, seconds)
    say(f"e2e {rate}/s for {seconds} s: {_summary(result)}")
    lat = result.latencies_ms or [float("nan")]
    at = f"at {rate}/s for {seconds} s"
    zero = Target(0, Better.LOWER, of_ratio=False)
    return [
        Row(f"write -> receiver p50 {at}", "ms", percentile(lat, 50), note=_summary(result)),
        Row(
            f"write -> receiver p99 {at}",
            "ms",
            percentile(lat, 99),
            target=Target(250, Better.LOWER, of_ratio=False),
            note=f"max {max(lat):.0f} ms",
        ),
        Row(f"lost (acknowledged, never delivered) {at}", "count", result.lost, target=zero),
        Row(f"duplicate deliveries {at}", "count", result.duplicates, target=zero),
        Row(
            f"5xx answers {at}",
            "count",
            result.server_errors,
            target=zero,
            note=f"of which 503 overloaded {result.overloaded} "
            f"({result.overloaded_with_retry_after} with Retry-After)",
        ),
        Row(
            f"connection errors and timeouts {at}",
            "count",
            sum(result.connection_errors.values()),
            target=zero,
        ),
    ]


def memory_rows(run: BenchRun) -> list[Row]:
    rate, seconds = run.config.memory_rate, run.config.memory_seconds
    hooks = run.webhooks()
    port = free_port()
    api = run.processes.api("api-memory", port, run.config.webhooks_database)
    with run.processes.running(api):
        result = run_load(run, Webhooks(api, port, hooks.sink_port), "memory", rate, seconds)
    say(f"memory run {rate}/s for {seconds} s: {_summary(result)}")
    rows = []
    for name, samples in result.rss.items():
        warm = samples[max(1, len(samples) // 10)]
        end = samples[-1]
        rows.append(
            Row(
                f"{name} RSS at {rate}/s for {seconds} s: end (baseline column: start)",
                "MiB",
                end,
                warm,
                MEMORY_TARGET,
                note=f"start read after the first tenth of the run; at start-up {samples[0]:.0f}, "
                f"peak {max(samples):.0f}; lost {result.lost}",
                holds=end <= warm * (1 + MEMORY_GROWTH),
            )
        )
    return rows
