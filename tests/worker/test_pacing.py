"""Receiver backpressure (CONTRACT.md §14): an advertised quota, `maxDeliveriesPerSecond`, a used-up
quota and `Retry-After` pace an endpoint across worker processes; waiting uses no attempt and
never holds other endpoints back."""

from __future__ import annotations

import asyncio
import bisect
import io
import time
import uuid
from datetime import timedelta

from redis.asyncio import Redis
from sqlalchemy import select, update

from app.core.config import Settings
from app.core.time import utc_now
from app.outbox import service as outbox
from app.outbox.events import NewEvent
from app.webhooks.backpressure import Pacing
from app.webhooks.claims import ClaimedDelivery
from app.webhooks.delivery import claim_deliveries, defer_deliveries
from app.webhooks.pacer import KEY_PREFIX, UNPACED_CACHE_SECONDS, Pacer
from db.models.outbox_event import OutboxEvent
from db.models.tenant import Tenant
from db.models.webhook_delivery import WebhookDelivery
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from tests.factories import Keys, make_endpoint
from tests.live import free_port
from tests.logs import parsed
from tests.receiver import Answer, Received, Receiver
from tests.worker.helpers import all_deliveries, delivery, delivery_settings, relay
from tests.worker.process import own_redis, running_workers, worker_env
from tests.worker.test_delivery_batches import running_loop

# Requests left out of a rate measurement at each end: the first ones go before any answer
# told the workers the receiver's quota, the last ones thin out as the backlog empties.
SETTLING = 40
TAIL = 10


async def record_events(db: Database, tenant: Tenant, count: int, event_type: str) -> None:
    async with db.unit_of_work() as session:
        await outbox.record(
            session,
            [NewEvent(tenant.id, event_type, {"slug": f"r{i}"}, None) for i in range(count)],
        )


async def relay_all(db: Database) -> list[uuid.UUID]:
    delivery_ids: list[uuid.UUID] = []
    while batch := await relay(db):
        delivery_ids += batch
    return delivery_ids


def claimed_stub(endpoint_id: uuid.UUID, *, cap: int | None) -> ClaimedDelivery:
    """A claimed delivery as the pacer sees it: its id, endpoint and cap."""
    return ClaimedDelivery(
        id=uuid.uuid4(),
        attempts=1,
        schedule_step=1,
        endpoint_enabled=True,
        url="http://127.0.0.1:9/hook",
        secret_encrypted="",
        previous_secret_encrypted=None,
        previous_secret_expires_at=None,
        event_id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        event_type="report.created",
        payload_json="{}",
        occurred_at=utc_now(),
        correlation_id=None,
        request_id=None,
        endpoint_id=endpoint_id,
        max_deliveries_per_second=cap,
        ordered=False,
        resource_id=None,
        created_at=utc_now(),
        last_status_code=None,
    )


def busiest_second(requests: list[Received]) -> int:
    """The most requests in any one-second window of the steady part."""
    steady = sorted(r.at for r in requests)[SETTLING : len(requests) - TAIL]
    return max(bisect.bisect_left(steady, start + 1.0) - i for i, start in enumerate(steady))


def steady_rate(requests: list[Received]) -> float:
    """Requests per second at the receiver, leaving out the settling start and the tail."""
    steady = sorted(r.at for r in requests)[SETTLING : len(requests) - TAIL]
    return (len(steady) - 1) / (steady[-1] - steady[0])


async def set_cap(db: Database, endpoint_id: uuid.UUID, per_second: int) -> None:
    async with db.unit_of_work() as session:
        await session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(max_deliveries_per_second=per_second)
        )


async def paused_ids(db: Database) -> set[uuid.UUID]:
    """The deliveries of report.created events (the paused endpoint's)."""
    async with db.unit_of_work() as session:
        rows = await session.execute(
            select(WebhookDelivery.id)
            .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.event_id)
            .where(OutboxEvent.event_type == "report.created")
        )
    return {row_id for (row_id,) in rows}


async def wait_until_given_back(db: Database, delivery_ids: list[uuid.UUID]) -> None:
    """Until each of these deliveries waits pending with no attempt counted (a claim gives
    its attempt back right after the claim)."""
    async with asyncio.timeout(2):
        while True:
            rows = [await delivery(db, delivery_id) for delivery_id in delivery_ids]
            states = {(row.status, row.attempts, row.schedule_step) for row in rows}
            if states == {("pending", 0, 0)}:
                return
            await asyncio.sleep(0.05)


