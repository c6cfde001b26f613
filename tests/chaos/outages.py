"""Scenario `outages`: Redis and PostgreSQL restarted under an open-loop write load, then an
overload burst.

One private stack: an API process, a worker process delivering `report.created` to a local
receiver (answering 200 at once), and an open-loop generator sending LOAD_RATE POSTs a second
(each a new report) for LOAD_SECONDS. Meanwhile the scenario stops its redis-server for
REDIS_DOWN_SECONDS and starts it again, then stops its PostgreSQL (`pg_ctl stop -m fast`) for
POSTGRES_DOWN_SECONDS and starts it again.

Bounds: no answer 5xx other than 503, every 503 carries Retry-After, no other unexpected status;
no connection error of any kind at the API; every write answered 200 is in the database, and
every report in the database had its event delivered to the receiver within
DELIVERY_BOUND_SECONDS of the end of the load (0 lost).

Then a burst of BURST_RATE POSTs a second for BURST_SECONDS, more than one API process can
serve: shed load must be 503 `overloaded` with Retry-After, nothing else 5xx, no connection
errors; p50/p99 latency of the 200s is reported.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from tests.chaos.load import OpenLoop, Outcome, Request, format_counts
from tests.chaos.report import Summary, milliseconds, percentile
from tests.chaos.stack import Service, Stack, Tenant, running_stack
from tests.chaos.writes import created_report_id, delivered_report_id, error_code, report_write
from tests.receiver import Answer, Receiver, running_receiver

LOAD_RATE = 40.0
LOAD_SECONDS = 80.0
REDIS_DOWN_AT = 10.0
REDIS_DOWN_SECONDS = 15.0
POSTGRES_DOWN_AT = 35.0
POSTGRES_DOWN_SECONDS = 14.0
DELIVERY_BOUND_SECONDS = 60.0
BURST_RATE = 300.0
BURST_SECONDS = 10.0
HOOK = "/hook"


@dataclass
class Timeline:
    """When each outage began and ended (time.monotonic())."""

    start: float
    marks: dict[str, float] = field(default_factory=dict)

    def offset(self, name: str) -> str:
        return f"{self.marks[name] - self.start:.1f}" if name in self.marks else "-"

    def phase(self, at: float) -> str:
        order = [
            ("redis stopped", "1 before"),
            ("redis started", "2 redis down"),
            ("postgres stopped", "3 between"),
            ("postgres started", "4 postgres down"),
        ]
        for mark, phase in order:
            if at < self.marks.get(mark, float("inf")):
                return phase
        return "5 after"


async def run(summary: Summary) -> None:
    async with running_stack("outages") as stack, running_receiver() as receiver:
        try:
            await scenario(summary, stack, receiver)
        except Exception:
            summary.line("process output at the failure:\n" + stack.logs_of_failure())
            raise
        if summary.failed:
            summary.line("process warnings and errors:\n" + stack.logs_of_failure())


async def scenario(summary: Summary, stack: Stack, receiver: Receiver) -> None:
    assert stack.tenant is not None
    tenant = stack.tenant
    api, base_url = await stack.start_api()
    url = receiver.script(HOOK, Answer(200))
    await stack.create_endpoint(base_url, url, ["report.created"])
    worker = await stack.start_worker("worker")
    host, port = base_url.removeprefix("http://").split(":")

    client = OpenLoop(host, int(port))
    timeline = Timeline(start=time.monotonic())
    outages = asyncio.create_task(break_dependencies(stack, timeline))
    try:
        outcomes = await client.run(writes(tenant, "o"), rate=LOAD_RATE, duration=LOAD_SECONDS)
        await outages
    finally:
        outages.cancel()
        await client.close()
    load_ended = time.monotonic()
    summary.line(
        f"load: {len(outcomes)} POSTs at {LOAD_RATE:g}/s over {LOAD_SECONDS:g} s; redis down "
        f"{timeline.offset('redis stopped')}-{timeline.offset('redis started')} s, postgres "
        f"down {timeline.offset('postgres stopped')}-{timeline.offset('postgres started')} s "
        "(from the start of the load)"
    )
    report_answers(summary, "load", outcomes)
    for phase in sorted({timeline.phase(o.due) for o in outcomes}):
        in_phase = [o for o in outcomes if timeline.phase(o.due) == phase]
        summary.line(f"load phase {phase[2:]}: {format_counts(answers(in_phase))}")
    # CONTRACT.md §9 and docs/RUNBOOK.md: with Redis down the API keeps serving writes.
    redis_down = [o for o in outcomes if timeline.phase(o.due) == "2 redis down"]
    answered = sum(o.status == 200 for o in redis_down)
    summary.check(
        "load writes served while redis was down",
        answered == len(redis_down),
        f"{answered} of {len(redis_down)} answered 200",
    )
    arrived = await check_nothing_lost(summary, stack, receiver, "load", outcomes, "o-", load_ended)
    summary.line(
        "catch-up: writes answered 200 while redis was down delivered by "
        f"{catch_up(outcomes, arrived, timeline, 'redis stopped', 'redis started')} s after it "
        "restarted; writes answered 200 before postgres restarted delivered by "
        f"{catch_up(outcomes, arrived, timeline, None, 'postgres started')} s after it restarted"
    )
    for name, service in (("api", api), ("worker", worker)):
        summary.check(f"{name} process still running", service.running(), f"pid {service.pid}")

    burst_client = OpenLoop(host, int(port), max_connections=1024)
    try:
        burst = await burst_client.run(writes(tenant, "b"), rate=BURST_RATE, duration=BURST_SECONDS)
    finally:
        await burst_client.close()
    burst_ended = time.monotonic()
    summary.line(
        f"burst: {len(burst)} POSTs at {BURST_RATE:g}/s over {BURST_SECONDS:g} s; "
        f"connections opened: {burst_client.connections_opened}"
    )
    report_answers(summary, "burst", burst)
    shed = Counter(error_code(o) for o in burst if o.status == 503)
    latencies = [o.latency for o in burst if o.status == 200]
    served = server_latencies(api, "chaos-b-")
    summary.line(
        f"burst 503 codes: {dict(shed) or 0}  latency of 200s (ms, from when each was due): "
        f"p50 {milliseconds(percentile(latencies, 0.5))} "
        f"p99 {milliseconds(percentile(latencies, 0.99))} "
        f"max {milliseconds(max(latencies, default=None))}  as the API logged them (ms): "
        f"p50 {milliseconds(percentile(served, 0.5))} p99 {milliseconds(percentile(served, 0.99))}"
    )
    lag = [o.sent - o.due for o in burst if o.sent]
    summary.line(
        f"burst generator lag, due -> written (ms): p50 {milliseconds(percentile(lag, 0.5))} "
        f"p99 {milliseconds(percentile(lag, 0.99))}  requests that waited for a client "
        f"connection: {burst_client.waited_for_connection}"
    )
    summary.check(
        "burst 503s are `overloaded`",
        set(shed) <= {"overloaded"},
        f"codes {dict(shed) or 'none'}",
    )
    await check_nothing_lost(summary, stack, receiver, "burst", burst, "b-", burst_ended)
    summary.check("api process still running", api.running(), f"pid {api.pid}")


def writes(tenant: Tenant, prefix: str) -> Callable[[int], Request]:
    return lambda number: report_write(tenant, f"{prefix}-{number}")


async def break_dependencies(stack: Stack, timeline: Timeline) -> None:
    """An outage begins when the stop begins, and ends once the start has completed."""

    async def at(offset: float, name: str, action: Callable[[], Awaitable[None]]) -> None:
        await asyncio.sleep(max(0.0, timeline.start + offset - time.monotonic()))
        if name.endswith("stopped"):
            timeline.marks[name] = time.monotonic()
        await action()
        if name.endswith("started"):
            timeline.marks[name] = time.monotonic()

    await at(REDIS_DOWN_AT, "redis stopped", stack.stop_redis)
    await at(REDIS_DOWN_AT + REDIS_DOWN_SECONDS, "redis started", stack.start_redis)
    await at(POSTGRES_DOWN_AT, "postgres stopped", stack.stop_postgres)
    await at(POSTGRES_DOWN_AT + POSTGRES_DOWN_SECONDS, "postgres started", stack.start_postgres)


def answers(outcomes: Sequence[Outcome]) -> Counter[str]:
    """Counts by status, with the error code of non-200 answers (`503 overloaded`), and by
    connection error kind (`error:reset`)."""
    counts: Counter[str] = Counter()
    for outcome in outcomes:
        if outcome.status is None:
            counts[f"error:{outcome.error}"] += 1
        elif outcome.status == 200:
            counts["200"] += 1
        else:
            counts[f"{outcome.status}:{error_code(outcome)}"] += 1
    return counts


def report_answers(summary: Summary, label: str, outcomes: Sequence[Outcome]) -> None:
    statuses = Counter(str(o.status) for o in outcomes if o.status is not None)
    errors = Counter(str(o.error) for o in outcomes if o.status is None)
    summary.line(f"{label} by status: {format_counts(statuses)}")
    codes = Counter({k: n for k, n in answers(outcomes).items() if not k.startswith("error:")})
    summary.line(f"{label} by status and code: {format_counts(codes)}")
    summary.line(f"{label} by error kind: {format_counts(errors)}")
    server_errors = {s: n for s, n in statuses.items() if s.startswith("5") and s != "503"}
    unexpected = {s: n for s, n in statuses.items() if s not in {"200", "503"}}
    no_retry_after = sum(1 for o in outcomes if o.status == 503 and not o.retry_after)
    summary.check(f"{label} 5xx other than 503 == 0", not server_errors, str(server_errors or 0))
    summary.check(
        f"{label} 503 without Retry-After == 0",
        no_retry_after == 0,
        f"{no_retry_after} of {statuses.get('503', 0)}",
    )
    summary.check(f"{label} statuses other than 200/503 == 0", not unexpected, str(unexpected or 0))
    summary.check(
        f"{label} connection errors == 0", not errors, format_counts(errors) if errors else "0"
    )


async def check_nothing_lost(
    summary: Summary,
    stack: Stack,
    receiver: Receiver,
    label: str,
    outcomes: Sequence[Outcome],
    slug_prefix: str,
    ended: float,
) -> dict[str | None, float]:
    """Every 200 is committed; every committed report's event reaches the receiver within
    DELIVERY_BOUND_SECONDS of `ended`."""
    assert stack.tenant is not None
    answered = {rid for o in outcomes if (rid := created_report_id(o)) is not None}
    rows = await stack.query(
        "SELECT id FROM reports WHERE tenant_id = :tenant AND slug LIKE :prefix",
        tenant=stack.tenant.id,
        prefix=f"{slug_prefix}%",
    )
    committed = {str(row["id"]) for row in rows}
    missing = answered - committed
    deadline = ended + DELIVERY_BOUND_SECONDS
    while True:
        arrived = {delivered_report_id(r.body): r.at for r in reversed(receiver.at(HOOK))}
        undelivered = committed - set(arrived)
        if not undelivered or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    last = max((arrived[rid] for rid in committed if rid in arrived), default=ended)
    figures = (
        f"{label} written (200): {len(answered)}  in database: {len(answered & committed)}  "
        f"committed though not answered 200: {len(committed - answered)}  "
        f"delivered: {len(committed) - len(undelivered)}  "
        f"lost: {len(missing) + len(undelivered)}  "
        f"last delivery after the load ended (s): {max(0.0, last - ended):.1f}"
    )
    summary.line(figures)
    summary.check(
        f"{label} lost == 0",
        not missing and not undelivered,
        f"{len(missing)} answered 200 but not in the database, {len(undelivered)} committed "
        f"but not delivered within {DELIVERY_BOUND_SECONDS:g} s",
    )
    return arrived


def catch_up(
    outcomes: Sequence[Outcome],
    arrived: dict[str | None, float],
    timeline: Timeline,
    since: str | None,
    back: str,
) -> str:
    """How long after the dependency came `back` the last event written (answered 200) from
    `since` (None: from the start) until then reached the receiver."""
    begin = timeline.marks[since] if since else timeline.start
    end = timeline.marks[back]
    written = [rid for o in outcomes if begin <= o.due < end and (rid := created_report_id(o))]
    times = [arrived[rid] for rid in written if rid in arrived]
    return f"{max(times) - end:.1f}" if times else "-"


def server_latencies(api: Service, request_prefix: str) -> list[float]:
    """Seconds the API logged for its 200 answers to the requests whose id has the prefix."""
    return [
        float(record["latencyMs"]) / 1000
        for record in api.log_records()
        if record.get("message") == "request"
        and str(record.get("requestId", "")).startswith(request_prefix)
        and record.get("status") == 200
    ]
