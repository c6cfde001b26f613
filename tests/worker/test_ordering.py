"""Per-resource ordering (CONTRACT.md §14 "Ordering"): an endpoint's deliveries about one
resource go out in commit order, one at a time, while other resources flow.

The claim is tested on its own first (which deliveries one statement takes), then with real
worker processes against a local receiver whose answers depend on the request.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable

import httpx
from sqlalchemy import select, text

from app.core.config import Settings
from app.outbox import service as outbox
from app.outbox.events import NewEvent
from app.webhooks.delivery import claim_deliveries, release_lost_turns, release_next_in_line
from db.models.outbox_event import OutboxEvent
from db.models.report import Report
from db.models.tenant import Tenant
from db.models.webhook_delivery import WebhookDelivery
from db.session import Database
from tests.asgi import serve
from tests.factories import Keys, make_endpoint
from tests.receiver import Answer, Answered, Received, Receiver
from tests.reports.helpers import REPORTS, batch, item
from tests.worker.helpers import all_deliveries, relay
from tests.worker.process import running_workers, worker_env

ENDPOINTS = "/v1/tenants/acme/webhook-endpoints"
PER_RESOURCE = "per-resource"


# --- the claim on its own ------------------------------------------------------------------


async def ordered_endpoint(db: Database, settings: Settings, tenant: Tenant) -> uuid.UUID:
    endpoint, _ = await make_endpoint(db, settings, tenant, "http://127.0.0.1:9/hook")
    async with db.unit_of_work() as session:
        await session.execute(
            text("UPDATE webhook_endpoints SET ordering = 'per-resource' WHERE id = :id"),
            {"id": endpoint.id},
        )
    return endpoint.id


async def record(db: Database, tenant: Tenant, resource: uuid.UUID | None, name: str) -> uuid.UUID:
    async with db.unit_of_work() as session:
        [event_id] = await outbox.record(
            session,
            [NewEvent(tenant.id, "report.updated", {"name": name}, None, resource_id=resource)],
        )
    return event_id


async def claim(db: Database, settings: Settings) -> set[uuid.UUID]:
    """The events whose deliveries one claim takes."""
    claimed = await claim_deliveries(db, settings, limit=10, holder=None)
    return {delivery.event_id for delivery in claimed}


async def end(db: Database, event_id: uuid.UUID, status: str = "delivered") -> uuid.UUID:
    """End the event's delivery as an attempt would, without making the next one due."""
    async with db.unit_of_work() as session:
        ended = await session.scalar(
            text(
                "UPDATE webhook_deliveries SET status = :status, lease_holder = NULL "
                "WHERE event_id = :event RETURNING id"
            ),
            {"status": status, "event": event_id},
        )
    assert isinstance(ended, uuid.UUID)
    return ended


async def end_and_release(db: Database, event_id: uuid.UUID, status: str = "delivered") -> None:
    """End the event's delivery as the delivery loop does: the next in line becomes due."""
    await release_next_in_line(db, [await end(db, event_id, status)])


async def waiting(db: Database) -> set[uuid.UUID]:
    """The events whose deliveries wait for their turn (pending, no next attempt)."""
    async with db.unit_of_work() as session:
        rows = await session.scalars(
            select(WebhookDelivery.event_id).where(
                WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at.is_(None)
            )
        )
        return set(rows)