async def wait_until_settled(db: Database, count: int, timeout: float = 120) -> None:
    async with asyncio.timeout(timeout):
        while True:
            rows = await all_deliveries(db)
            if len(rows) >= count and all(row.status != "pending" for row in rows):
                return
            await asyncio.sleep(0.2)


async def test_an_advertised_quota_paces_two_workers(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    total = 300
    policy = {"RateLimit-Policy": '"default";q=20;w=1'}
    url = receiver.script("/paced", Answer(200, headers=policy))
    await make_endpoint(db, settings, tenant_keys.tenant, url, event_types=["report.created"])
    free_url = receiver.script("/free", Answer(200))
    await make_endpoint(db, settings, tenant_keys.tenant, free_url, event_types=["report.updated"])
    await record_events(db, tenant_keys.tenant, total, "report.created")
    assert len(await relay_all(db)) == total
    with running_workers(worker_env(cli_env), count=2) as workers:
        await receiver.wait_for("/paced", 2 * SETTLING, timeout=60)
        # Another endpoint's deliveries pass the paced backlog.
        await record_events(db, tenant_keys.tenant, 20, "report.updated")
        await relay_all(db)
        recorded = time.monotonic()
        free = await receiver.wait_for("/free", 20, timeout=30)
        free_within = max(r.at for r in free) - recorded
        requests = await receiver.wait_for("/paced", total, timeout=90)
        await wait_until_settled(db, total + 20)
        outputs = [worker.output() for worker in workers]
    rate, busiest = steady_rate(requests), busiest_second(requests)
    print(  # noqa: T201 - the measured figure
        f"\nadvertised 20/s, two workers: {rate:.2f} deliveries/s at the receiver, "
        f"at most {busiest} in any one second; another endpoint's 20 in {free_within:.2f} s"
    )
    assert 18 <= rate <= 22, outputs
    assert free_within < 5
    rows = await all_deliveries(db)
    assert {(row.status, row.attempts) for row in rows} == {("delivered", 1)}


async def test_max_deliveries_per_second_caps_the_rate(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    total = 150
    url = receiver.script("/capped", Answer(200))
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, url)
    await set_cap(db, endpoint.id, 10)
    await record_events(db, tenant_keys.tenant, total, "report.created")
    assert len(await relay_all(db)) == total
    with running_workers(worker_env(cli_env), count=2):
        requests = await receiver.wait_for("/capped", total, timeout=90)
        await wait_until_settled(db, total)
    # The cap is known before the first send: no settling needed.
    times = sorted(r.at for r in requests)[: total - TAIL]
    rate = (len(times) - 1) / (times[-1] - times[0])
    print(f"\nmaxDeliveriesPerSecond 10, two workers: {rate:.2f} deliveries/s at the receiver")  # noqa: T201 - the measured figure
    assert 9 <= rate <= 11
    rows = await all_deliveries(db)
    assert {(row.status, row.attempts) for row in rows} == {("delivered", 1)}


async def test_no_remaining_quota_holds_everything_until_reset(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    exhausted = Answer(200, headers={"RateLimit": '"default";r=0;t=3'})
    url = receiver.script("/quota", exhausted, Answer(200))
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    with running_workers(worker_env(cli_env), count=2):
        await record_events(db, tenant_keys.tenant, 1, "report.created")
        await relay_all(db)
        [first] = await receiver.wait_for("/quota", 1)
        await wait_until_settled(db, 1)
        await record_events(db, tenant_keys.tenant, 5, "report.created")
        waiting = await relay_all(db)
        await asyncio.sleep(0.5)
        await wait_until_given_back(db, waiting)
        assert len(receiver.at("/quota")) == 1
        requests = await receiver.wait_for("/quota", 6, timeout=30)
        await wait_until_settled(db, 6)
    held = min(r.at for r in requests[1:]) - first.at
    print(f"\nremaining=0, reset 3 s: next request after {held:.2f} s")  # noqa: T201 - the measured figure
    assert held >= 2.8
    rows = await all_deliveries(db)
    assert {(row.status, row.attempts) for row in rows} == {("delivered", 1)}


async def test_retry_after_pauses_that_endpoint_while_another_flows(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    paused_url = receiver.script("/paused", Answer(429, headers={"Retry-After": "3"}), Answer(200))
    flowing_url = receiver.script("/flowing", Answer(200))
    await make_endpoint(
        db, settings, tenant_keys.tenant, paused_url, event_types=["report.created"]
    )
    await make_endpoint(
        db, settings, tenant_keys.tenant, flowing_url, event_types=["report.updated"]
    )
    with running_workers(worker_env(cli_env), count=2):
        await record_events(db, tenant_keys.tenant, 1, "report.created")
        [refused_id] = await relay_all(db)
        [refused] = await receiver.wait_for("/paused", 1)
        await record_events(db, tenant_keys.tenant, 5, "report.created")
        await record_events(db, tenant_keys.tenant, 5, "report.updated")
        relayed = await relay_all(db)
        flowing = await receiver.wait_for("/flowing", 5, timeout=30)
        assert max(r.at for r in flowing) - refused.at < 2.5
        # The paused endpoint's deliveries were claimed beside the others, then given their
        # attempts back.
        paused = await paused_ids(db)
        waiting = [i for i in relayed if i in paused]
        await wait_until_given_back(db, waiting)
        assert len(receiver.at("/paused")) == 1
        # Waiting, they are not claimed again and again: their rows do not change.
        before = {i: (await delivery(db, i)).updated_at for i in waiting}
        await asyncio.sleep(0.8)
        if time.monotonic() - refused.at < 2.8:  # still inside the pause on a loaded machine
            assert {i: (await delivery(db, i)).updated_at for i in waiting} == before
            assert len(receiver.at("/paused")) == 1
        requests = await receiver.wait_for("/paused", 7, timeout=30)
        await wait_until_settled(db, 11)
    resumed = min(r.at for r in requests[1:]) - refused.at
    print(f"\n429 Retry-After 3: the endpoint's next request after {resumed:.2f} s")  # noqa: T201 - the measured figure
    assert resumed >= 2.8
    rows = {row.id: row for row in await all_deliveries(db)}
    assert (rows[refused_id].status, rows[refused_id].attempts) == ("delivered", 2)
    assert {(rows[i].status, rows[i].attempts) for i in relayed} == {("delivered", 1)}


async def test_retry_after_beyond_the_cap_is_clamped(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    url = receiver.script("/clamped", Answer(503, headers={"Retry-After": "600"}), Answer(200))
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    env = worker_env(cli_env, webhook_retry_after_max_seconds="2")
    with running_workers(env):
        await record_events(db, tenant_keys.tenant, 1, "report.created")
        [refused_id] = await relay_all(db)
        [refused] = await receiver.wait_for("/clamped", 1)
        await record_events(db, tenant_keys.tenant, 3, "report.created")
        await relay_all(db)
        requests = await receiver.wait_for("/clamped", 5, timeout=30)
        await wait_until_settled(db, 4)
    resumed = min(r.at for r in requests[1:]) - refused.at
    print(f"\nRetry-After 600 capped at 2: the endpoint's next request after {resumed:.2f} s")  # noqa: T201 - the measured figure
    assert 1.8 <= resumed < 10
    row = await delivery(db, refused_id)
    assert (row.status, row.attempts) == ("delivered", 2)


async def test_malformed_fields_are_ignored(
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    receiver: Receiver,
    cli_env: dict[str, str],
    redis: Redis,
) -> None:
    garbage = {
        "RateLimit-Policy": "garbage;;q=",
        "RateLimit": '"default";r=zero;t=3',
        "RateLimit-Remaining": "none",
        "RateLimit-Reset": "-",
    }
    url = receiver.script("/garbage", Answer(200, headers=garbage))
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    await record_events(db, tenant_keys.tenant, 30, "report.created")
    await relay_all(db)
    started = time.monotonic()
    with running_workers(worker_env(cli_env)) as [worker]:
        await receiver.wait_for("/garbage", 30, timeout=30)
        await wait_until_settled(db, 30)
        output = worker.output()
    assert time.monotonic() - started < 20
    rows = await all_deliveries(db)
    assert {(row.status, row.attempts) for row in rows} == {("delivered", 1)}
    assert await redis.keys(f"{KEY_PREFIX}:*") == []
    assert "Traceback" not in output


async def test_pacers_share_slots_through_redis(redis_url: str, redis: Redis) -> None:
    endpoint = uuid.uuid4()
    first, second = Pacer.connect(redis_url), Pacer.connect(redis_url)
    try:
        batch = [claimed_stub(endpoint, cap=10) for _ in range(3)]
        waits = await first.waits(batch)
        assert waits[0] == 0
        assert 0.08 <= waits[1] <= 0.1
        assert 0.18 <= waits[2] <= 0.2
        # Another process continues after the slots already given out.
        [later] = await second.waits([claimed_stub(endpoint, cap=10)])
        assert 0.27 <= later <= 0.3
        # A waiting delivery that comes back early keeps its slot, never a new one.
        again = await second.waits(batch[1:])
        assert again[0] <= waits[1]
        assert again[1] <= waits[2]
        await first.learn(endpoint, Pacing(None, 5.0))
        [paused] = await second.waits([batch[2]])
        assert 4.9 <= paused <= 5.0
    finally:
        await first.close()
        await second.close()


async def test_an_unpaced_endpoint_is_not_asked_about_again_for_a_moment(
    redis_url: str, redis: Redis
) -> None:
    endpoint = uuid.uuid4()
    this, other = Pacer.connect(redis_url), Pacer.connect(redis_url)
    try:
        assert await this.waits([claimed_stub(endpoint, cap=None)]) == [0.0]
        assert await redis.keys(f"{KEY_PREFIX}:*") == []
        await other.learn(endpoint, Pacing(None, 5.0))
        # Known unpaced a moment ago: no round trip, so the pause is not seen yet ...
        assert await this.waits([claimed_stub(endpoint, cap=None)]) == [0.0]
        await asyncio.sleep(UNPACED_CACHE_SECONDS + 0.05)
        # ... and is seen once that moment has passed.
        [paused] = await this.waits([claimed_stub(endpoint, cap=None)])
        assert 4.5 <= paused <= 5.0
    finally:
        await this.close()
        await other.close()


async def test_without_redis_deliveries_go_unpaced_and_it_is_logged_once(
    log_lines: io.StringIO,
) -> None:
    pacer = Pacer.connect(f"redis://127.0.0.1:{free_port()}/0")
    try:
        endpoint = uuid.uuid4()
        assert await pacer.waits([claimed_stub(endpoint, cap=1)] * 3) == [0.0, 0.0, 0.0]
        await pacer.learn(endpoint, Pacing(1.0, 10.0))
        await asyncio.sleep(1.1)
        assert await pacer.waits([claimed_stub(endpoint, cap=1)]) == [0.0]
    finally:
        await pacer.close()
    warnings = [line for line in parsed(log_lines) if "pacing unavailable" in line["message"]]
    assert len(warnings) == 1


async def test_with_redis_down_a_capped_endpoint_is_delivered_unpaced(
    db: Database, database_url: str, tenant_keys: Keys, receiver: Receiver, log_lines: io.StringIO
) -> None:
    with own_redis() as server:
        settings = delivery_settings(database_url, server.url)
        endpoint, _ = await make_endpoint(
            db, settings, tenant_keys.tenant, receiver.script("/unpaced", Answer(200))
        )
        await set_cap(db, endpoint.id, 1)
        await record_events(db, tenant_keys.tenant, 8, "report.created")
        await relay_all(db)
        server.stop()
        async with running_loop(settings, server.url):
            requests = await receiver.wait_for("/unpaced", 8, timeout=30)
            await wait_until_settled(db, 8)
    times = sorted(r.at for r in requests)
    assert times[-1] - times[0] < 3  # paced at 1/s, they would take 7 s
    rows = await all_deliveries(db)
    assert {(row.status, row.attempts) for row in rows} == {("delivered", 1)}
    warnings = [line for line in parsed(log_lines) if "pacing unavailable" in line["message"]]
    assert len(warnings) == 1


async def test_a_deferred_delivery_gets_its_attempt_back(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    await make_endpoint(db, settings, tenant_keys.tenant, "http://127.0.0.1:9/hook")
    await record_events(db, tenant_keys.tenant, 1, "report.created")
    [delivery_id] = await relay_all(db)
    [claimed] = await claim_deliveries(db, settings, limit=1, holder=7)
    assert claimed.attempts == 1
    before = utc_now()
    assert await defer_deliveries(db, [(claimed, 30.0)]) == {delivery_id}
    row = await delivery(db, delivery_id)
    assert (row.status, row.attempts, row.schedule_step, row.lease_holder) == (
        "pending",
        0,
        0,
        None,
    )
    assert row.next_attempt_at is not None
    assert (
        before + timedelta(seconds=29) <= row.next_attempt_at <= utc_now() + timedelta(seconds=31)
    )
    # A second give-back of the same claim changes nothing.
    assert await defer_deliveries(db, [(claimed, 30.0)]) == set()
    assert await claim_deliveries(db, settings, limit=1, holder=7) == []
