"""`Database.reading`: a pooled connection for reads, in no transaction, always given back."""

from __future__ import annotations

import pytest
from sqlalchemy.pool import QueuePool

from app.core import json_codec
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
