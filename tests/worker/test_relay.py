"""The outbox relay: one delivery per matching endpoint (skipped for a disabled one), each event
relayed once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select, update

from app.core.config import Settings
from app.core.time import utc_now
from app.outbox.relay import backlog, relay_batch
from db.models.outbox_event import OutboxEvent
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from jobs.relay import OutboxRelay
from tests.factories import Keys, make_endpoint
from tests.worker.helpers import all_deliveries, record_event, relay

URL = "https://hooks.example.com/{}"


async def test_fan_out_follows_event_types_tenant_and_enabled(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    acme = tenant_keys.tenant
    every, _ = await make_endpoint(db, settings, acme, URL.format("all"))
    reports, _ = await make_endpoint(
        db, settings, acme, URL.format("r"), event_types=["report.created"]
    )
    await make_endpoint(
        db, settings, acme, URL.format("runs"), event_types=["automation_run.failed"]
    )
    off, _ = await make_endpoint(db, settings, acme, URL.format("off"), enabled=False)
    await make_endpoint(db, settings, tenant_keys.other_tenant, URL.format("other"))
    created = await record_event(db, acme, "report.created")
    updated = await record_event(db, acme, "report.updated")
    due = await relay(db)
    assert len(due) == 3
    rows = await all_deliveries(db)
    pending = {(d.endpoint_id, d.event_id) for d in rows if d.status == "pending"}
    assert pending == {(every.id, created), (every.id, updated), (reports.id, created)}
    assert {d.id for d in rows if d.status == "pending"} == set(due)
    skipped = {(d.endpoint_id, d.event_id) for d in rows if d.status == "skipped"}
    assert skipped == {(off.id, created), (off.id, updated)}
    for row in rows:
        assert (row.attempts, row.tenant_id) == (0, acme.id)
        if row.status == "pending":
            assert row.next_attempt_at is not None
        else:
            assert (row.next_attempt_at, row.last_error) == (None, "endpoint disabled")
    async with db.unit_of_work() as session:
        events = list(await session.scalars(select(OutboxEvent)))
    assert all(event.relayed_at is not None for event in events)
    assert await relay(db) == []


async def test_events_before_an_endpoint_existed_or_was_re_enabled_are_not_sent_to_it(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    await record_event(db, tenant_keys.tenant)
    await make_endpoint(db, settings, tenant_keys.tenant, URL.format("late"))
    assert await relay(db) == []
    assert await all_deliveries(db) == []  # nothing at all for an event before it existed
    reenabled, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL.format("re"))
    async with db.unit_of_work() as session:
        await session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == reenabled.id)
            .values(enabled_since=utc_now() + timedelta(seconds=5))
        )
    event_id = await record_event(db, tenant_keys.tenant)
    assert len(await relay(db)) == 1  # only the endpoint enabled throughout
    [skipped] = [row for row in await all_deliveries(db) if row.status == "skipped"]
    assert (skipped.endpoint_id, skipped.event_id) == (reenabled.id, event_id)


async def test_concurrent_relays_take_each_event_once(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    await make_endpoint(db, settings, tenant_keys.tenant, URL.format("all"))
    for _ in range(30):
        await record_event(db, tenant_keys.tenant)

    async def one_relay() -> int:
        async with db.unit_of_work() as session:
            count, _ = await relay_batch(session, limit=10)
            await asyncio.sleep(0.05)
        return count

    counts = await asyncio.gather(*[one_relay() for _ in range(3)])
    assert sorted(counts) == [10, 10, 10]
    assert len(await all_deliveries(db)) == 30


async def test_backlog_counts_unrelayed_events(db: Database, tenant_keys: Keys) -> None:
    async with db.unit_of_work() as session:
        assert await backlog(session) == (0, 0.0)
    await record_event(db, tenant_keys.tenant)
    async with db.unit_of_work() as session:
        count, age = await backlog(session)
    assert count == 1
    assert age >= 0


async def test_a_relay_is_one_statement_committed_on_its_own(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    await make_endpoint(db, settings, tenant_keys.tenant, URL.format("all"))
    await record_event(db, tenant_keys.tenant)
    autocommitted: list[bool] = []
    woken: list[bool] = []

    def note(connection: Any, *_: Any) -> None:
        autocommitted.append(connection.connection.dbapi_connection.autocommit)

    event.listen(db.engine.sync_engine, "before_cursor_execute", note)
    try:
        relayed = await OutboxRelay(db, on_deliveries=lambda: woken.append(True)).run()
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", note)
    assert relayed == 1
    assert autocommitted == [True]  # no session, no BEGIN or COMMIT around it
    assert woken == [True]
    assert len(await all_deliveries(db)) == 1
