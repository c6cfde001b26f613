"""Scenario `events`: 1,000 events delivered while a worker is killed with SIGKILL three times.

Two passes on one private stack, each with its own endpoint and 1,000 `report.created` events
(1,000 single-report POSTs, counted from the API's answers). The receiver answers 200 after
RECEIVER_DELAY seconds, so a worker always has deliveries in flight:

1. one worker, killed three times and restarted at once each time (a crashed service that
   the platform restarts);
2. two workers: one is killed three times and restarted, the other runs throughout.

At each kill, what the killed worker had in flight is read from PostgreSQL: deliveries still
`pending` with an attempt counted and leased to that worker's liveness lock id
(`lease_holder`), as they stood right before the kill and just after it. Recovery after a kill
is the time from the SIGKILL to the receiver's first request for one of those events.

Bounds per pass: lost == 0 (every event's id reached the receiver, every delivery row is
`delivered`); duplicates (requests beyond the first per `webhook-id`) <= the sum of in-flight
at the kills; every recovery <= RECOVERY_BOUND_SECONDS. Settings are the defaults
(WEBHOOK_TIMEOUT_SECONDS 10, SWEEP_INTERVAL_SECONDS 15, WORKER_CONCURRENCY 10).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from tests.chaos.load import OpenLoop, Outcome
from tests.chaos.report import Summary, seconds
from tests.chaos.stack import Service, Stack, running_stack
from tests.chaos.writes import created_report_id, delivered_report_id, report_write
from tests.receiver import Answer, Receiver, running_receiver

EVENTS = 1000
RECEIVER_DELAY = 0.5
# Kill when this share of the events has reached the receiver.
KILL_AT = (0.25, 0.5, 0.75)
RECOVERY_BOUND_SECONDS = 10.0
# Events written a second per worker: three quarters of what a worker delivers
# (WORKER_CONCURRENCY 10 / RECEIVER_DELAY), so the queue stays short and a recovered delivery
# is not waiting behind a backlog (recovery measures crash detection, not queue depth).
WRITE_RATE = 15.0
WRITE_ATTEMPTS = 10
# How long the deliveries of a pass may take, at most, after its last kill.
SETTLE_TIMEOUT_SECONDS = 120.0
IN_FLIGHT_WAIT_SECONDS = 15.0


@dataclass
class Kill:
    worker: str
    at: float  # time.monotonic() of the SIGKILL
    in_flight: set[str] = field(default_factory=set)  # event ids
    queued: int = 0  # deliveries not attempted yet: what a recovered one may wait behind
    recovery: float | None = None


@dataclass
class Pass:
    name: str
    path: str
    endpoint_id: str = ""
    created: list[str] = field(default_factory=list)  # report ids, one event each
    write_failures: Counter[str] = field(default_factory=Counter)
    kills: list[Kill] = field(default_factory=list)


async def run(summary: Summary) -> None:
    async with running_stack("events") as stack, running_receiver() as receiver:
        try:
            _, base_url = await stack.start_api()
            has_holder = await stack.has_column("webhook_deliveries", "lease_holder")
            summary.line(
                "in flight = pending, attempts > 0, "
                + (
                    "leased to the killed worker (lease_holder)"
                    if has_holder
                    else "lease in the future (no lease_holder column: every worker's)"
                )
            )
            for number, second_worker in ((1, False), (2, True)):
                name = "two workers, one killed" if second_worker else "one worker"
                run_pass = Pass(name=f"pass {number} ({name})", path=f"/hook-{number}")
                await one_pass(
                    summary, stack, receiver, base_url, run_pass, second_worker, has_holder
                )
        except Exception:
            summary.line("process output at the failure:\n" + stack.logs_of_failure())
            raise
        if summary.failed:
            summary.line("process warnings and errors:\n" + stack.logs_of_failure())


async def one_pass(
    summary: Summary,
    stack: Stack,
    receiver: Receiver,
    base_url: str,
    run_pass: Pass,
    second_worker: bool,
    has_holder: bool,
) -> None:
    started = time.monotonic()
    url = receiver.script(run_pass.path, Answer(200, delay=RECEIVER_DELAY))
    run_pass.endpoint_id = await stack.create_endpoint(base_url, url, ["report.created"])
    prefix = run_pass.path.strip("/")
    victim = await stack.start_worker(f"{prefix}-worker-a0")
    others = [await stack.start_worker(f"{prefix}-worker-b")] if second_worker else []
    rate = WRITE_RATE * (2 if second_worker else 1)
    writer = asyncio.create_task(write_events(stack, base_url, run_pass, rate))
    try:
        for number, share in enumerate(KILL_AT, start=1):
            await wait_received(receiver, run_pass.path, round(share * EVENTS), writer)
            kill = await kill_worker(summary, stack, run_pass, victim, has_holder)
            run_pass.kills.append(kill)
            victim = await stack.start_worker(f"{prefix}-worker-a{number}")
        await writer
        await wait_all_delivered(stack, receiver, run_pass)
    finally:
        if not writer.done():
            writer.cancel()
        for worker in (victim, *others):
            code = await worker.terminate()
            if code != 0:
                summary.line(f"note: {worker.name} exited with status {code} after SIGTERM")
    await report_pass(summary, stack, receiver, run_pass)
    await stack.delete_endpoint(base_url, run_pass.endpoint_id)
    summary.line(f"{run_pass.name} took {time.monotonic() - started:.1f} s")


async def write_events(stack: Stack, base_url: str, run_pass: Pass, rate: float) -> None:
    """EVENTS single-report POSTs at `rate` a second (open loop); a refused write (a 503, a
    connection error) is sent again with the same Idempotency-Key, so each slug is created
    once."""
    assert stack.tenant is not None
    tenant = stack.tenant
    host, port = base_url.removeprefix("http://").split(":")
    client = OpenLoop(host, int(port))

    async def write(number: int) -> None:
        slug = f"{run_pass.path.strip('/')}-{number}"
        key = str(uuid.uuid4())
        for _ in range(WRITE_ATTEMPTS):
            outcome = Outcome(index=number, due=time.monotonic())
            await client.send(report_write(tenant, slug, idempotency_key=key), outcome)
            if outcome.status == 200:
                report_id = created_report_id(outcome)
                if report_id is not None:
                    run_pass.created.append(report_id)
                return
            run_pass.write_failures[str(outcome.status or outcome.error)] += 1
            await asyncio.sleep(1)

    start = time.monotonic()
    tasks = []
    try:
        for number in range(EVENTS):
            await asyncio.sleep(max(0.0, start + number / rate - time.monotonic()))
            tasks.append(asyncio.create_task(write(number)))
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await client.close()


def unique_events(receiver: Receiver, path: str) -> set[str]:
    return {request.headers["webhook-id"] for request in receiver.at(path)}


async def wait_received(
    receiver: Receiver, path: str, count: int, writer: asyncio.Task[None]
) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_SECONDS
    while len(unique_events(receiver, path)) < count:
        if writer.done() and writer.exception() is not None:
            writer.result()
        if time.monotonic() > deadline:
            raise TimeoutError(f"{count} events did not reach the receiver in time")
        await asyncio.sleep(0.05)


async def leased(stack: Stack, endpoint_id: str, holder: int | None) -> dict[str, int]:
    """In-flight deliveries of the endpoint: delivery id -> attempts."""
    where = "lease_holder = :holder" if holder is not None else "next_attempt_at > now()"
    params: dict[str, object] = {"endpoint": endpoint_id}
    if holder is not None:
        params["holder"] = holder
    rows = await stack.query(
        "SELECT id, attempts FROM webhook_deliveries WHERE endpoint_id = :endpoint "
        f"AND status = 'pending' AND attempts > 0 AND {where}",
        **params,
    )
    return {str(row["id"]): int(row["attempts"]) for row in rows}


async def kill_worker(
    summary: Summary, stack: Stack, run_pass: Pass, worker: Service, has_holder: bool
) -> Kill:
    """SIGKILL `worker` while it has deliveries in flight; what it had in flight."""
    holder = worker.liveness_holder() if has_holder else None
    if has_holder and holder is None:
        summary.line(f"note: {worker.name} logged no liveness lock id: counting every lease")
    deadline = time.monotonic() + IN_FLIGHT_WAIT_SECONDS
    while not (before := await leased(stack, run_pass.endpoint_id, holder)):
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.02)
    worker.kill()
    kill = Kill(worker=worker.name, at=time.monotonic())
    # Still pending at the attempt counted before the kill (not recorded meanwhile), or
    # claimed between the two reads: cut off by the kill.
    rows = await stack.query(
        "SELECT id, event_id, attempts, lease_holder FROM webhook_deliveries "
        "WHERE endpoint_id = :endpoint AND status = 'pending'",
        endpoint=run_pass.endpoint_id,
    )
    kill.queued = sum(row["attempts"] == 0 for row in rows)
    for row in rows:
        delivery_id = str(row["id"])
        counted_before = before.get(delivery_id) == row["attempts"]
        claimed_since = holder is not None and row["lease_holder"] == holder
        if counted_before or claimed_since:
            kill.in_flight.add(str(row["event_id"]))
    return kill


async def wait_all_delivered(stack: Stack, receiver: Receiver, run_pass: Pass) -> None:
    """Until every created event reached the receiver and every delivery row of the endpoint
    is final, or SETTLE_TIMEOUT_SECONDS."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_SECONDS
    expected = set(run_pass.created)
    while time.monotonic() < deadline:
        got = {delivered_report_id(r.body) for r in receiver.at(run_pass.path)}
        if expected <= got:
            [row] = await stack.query(
                "SELECT count(*) AS n FROM webhook_deliveries "
                "WHERE endpoint_id = :endpoint AND status = 'pending'",
                endpoint=run_pass.endpoint_id,
            )
            if row["n"] == 0:
                return
        await asyncio.sleep(0.2)


