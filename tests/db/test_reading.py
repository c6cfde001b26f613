"""`Database.reading`: a pooled connection for reads, in no transaction, always given back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from app.core import json_codec
from app.core.outages import is_outage
from db.session import Database, fetch_rows


def checked_out(db: Database) -> int:
    pool = db.engine.pool
    assert isinstance(pool, QueuePool)
    return pool.checkedout()


async def test_each_read_is_its_own_transaction(db: Database) -> None:
    async with db.reading() as connection:
        [[first]] = await fetch_rows(connection, "SELECT transaction_timestamp()")
        [[second]] = await fetch_rows(connection, "SELECT transaction_timestamp()")
    assert first < second


async def test_the_connection_goes_back_to_the_pool(db: Database) -> None:
    before = checked_out(db)
    async with db.reading() as connection:
        await fetch_rows(connection, "SELECT 1")
        assert checked_out(db) == before + 1
    assert checked_out(db) == before
    with pytest.raises(ZeroDivisionError):
        await read_then_fail(db)
    assert checked_out(db) == before


async def read_then_fail(db: Database) -> None:
    async with db.reading() as connection:
        await fetch_rows(connection, "SELECT 1")
        raise ZeroDivisionError


async def test_jsonb_reads_and_writes_exactly(db: Database) -> None:
    document = {"big": 2**70, "text": "é\u2028✓", "list": [1, 2.5, None, True]}
    async with db.reading() as connection:
        [[read, text]] = await fetch_rows(
            connection, "SELECT $1::jsonb, $1::jsonb::text", json_codec.dumps_text(document)
        )
    assert read == document
    assert json_codec.loads(text) == document


@pytest.fixture
async def one_connection(database_url: str) -> AsyncIterator[Database]:
    """A database whose pool holds a single connection, so each read gets that one."""
    database = Database.connect(database_url, pool_size=1)
    try:
        yield database
    finally:
        await database.dispose()


async def backend_pid(db: Database) -> int:
    async with db.reading() as connection:
        [[pid]] = await fetch_rows(connection, "SELECT pg_backend_pid()")
    assert isinstance(pid, int)
    return pid


async def test_a_statement_error_is_sqlalchemys_and_keeps_the_connection(
    one_connection: Database,
) -> None:
    before = await backend_pid(one_connection)
    with pytest.raises(DBAPIError) as raised:
        async with one_connection.reading() as connection:
            await fetch_rows(connection, "SELECT 1 / $1::int", 0)
    assert getattr(raised.value.orig, "sqlstate", None) == "22012"  # division_by_zero
    assert not raised.value.connection_invalidated
    assert not is_outage(raised.value)
    assert await backend_pid(one_connection) == before


async def test_a_connection_the_server_closed_is_an_outage_and_replaced(
    one_connection: Database, db: Database
) -> None:
    before = await backend_pid(one_connection)
    async with db.unit_of_work() as session:
        await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": before})
    with pytest.raises(DBAPIError) as raised:
        async with one_connection.reading() as connection:
            await fetch_rows(connection, "SELECT 1")
    assert raised.value.connection_invalidated
    assert is_outage(raised.value)
    assert checked_out(one_connection) == 0
    assert await backend_pid(one_connection) != before


async def test_reads_are_announced_to_the_engines_listeners(db: Database) -> None:
    seen: list[str] = []

    def record(*arguments: object) -> None:
        seen.append(str(arguments[2]))

    event_target = db.engine.sync_engine
    event.listen(event_target, "before_cursor_execute", record)
    try:
        async with db.reading() as connection:
            await fetch_rows(connection, "SELECT 2")
    finally:
        event.remove(event_target, "before_cursor_execute", record)
    assert seen == ["SELECT 2"]