async def test_the_claim_takes_one_delivery_per_resource_in_position_order(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    tenant = tenant_keys.tenant
    await ordered_endpoint(db, settings, tenant)
    a, b = uuid.uuid4(), uuid.uuid4()
    a1, b1, a2, none1, a3, none2 = [
        await record(db, tenant, resource, name)
        for resource, name in (
            (a, "a1"),
            (b, "b1"),
            (a, "a2"),
            (None, "n1"),
            (a, "a3"),
            (None, "n2"),
        )
    ]
    await relay(db)
    # Relayed in one batch: a2 and a3 wait for their turn, out of the claim's way.
    assert await waiting(db) == {a2, a3}

    # The head of each resource, and every delivery without a resource.
    assert await claim(db, settings) == {a1, b1, none1, none2}
    # a1 is being attempted (pending, leased): a2 waits, however often the claim runs.
    assert await claim(db, settings) == set()
    await end_and_release(db, b1)
    assert await claim(db, settings) == set()  # nothing else of b
    await end_and_release(db, a1, "dead")  # a dead head releases the next
    assert await waiting(db) == {a3}
    assert await claim(db, settings) == {a2}
    await end_and_release(db, a2)
    assert await claim(db, settings) == {a3}


async def test_the_claim_holds_a_due_delivery_behind_an_earlier_pending_one(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    """A later delivery that is due (relayed before the earlier one was, or retried by hand
    while an earlier one is pending) still waits for it."""
    tenant = tenant_keys.tenant
    await ordered_endpoint(db, settings, tenant)
    a = uuid.uuid4()
    a1 = await record(db, tenant, a, "a1")
    a2 = await record(db, tenant, a, "a2")
    await relay(db)
    async with db.unit_of_work() as session:
        await session.execute(text("UPDATE webhook_deliveries SET next_attempt_at = now()"))
    assert await claim(db, settings) == {a1}
    assert await claim(db, settings) == set()
    await end(db, a1)
    assert await claim(db, settings) == {a2}


async def test_a_relay_racing_the_end_of_the_delivery_ahead_makes_the_next_due(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    """a2 is relayed while the end of a1 is being recorded: the relay passes a1 over and makes a2
    due (deciding from its snapshot, where a1 is pending, it would make a2 wait for a release
    that runs before a2 exists)."""
    tenant = tenant_keys.tenant
    await ordered_endpoint(db, settings, tenant)
    a = uuid.uuid4()
    a1 = await record(db, tenant, a, "a1")
    await relay(db)
    assert await claim(db, settings) == {a1}
    a2 = await record(db, tenant, a, "a2")
    async with db.unit_of_work() as recording:
        await recording.execute(
            text("UPDATE webhook_deliveries SET status = 'delivered' WHERE event_id = :event"),
            {"event": a1},
        )
        async with asyncio.timeout(10):  # never waits for the record's lock
            assert len(await relay(db)) == 1
    assert await waiting(db) == set()
    assert await claim(db, settings) == {a2}


async def test_the_sweep_gives_a_lost_turn(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    """The loop died between recording the end of a1 and making a2 due."""
    tenant = tenant_keys.tenant
    await ordered_endpoint(db, settings, tenant)
    a, b = uuid.uuid4(), uuid.uuid4()
    a1, a2, a3, b1, b2 = [
        await record(db, tenant, resource, name)
        for resource, name in ((a, "a1"), (a, "a2"), (a, "a3"), (b, "b1"), (b, "b2"))
    ]
    await relay(db)
    assert await claim(db, settings) == {a1, b1}
    await end(db, a1)
    assert await claim(db, settings) == set()
    async with db.unit_of_work() as session:
        released = await release_lost_turns(session)
    assert len(released) == 1  # a2 only: b2 is still behind b1, a3 behind a2
    assert await waiting(db) == {a3, b2}
    assert await claim(db, settings) == {a2}


async def test_a_delivery_waits_while_an_earlier_event_is_unrelayed(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    """Two relays at once: one holds the earlier event of a resource while the other fans out
    the later one. The later delivery exists first, and must still wait."""
    tenant = tenant_keys.tenant
    await ordered_endpoint(db, settings, tenant)
    a = uuid.uuid4()
    first = await record(db, tenant, a, "a1")
    second = await record(db, tenant, a, "a2")
    async with db.unit_of_work() as holding:
        # The other relay's lock on the first event (its statement has not committed yet).
        await holding.execute(select(OutboxEvent).where(OutboxEvent.id == first).with_for_update())
        assert len(await relay(db)) == 1  # only the second one's delivery
        assert await claim(db, settings) == set()
    assert len(await relay(db)) == 1
    assert await claim(db, settings) == {first}
    await end_and_release(db, first)
    assert await claim(db, settings) == {second}


async def test_positions_follow_the_writes_of_one_report(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    """Concurrent writes to one report: the last event by position is the report's final
    state (the lock on the report is held when its event draws its position)."""
    async with serve(settings) as api:
        await asyncio.gather(*(write(api, tenant_keys, "a", version) for version in range(8)))
    async with db.unit_of_work() as session:
        events = list(await session.scalars(select(OutboxEvent).order_by(OutboxEvent.position)))
        stored = await session.scalar(select(Report.title).where(Report.slug == "a"))
    assert len(events) == 8
    assert events[-1].payload["title"] == stored
    assert len({event.resource_id for event in events}) == 1


async def test_events_of_one_write_keep_their_order_in_positions(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    """One transaction, two events about one report: created, then published."""
    async with serve(settings) as api:
        response = await api.post(
            REPORTS.format("acme"),
            json=batch(item("a", publishedAt="2026-01-01T00:00:00Z")),
            headers=tenant_keys.headers,
        )
        assert response.status_code == 200, response.text
    async with db.unit_of_work() as session:
        types = list(
            await session.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.position))
        )
    assert types == ["report.created", "report.published"]


# --- worker processes against a receiver --------------------------------------------------


async def create_endpoint(api: httpx.AsyncClient, keys: Keys, url: str, ordering: str) -> None:
    response = await api.post(
        ENDPOINTS, json={"url": url, "ordering": ordering}, headers=keys.headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["ordering"] == ordering


async def write(api: httpx.AsyncClient, keys: Keys, slug: str, version: int) -> None:
    """One report write, one event (report.created, then report.updated) titled slug+version."""
    response = await api.post(
        REPORTS.format("acme"),
        json=batch(item(slug, title=f"{slug}{version}")),
        headers=keys.headers,
    )
    assert response.status_code == 200, response.text


def title(request: Received) -> str:
    return str(json.loads(request.body)["data"]["title"])


def arrival_order(receiver: Receiver) -> list[str]:
    """`title:status` per request, in the order they arrived; printed for the record."""
    statuses = {id(answered.request): answered.status for answered in receiver.answered}
    order = [f"{title(r)}:{statuses.get(id(r), '-')}" for r in receiver.received]
    print("receiver arrival order:", " ".join(order))  # noqa: T201 - the test's record
    return order


def success_of(receiver: Receiver, name: str) -> Answered:
    [answered] = [a for a in receiver.answered if title(a.request) == name and a.status == 200]
    return answered


def arrivals_of(receiver: Receiver, name: str) -> list[Received]:
    return [r for r in receiver.received if title(r) == name]


async def wait_until_done(db: Database, count: int, timeout: float = 90) -> list[WebhookDelivery]:
    """Until `count` deliveries exist and none is pending."""
    async with asyncio.timeout(timeout):
        while True:
            rows = await all_deliveries(db)
            if len(rows) >= count and all(row.status != "pending" for row in rows):
                return rows
            await asyncio.sleep(0.2)


def ordering_env(cli_env: dict[str, str], retry_schedule: str) -> dict[str, str]:
    """A short retry schedule, and a sweep too rare to matter: the next of a line goes because
    the delivery loop releases it, not because the sweep's safety net does."""
    return worker_env(cli_env, webhook_retry_schedule=retry_schedule, sweep_interval_seconds="120")


def failing_until(condition: Callable[[], bool], name: str) -> Callable[[Received], Answer]:
    """500 for the event titled `name` until `condition()` holds; 200 for everything else."""

    def decide(request: Received) -> Answer:
        if title(request) == name and not condition():
            return Answer(500)
        return Answer(200)

    return decide


async def test_per_resource_holds_a_resource_behind_its_failing_head_while_others_flow(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    def b_all_arrived_and_a1_tried_thrice() -> bool:
        names = Counter(title(r) for r in receiver.received)
        return names["a1"] >= 3 and all(names[f"b{v}"] for v in (1, 2, 3))

    url = receiver.rule("/hook", failing_until(b_all_arrived_and_a1_tried_thrice, "a1"))
    env = ordering_env(cli_env, "0,1,1,1,1,1,1,1")
    with running_workers(env) as [worker]:
        async with serve(settings) as api:
            await create_endpoint(api, tenant_keys, url, PER_RESOURCE)
            for version in (1, 2, 3):  # committed a1, b1, a2, b2, a3, b3
                await write(api, tenant_keys, "a", version)
                await write(api, tenant_keys, "b", version)
        rows = await wait_until_done(db, 6)
        assert await worker.terminate() == 0, worker.output()
    order = arrival_order(receiver)

    assert {row.status for row in rows} == {"delivered"}
    assert all(row.event_position is not None for row in rows)
    a_order = [name.split(":")[0] for name in order if name.startswith("a")]
    attempts_of_a1 = a_order.count("a1")
    assert attempts_of_a1 >= 3
    # a2 and a3 were never sent while a1 was pending, then once each, in commit order.
    assert a_order == ["a1"] * attempts_of_a1 + ["a2", "a3"]
    a1_delivered = success_of(receiver, "a1")
    assert arrivals_of(receiver, "a2")[0].at >= a1_delivered.at
    assert arrivals_of(receiver, "a3")[0].at >= success_of(receiver, "a2").at
    # b flowed meanwhile, in its own order.
    assert [name.split(":")[0] for name in order if name.startswith("b")] == ["b1", "b2", "b3"]
    assert all(arrivals_of(receiver, f"b{v}")[0].at < a1_delivered.request.at for v in (1, 2, 3))


async def test_a_dead_head_releases_the_next_of_its_resource(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    url = receiver.rule("/hook", failing_until(lambda: False, "a1"))
    env = ordering_env(cli_env, "0,1,1")
    with running_workers(env) as [worker]:
        async with serve(settings) as api:
            await create_endpoint(api, tenant_keys, url, PER_RESOURCE)
            for slug, version in (("a", 1), ("b", 1), ("a", 2), ("a", 3), ("b", 2)):
                await write(api, tenant_keys, slug, version)
        rows = await wait_until_done(db, 5)
        assert await worker.terminate() == 0, worker.output()
    order = arrival_order(receiver)

    assert Counter(row.status for row in rows) == {"dead": 1, "delivered": 4}
    assert [name for name in order if name.startswith("a")] == [
        "a1:500",
        "a1:500",
        "a1:500",
        "a2:200",
        "a3:200",
    ]
    last_a1 = [a for a in receiver.answered if title(a.request) == "a1"][-1]
    assert arrivals_of(receiver, "a2")[0].at >= last_a1.at
    assert [name for name in order if name.startswith("b")] == ["b1:200", "b2:200"]


async def test_ordering_none_holds_nothing(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    def later_ones_arrived() -> bool:
        names = {title(r) for r in receiver.received}
        return {"a2", "a3"} <= names

    url = receiver.rule("/hook", failing_until(later_ones_arrived, "a1"))
    env = ordering_env(cli_env, "0,1,1,1,1,1,1,1")
    with running_workers(env) as [worker]:
        async with serve(settings) as api:
            await create_endpoint(api, tenant_keys, url, "none")
            for version in (1, 2, 3):
                await write(api, tenant_keys, "a", version)
        rows = await wait_until_done(db, 3)
        assert await worker.terminate() == 0, worker.output()
    arrival_order(receiver)

    assert {row.status for row in rows} == {"delivered"}
    assert all(row.event_position is None for row in rows)
    a1_delivered = success_of(receiver, "a1")
    assert arrivals_of(receiver, "a2")[0].at < a1_delivered.request.at
    assert arrivals_of(receiver, "a3")[0].at < a1_delivered.request.at


async def test_two_workers_send_each_resource_one_at_a_time_in_commit_order(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    """Concurrent writes (several to one report at once: the test does not know their commit
    order, the database does), first attempts of half the events failing, slow answers."""
    attempts: Counter[str] = Counter()

    def decide(request: Received) -> Answer:
        attempts[request.headers["webhook-id"]] += 1
        first_try = attempts[request.headers["webhook-id"]] == 1
        return Answer(500 if first_try and int(title(request)[1:]) % 2 else 200, delay=0.05)

    url = receiver.rule("/hook", decide)
    slugs, versions = "abcd", 6
    env = ordering_env(cli_env, "0,1,1,1,1")
    with running_workers(env, count=2) as workers:
        async with serve(settings) as api:
            await create_endpoint(api, tenant_keys, url, PER_RESOURCE)
            for start in range(0, versions, 2):
                await asyncio.gather(
                    *(
                        write(api, tenant_keys, slug, version)
                        for slug in slugs
                        for version in (start, start + 1)
                    )
                )
        rows = await wait_until_done(db, len(slugs) * versions)
        for worker in workers:
            assert await worker.terminate() == 0, worker.output()
    arrival_order(receiver)

    assert {row.status for row in rows} == {"delivered"}
    async with db.unit_of_work() as session:
        events = list(await session.scalars(select(OutboxEvent).order_by(OutboxEvent.position)))
        rows_of_reports = (await session.execute(select(Report.slug, Report.title))).all()
    stored: dict[str, str] = dict(rows_of_reports)
    commit_order: dict[str, list[str]] = defaultdict(list)
    for event in events:
        commit_order[event.payload["slug"]].append(event.payload["title"])
    answered_by_slug: dict[str, list[Answered]] = defaultdict(list)
    for answered in sorted(receiver.answered, key=lambda a: a.request.at):
        answered_by_slug[title(answered.request)[0]].append(answered)
    for slug in slugs:
        sent = answered_by_slug[slug]
        # Never two of one resource at once: each request arrived after the previous answer.
        assert all(later.request.at >= earlier.at for earlier, later in itertools.pairwise(sent))
        delivered = [title(a.request) for a in sent if a.status == 200]
        assert delivered == commit_order[slug]
        assert delivered[-1] == stored[slug]  # the last one delivered is the report as it is


async def test_disabling_the_endpoint_ends_its_whole_line(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    """Each delivery of the line ends `skipped` in the claim, unsent, and releases the next."""
    url = receiver.rule("/hook", failing_until(lambda: False, "a1"))
    env = ordering_env(cli_env, "0,2,2,2,2,2,2,2")
    with running_workers(env) as [worker]:
        async with serve(settings) as api:
            await create_endpoint(api, tenant_keys, url, PER_RESOURCE)
            for version in (1, 2, 3):
                await write(api, tenant_keys, "a", version)
            await receiver.wait_for("/hook", 1)
            [endpoint] = (await api.get(ENDPOINTS, headers=tenant_keys.headers)).json()["data"]
            disabled = await api.patch(
                f"{ENDPOINTS}/{endpoint['id']}",
                json={"enabled": False},
                headers=tenant_keys.headers,
            )
            assert disabled.status_code == 200, disabled.text
        rows = await wait_until_done(db, 3)
        assert await worker.terminate() == 0, worker.output()
    arrival_order(receiver)

    assert {(row.status, row.last_error) for row in rows} == {("skipped", "endpoint disabled")}
    assert {title(request) for request in receiver.received} == {"a1"}
