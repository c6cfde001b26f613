"""A batch written in one statement, outside any transaction: the relay is nudged once per write
that recorded events, after it committed; a connection lost while the statement runs is a 503,
and the pool replaces the connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from app.outbox.events import EventOrigin
from app.outbox.service import EventsRecorded
from app.reports import service as reports
from app.reports.schemas import ReportIn
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.factories import Keys
from tests.reports.helpers import REPORTS, batch, count_reports, item, outbox_events

URL = REPORTS.format("acme")
# The statement of a write waiting for a report's lock.
_WAITING_WRITE = text(
    "SELECT pid FROM pg_stat_activity "
    "WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT * FROM upsert_reports(%'"
)


@pytest.fixture
async def nudged(db: Database, database_url: str) -> AsyncIterator[tuple[Database, list[int]]]:
    """A database whose relay nudges are counted: the number of signals of each handler call."""
    database = Database.connect(database_url, pool_size=2)
    calls: list[int] = []
    database.on_commit(EventsRecorded, lambda signals: calls.append(len(signals)))
    try:
        yield database, calls
    finally:
        await database.dispose()


def items(*fields: dict[str, str]) -> list[ReportIn]:
    return [ReportIn.model_validate(item(f"r{n}", **f)) for n, f in enumerate(fields)]


async def test_the_relay_is_nudged_once_per_write_that_recorded_events(
    nudged: tuple[Database, list[int]], tenant_keys: Keys
) -> None:
    database, calls = nudged
    tenant_id = tenant_keys.tenant.id

    async def write(*fields: dict[str, str]) -> None:
        await reports.upsert_batch(
            database, tenant_id=tenant_id, items=items(*fields), origin=EventOrigin(None)
        )

    await write({}, {"publishedAt": "2026-11-01T10:00:00Z"})  # two created, one published
    assert calls == [1]
    await write({}, {"publishedAt": "2026-11-01T10:00:00Z"})  # unchanged
    assert calls == [1]
    await write({"title": "new"}, {"publishedAt": "2026-11-01T10:00:00Z"})  # one updated
    assert calls == [1, 1]
    # In a unit of work, the same call joins the transaction, and the nudge waits for its commit.
    async with database.unit_of_work() as session:
        await reports.upsert_batch(
            session, tenant_id=tenant_id, items=items({"title": "newer"}), origin=EventOrigin(None)
        )
        assert calls == [1, 1]
    assert calls == [1, 1, 1]
    assert len(await outbox_events(database)) == 5


async def test_a_connection_lost_during_the_write_is_503_and_replaced(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await client.get(URL, headers=tenant_keys.headers)  # the key is verified and cached
    async with db.unit_of_work() as session:
        await reports.upsert_batch(
            session, tenant_id=tenant_keys.tenant.id, items=items({}), origin=EventOrigin(None)
        )
        # The write waits for the lock the test's transaction holds, inside its statement.
        write = asyncio.create_task(
            client.post(URL, json=batch(item("r0", title="second")), headers=tenant_keys.headers)
        )
        async with asyncio.timeout(10):
            while not (pids := list(await session.scalars(_WAITING_WRITE))):
                # A transaction sees pg_stat_activity as it was at its first look, until cleared.
                await session.execute(text("SELECT pg_stat_clear_snapshot()"))
                await asyncio.sleep(0.05)
        await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pids[0]})
        response = await write
    assert_error(response, 503, "service_unavailable")
    assert int(response.headers["retry-after"]) >= 1
    again = await client.post(
        URL, json=batch(item("r0", title="second")), headers=tenant_keys.headers
    )
    assert again.status_code == 200, again.text
    assert again.json()["data"][0]["result"] == "updated"
    assert await count_reports(db) == 1
    assert [e.event_type for e in await outbox_events(db)] == ["report.created", "report.updated"]