def measure_recoveries(receiver: Receiver, run_pass: Pass) -> None:
    for kill in run_pass.kills:
        again = [
            request.at - kill.at
            for request in receiver.at(run_pass.path)
            if request.at > kill.at and request.headers["webhook-id"] in kill.in_flight
        ]
        kill.recovery = min(again) if again else None


async def report_pass(summary: Summary, stack: Stack, receiver: Receiver, run_pass: Pass) -> None:
    measure_recoveries(receiver, run_pass)
    requests = receiver.at(run_pass.path)
    per_event = Counter(request.headers["webhook-id"] for request in requests)
    received_reports = {delivered_report_id(request.body) for request in requests}
    events = len(run_pass.created)
    lost_events = [rid for rid in run_pass.created if rid not in received_reports]
    duplicates = len(requests) - len(per_event)
    in_flight = [len(kill.in_flight) for kill in run_pass.kills]
    rows = await stack.query(
        "SELECT status, count(*) AS n, sum(attempts) AS attempts FROM webhook_deliveries "
        "WHERE endpoint_id = :endpoint GROUP BY status",
        endpoint=run_pass.endpoint_id,
    )
    statuses = {str(row["status"]): int(row["n"]) for row in rows}
    attempts = sum(int(row["attempts"]) for row in rows)
    not_delivered = sum(n for status, n in statuses.items() if status != "delivered")
    delivered_rows = statuses.get("delivered", 0)
    recoveries = [kill.recovery for kill in run_pass.kills]
    queued = [kill.queued for kill in run_pass.kills]

    summary.line(f"{run_pass.name}:")
    summary.line(
        f"events: {events}  delivered: {len(per_event)}  lost: {len(lost_events)}  "
        f"duplicates: {duplicates}  in-flight at kills: {in_flight}  "
        f"recovery after kill (s): {seconds(recoveries)}"
    )
    summary.line(
        f"queued at kills: {queued}  "
        f"delivery rows: {sum(statuses.values())} {dict(sorted(statuses.items()))}  "
        f"attempts in db: {attempts}  requests received: {len(requests)}  "
        f"writes retried: {dict(run_pass.write_failures) or 0}"
    )
    label = run_pass.name.split(" (")[0]
    summary.check(f"{label} events written", events == EVENTS, f"{events} of {EVENTS}")
    summary.check(
        f"{label} lost == 0",
        not lost_events and not_delivered == 0 and delivered_rows == events,
        f"{len(lost_events)} events never received, {not_delivered} delivery rows not "
        f"delivered, {delivered_rows} delivered rows for {events} events",
    )
    summary.check(
        f"{label} duplicates <= in-flight at kills",
        duplicates <= sum(in_flight),
        f"{duplicates} <= {sum(in_flight)}",
    )
    summary.check(
        f"{label} recovery after each kill <= {RECOVERY_BOUND_SECONDS:g} s",
        all(r is not None and r <= RECOVERY_BOUND_SECONDS for r in recoveries) and all(in_flight),
        f"{seconds(recoveries)} s; in flight {in_flight}",
    )
