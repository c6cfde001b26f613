"""Deliveries a batch at a time: one statement claims a batch, one records its outcomes, one
relays a batch of events; the worker's delivery loop keeps no more than its slots in flight."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import event, func, select, text, update

from app.bootstrap import Runtime
from app.core.config import Settings
from app.core.queue import create_broker
from app.outbox.relay import relay_batch
from app.webhooks.delivery import (
    claim_deliveries,
    delivery_loop_database,
    record_and_claim,
    record_attempts,
    send,
)
from app.webhooks.secrets import SecretBox, generate_secret
from app.webhooks.sender import ClientPool
from db.models.webhook_delivery import WebhookDelivery
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from jobs.deliveries import DeliveryLoop
from tests.benchmarks.engine_probe import statement_counter
from tests.factories import Keys, make_endpoint
from tests.receiver import Answer, Receiver
from tests.worker.helpers import (
    all_deliveries,
    delivery,
    delivery_settings,
    record_event,
    relay,
)

BATCH = 8


async def pending_deliveries(
    db: Database, settings: Settings, tenant_keys: Keys, url: str, events: int
) -> list[uuid.UUID]:
    """`events` events recorded for one endpoint at `url`, relayed: one delivery each."""
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    for _ in range(events):
        await record_event(db, tenant_keys.tenant)
    return await relay(db)


@asynccontextmanager
async def running_loop(settings: Settings, redis_url: str) -> AsyncIterator[DeliveryLoop]:
    """A delivery loop started and woken; stopped (its attempts drained) on the way out."""
    broker = create_broker(redis_url)
    runtime = await Runtime.start(settings, broker=broker)
    loop = DeliveryLoop(runtime, holder=lambda: None)
    try:
        loop.start()
        loop.wake()
        yield loop
        await loop.stop(drain_seconds=10)
    finally:
        await runtime.close()
        await broker.shutdown()


async def test_a_batch_is_claimed_with_one_statement_and_recorded_with_one(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, clients: ClientPool
) -> None:
    url = receiver.script("/hook", Answer(200))
    assert len(await pending_deliveries(db, settings, tenant_keys, url, BATCH)) == BATCH
    with statement_counter() as counted:
        claimed = await claim_deliveries(db, settings, limit=BATCH, holder=7)
        assert counted() == 1
        attempts = await asyncio.gather(*[send(clients, settings, d) for d in claimed])
        assert counted() == 1
        reports = (await record_attempts(db, settings, attempts)).reports
        assert counted() == 2
    assert len(claimed) == BATCH
    assert {report.status for report in reports} == {"delivered"}
    assert len(receiver.at("/hook")) == BATCH
    outcomes = {(row.status, row.attempts, row.lease_holder) for row in await all_deliveries(db)}
    assert outcomes == {("delivered", 1, None)}


async def test_one_statement_records_a_batch_and_claims_the_next(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, clients: ClientPool
) -> None:
    await pending_deliveries(
        db, settings, tenant_keys, receiver.script("/hook", Answer(200)), BATCH
    )
    first = await claim_deliveries(db, settings, limit=BATCH // 2, holder=7)
    attempts = await asyncio.gather(*[send(clients, settings, d) for d in first])
    with statement_counter() as counted:
        recorded, second = await record_and_claim(db, settings, attempts, limit=BATCH, holder=7)
    assert counted() == 1
    assert {report.status for report in recorded.reports} == {"delivered"}
    assert len(second) == BATCH // 2
    assert {d.id for d in second}.isdisjoint({d.id for d in first})
    rows = {row.id: row for row in await all_deliveries(db)}
    assert {rows[d.id].status for d in first} == {"delivered"}
    assert {(rows[d.id].status, rows[d.id].lease_holder) for d in second} == {("pending", 7)}
    # Nothing left to claim: the statement still records, and says none was claimed.
    attempts = await asyncio.gather(*[send(clients, settings, d) for d in second])
    recorded, third = await record_and_claim(db, settings, attempts, limit=BATCH, holder=7)
    assert (len(recorded.reports), third) == (BATCH // 2, [])
    assert {row.status for row in await all_deliveries(db)} == {"delivered"}


async def test_the_claim_beside_a_record_leaves_the_deliveries_being_recorded(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, clients: ClientPool
) -> None:
    await make_endpoint(db, settings, tenant_keys.tenant, receiver.script("/hook", Answer(200)))
    await record_event(db, tenant_keys.tenant)
    await relay(db)
    [claimed] = await claim_deliveries(db, settings, limit=1, holder=None)
    attempted = await send(clients, settings, claimed)
    async with db.unit_of_work() as session:  # its lease ended while the attempt ran
        await session.execute(update(WebhookDelivery).values(next_attempt_at=func.now()))
    recorded, again = await record_and_claim(db, settings, [attempted], limit=1, holder=None)
    assert again == []
    assert [report.status for report in recorded.reports] == ["delivered"]
    [row] = await all_deliveries(db)
    assert (row.status, row.attempts) == ("delivered", 1)


async def test_the_loop_plans_its_statements_once(settings: Settings) -> None:
    loop_db = delivery_loop_database(settings, connections=1)
    try:
        async with loop_db.engine.connect() as connection:
            mode = await connection.scalar(text("SHOW plan_cache_mode"))
    finally:
        await loop_db.dispose()
    assert mode == "force_generic_plan"


async def test_the_loop_sends_statements_compiled_once_each_committing_on_its_own(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, clients: ClientPool
) -> None:
    url = receiver.script("/hook", Answer(200))
    await pending_deliveries(db, settings, tenant_keys, url, 2)
    loop_db = delivery_loop_database(settings, connections=1)
    sent: list[tuple[str, bool, bool]] = []

    def note(connection: Any, _: Any, statement: str, __: Any, context: Any, ___: Any) -> None:
        autocommit = connection.connection.dbapi_connection.autocommit
        sent.append((statement, context.compiled is None, autocommit))

    event.listen(loop_db.engine.sync_engine, "before_cursor_execute", note)
    try:
        [first] = await claim_deliveries(loop_db, settings, limit=1, holder=7)
        attempted = await send(clients, settings, first)
        _, [second] = await record_and_claim(loop_db, settings, [attempted], limit=1, holder=7)
        await record_attempts(loop_db, settings, [await send(clients, settings, second)])
        with pytest.raises(AssertionError):
            async with loop_db.unit_of_work():
                pass
    finally:
        await loop_db.dispose()
    # Sent as the driver's SQL ($1, ...), no SQLAlchemy compilation, never inside BEGIN/COMMIT.
    assert [(driver_sql, autocommit) for _, driver_sql, autocommit in sent] == [(True, True)] * 3
    assert all("$1" in statement and ":ids" not in statement for statement, _, _ in sent)
    assert {row.status for row in await all_deliveries(db)} == {"delivered"}


async def test_one_record_statement_writes_different_outcomes(
    db: Database,
    database_url: str,
    redis_url: str,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
) -> None:
    settings = delivery_settings(database_url, redis_url, webhook_retry_schedule=[0, 60])
    answers = {"/ok": Answer(201), "/later": Answer(503, body=b"busy"), "/gone": Answer(410)}
    for path, answer in answers.items():
        await make_endpoint(db, settings, tenant_keys.tenant, receiver.script(path, answer))
    await record_event(db, tenant_keys.tenant)
    await relay(db)
    claimed = await claim_deliveries(db, settings, limit=BATCH, holder=None)
    with statement_counter() as counted:
        await record_attempts(db, settings, [await send(clients, settings, d) for d in claimed])
    assert counted() == 1
    paths = {delivery.id: delivery.url.rsplit("/", 1)[1] for delivery in claimed}
    by_path = {paths[row.id]: row for row in await all_deliveries(db)}
    ok, later, gone = by_path["ok"], by_path["later"], by_path["gone"]
    assert (ok.status, ok.last_status_code, ok.next_attempt_at) == ("delivered", 201, None)
    assert ok.delivered_at is not None
    assert (later.status, later.last_status_code, later.last_error) == ("pending", 503, "HTTP 503")
    assert later.last_response_body == "busy"
    assert later.next_attempt_at is not None
    assert later.delivered_at is None
    assert (gone.status, gone.last_status_code, gone.next_attempt_at) == ("dead", 410, None)


async def test_concurrent_claims_take_each_delivery_once(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    await pending_deliveries(db, settings, tenant_keys, "https://hooks.example.com/a", BATCH)
    batches = await asyncio.gather(
        *[claim_deliveries(db, settings, limit=3, holder=None) for _ in range(4)]
    )
    claimed = [delivery.id for batch in batches for delivery in batch]
    assert len(claimed) == len(set(claimed)) == BATCH
    assert await claim_deliveries(db, settings, limit=3, holder=None) == []


async def test_a_batch_of_events_is_relayed_with_one_statement(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    for path in ("a", "b"):
        await make_endpoint(db, settings, tenant_keys.tenant, f"https://hooks.example.com/{path}")
    for _ in range(BATCH):
        await record_event(db, tenant_keys.tenant)
    with statement_counter() as counted:
        async with db.unit_of_work() as session:
            count, delivery_ids = await relay_batch(session)
    assert counted() == 1
    assert (count, len(delivery_ids)) == (BATCH, 2 * BATCH)


async def test_the_delivery_loop_keeps_at_most_its_slots_in_flight(
    db: Database, database_url: str, redis_url: str, tenant_keys: Keys, receiver: Receiver
) -> None:
    slots, events, delay = 4, 12, 0.5
    settings = delivery_settings(database_url, redis_url, worker_concurrency=slots)
    url = receiver.script("/hook", Answer(200, delay=delay))
    await pending_deliveries(db, settings, tenant_keys, url, events)
    with statement_counter() as counted:
        async with running_loop(settings, redis_url):
            requests = await receiver.wait_for("/hook", events)
    arrivals = sorted(request.at for request in requests)
    # Requests are answered `delay` after they arrive: those arriving closer together than
    # that were in flight together.
    together = [sum(1 for t in arrivals if first <= t < first + delay * 0.8) for first in arrivals]
    assert max(together) <= slots
    rows = await all_deliveries(db)
    assert {(row.status, row.attempts) for row in rows} == {("delivered", 1)}
    # Fewer than a claim and a record per delivery (polls that found nothing included).
    assert counted() < 2 * events


async def test_an_attempt_that_fails_on_our_side_is_recorded_and_retried(
    db: Database, database_url: str, redis_url: str, tenant_keys: Keys, receiver: Receiver
) -> None:
    settings = delivery_settings(database_url, redis_url, webhook_retry_schedule=[0, 60])
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, receiver.url("/hook"))
    unknown_key = SecretBox([Fernet.generate_key().decode()])
    async with db.unit_of_work() as session:
        await session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint.id)
            .values(secret_encrypted=unknown_key.encrypt(generate_secret()))
        )
    await record_event(db, tenant_keys.tenant)
    [delivery_id] = await relay(db)
    async with running_loop(settings, redis_url), asyncio.timeout(30):
        while (row := await delivery(db, delivery_id)).last_error is None:
            await asyncio.sleep(0.05)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error == "internal error: InvalidToken"
    assert row.lease_holder is None
    assert receiver.received == []


async def test_new_destinations_opened_at_once_past_the_bound_each_get_a_client(
    receiver: Receiver,
) -> None:
    url = receiver.script("/pool", *[Answer(200)] * 5)
    pool = ClientPool(max_destinations=2)
    try:
        # Two destinations (one address, two server names) fill the bound, each keeping its
        # connection open, so closing one takes an await.
        for name in ("a", "b"):
            async with pool.client((url, name)) as client:
                assert (await client.request("POST", url, content=b"{}")).status == 200

        async def use(name: str) -> int:
            async with pool.client((url, name)) as client:
                return (await client.request("POST", url, content=b"{}")).status

        # Each new destination closes an idle one while the others are being opened.
        assert await asyncio.gather(*(use(name) for name in ("c", "d", "e"))) == [200] * 3
    finally:
        await pool.aclose()


async def test_an_outcome_is_recorded_while_another_batch_waits_on_its_statement(
    db: Database, database_url: str, redis_url: str, tenant_keys: Keys, receiver: Receiver
) -> None:
    settings = delivery_settings(database_url, redis_url, worker_concurrency=2)
    quick, _ = await make_endpoint(
        db, settings, tenant_keys.tenant, receiver.script("/quick", Answer(200, delay=0.2))
    )
    await make_endpoint(
        db, settings, tenant_keys.tenant, receiver.script("/slow", Answer(200, delay=0.6))
    )
    await record_event(db, tenant_keys.tenant)
    await relay(db)
    by_endpoint = {row.endpoint_id: row.id for row in await all_deliveries(db)}
    quick_id = by_endpoint.pop(quick.id)
    [slow_id] = by_endpoint.values()
    async with running_loop(settings, redis_url):
        await receiver.wait_for("/quick", 1)
        await receiver.wait_for("/slow", 1)
        # The quick outcome's record waits on this row lock; the slow one's must not wait.
        async with db.engine.connect() as locker, locker.begin():
            await locker.execute(
                select(WebhookDelivery.id).where(WebhookDelivery.id == quick_id).with_for_update()
            )
            async with asyncio.timeout(10):
                while (await delivery(db, slow_id)).status != "delivered":
                    await asyncio.sleep(0.05)
            assert (await delivery(db, quick_id)).status == "pending"
        async with asyncio.timeout(10):
            while (await delivery(db, quick_id)).status != "delivered":
                await asyncio.sleep(0.05)
