"""Crash detection in PostgreSQL: a worker's liveness lock, leases that name their holder, and
the release of leases whose holder is gone (once, however many workers look)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy import insert, select, text, update

from app.automation_runs import repository as runs
from app.core.config import Settings
from app.core.time import utc_now
from app.webhooks import delivery_repository as deliveries
from app.webhooks.delivery import attempt_delivery
from app.webhooks.sender import ClientPool
from db.leases import LIVENESS_NAMESPACE
from db.models.automation_run import AutomationRun
from db.models.webhook_delivery import WebhookDelivery
from db.session import Database
from jobs.liveness import LivenessLock
from tests.factories import Keys, make_delivery, make_endpoint
from tests.receiver import Answer, Receiver
from tests.worker.helpers import delivery, delivery_settings, record_event, relay

URL = "https://hooks.example.com/a"


@asynccontextmanager
async def liveness_lock(database_url: str) -> AsyncIterator[LivenessLock]:
    """A worker's liveness lock, held until the block ends (as when its process exits)."""
    lock = LivenessLock()
    keeper = await lock.start(database_url)
    try:
        yield lock
    finally:
        keeper.cancel()
        await asyncio.gather(keeper, return_exceptions=True)


async def lock_holders(db: Database) -> dict[int, int]:
    """Liveness lock ids held in this database, with the server process holding each."""
    async with db.unit_of_work() as session:
        rows = await session.execute(
            text(
                "SELECT objid::bigint, pid FROM pg_locks WHERE locktype = 'advisory' "
                "AND classid = :namespace AND objsubid = 2 AND granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"namespace": LIVENESS_NAMESPACE},
        )
        return {int(holder): int(pid) for holder, pid in rows}


async def wait_for(db: Database, condition: object, timeout: float = 30) -> dict[int, int]:
    """Poll the held locks until `condition(holders)` is true; the holders then."""
    assert callable(condition)
    async with asyncio.timeout(timeout):
        while not condition(holders := await lock_holders(db)):
            await asyncio.sleep(0.05)
    return holders


async def lease(
    db: Database, model: type[WebhookDelivery | AutomationRun], row_id: uuid.UUID, holder: int
) -> None:
    """Lease a row to `holder` for two minutes, as a claim does."""
    async with db.unit_of_work() as session:
        await session.execute(
            update(model)
            .where(model.id == row_id)
            .values(lease_holder=holder, next_attempt_at=utc_now() + timedelta(minutes=2))
        )


async def test_the_lock_is_held_while_the_worker_lives(db: Database, database_url: str) -> None:
    async with liveness_lock(database_url) as lock:
        assert lock.holder is not None
        assert lock.holder in await lock_holders(db)
        holder = lock.holder
    assert lock.holder is None
    await wait_for(db, lambda holders: holder not in holders)


async def test_a_broken_lock_connection_is_replaced_with_the_same_id(
    db: Database, database_url: str
) -> None:
    async with liveness_lock(database_url) as lock:
        holder = lock.holder
        assert holder is not None
        old_pid = (await lock_holders(db))[holder]
        async with db.unit_of_work() as session:
            await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": old_pid})
        await wait_for(db, lambda holders: holders.get(holder, old_pid) != old_pid)
        assert lock.holder == holder


async def test_leases_of_a_stopped_worker_are_released_once(
    db: Database, database_url: str, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    ids = [await make_delivery(db, endpoint, tenant_keys.tenant) for _ in range(6)]
    async with liveness_lock(database_url) as stopped:
        assert stopped.holder is not None
        for delivery_id in ids[:3]:
            await lease(db, WebhookDelivery, delivery_id, stopped.holder)
    async with liveness_lock(database_url) as alive:
        alive_holder = alive.holder
        assert alive_holder is not None
        for delivery_id in ids[3:]:
            await lease(db, WebhookDelivery, delivery_id, alive_holder)
        await wait_for(db, lambda holders: set(holders) == {alive_holder})

        async def recover() -> list[uuid.UUID]:
            async with db.unit_of_work() as session:
                return await deliveries.release_dead_leases(session, limit=100)

        released = await asyncio.gather(*[recover() for _ in range(4)])
        rows = {delivery_id: await delivery(db, delivery_id) for delivery_id in ids}
    assert sorted(id_ for batch in released for id_ in batch) == sorted(ids[:3])
    now = utc_now()
    for row in (rows[delivery_id] for delivery_id in ids[:3]):
        assert row.lease_holder is None
        assert row.next_attempt_at is not None
        assert row.next_attempt_at <= now
    for row in (rows[delivery_id] for delivery_id in ids[3:]):
        assert row.lease_holder == alive_holder
        assert row.next_attempt_at is not None
        assert row.next_attempt_at > now + timedelta(minutes=1)


async def test_a_run_moved_on_by_its_callback_is_not_dispatched_again(
    db: Database, database_url: str, tenant_keys: Keys
) -> None:
    async with db.unit_of_work() as session:
        queued, called_back = await session.scalars(
            insert(AutomationRun).returning(AutomationRun.id, sort_by_parameter_order=True),
            [
                {
                    "tenant_id": tenant_keys.tenant.id,
                    "flow_id": "f",
                    "provider": "activepieces",
                    "status": status,
                    "correlation_id": status,
                    "input": {},
                }
                for status in ("queued", "running")
            ],
        )
    async with liveness_lock(database_url) as stopped:
        stopped_holder = stopped.holder
        assert stopped_holder is not None
        await lease(db, AutomationRun, queued, stopped_holder)
        await lease(db, AutomationRun, called_back, stopped_holder)
    async with db.unit_of_work() as session:
        # The `running` callback ends the dispatch's schedule.
        await session.execute(
            update(AutomationRun)
            .where(AutomationRun.id == called_back)
            .values(next_attempt_at=None)
        )
    await wait_for(db, lambda holders: stopped_holder not in holders)
    async with db.unit_of_work() as session:
        assert await runs.release_dead_leases(session, limit=100) == [queued]
        rows = {run.id: run for run in await session.scalars(select(AutomationRun))}
    made_due, left = rows[queued], rows[called_back]
    assert made_due.lease_holder is None
    assert made_due.next_attempt_at is not None
    assert made_due.next_attempt_at <= utc_now()
    assert (left.status, left.lease_holder, left.next_attempt_at) == ("running", None, None)


async def test_an_attempt_leases_its_delivery_to_its_worker_for_twice_the_timeout(
    db: Database,
    database_url: str,
    redis_url: str,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
) -> None:
    settings = delivery_settings(database_url, redis_url, webhook_timeout_seconds=20)
    url = receiver.script("/hook", Answer(200, delay=1))
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    await record_event(db, tenant_keys.tenant)
    [delivery_id] = await relay(db)
    attempt = asyncio.create_task(attempt_delivery(db, clients, settings, delivery_id, holder=4242))
    await receiver.wait_for("/hook", 1)
    during = await delivery(db, delivery_id)
    report = await attempt
    assert report is not None
    assert report.status == "delivered"
    assert during.lease_holder == 4242
    assert during.next_attempt_at is not None
    assert 30 < (during.next_attempt_at - utc_now()).total_seconds() <= 40
    after = await delivery(db, delivery_id)
    assert (after.status, after.lease_holder) == ("delivered", None)


async def test_a_delivery_leased_to_no_one_is_left_to_its_lease(
    db: Database, database_url: str, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    delivery_id = await make_delivery(db, endpoint, tenant_keys.tenant)
    async with db.unit_of_work() as session:
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(next_attempt_at=utc_now() + timedelta(minutes=2))
        )
        assert await deliveries.release_dead_leases(session, limit=100) == []
