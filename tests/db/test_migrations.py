"""The migrations and the models agree, and the migration runs both ways."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from db.create_database import ensure_database
from db.metadata import metadata
from db.migrate import downgrade_to_base, head_revision, upgrade_to_head
from db.session import Database


async def test_models_and_migrations_agree(migrated_database: Database) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with migrated_database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_upgrade_downgrade_upgrade_round_trip(database_url: str) -> None:
    url = database_url + "_roundtrip"
    await ensure_database(url)
    engine = create_async_engine(url)

    async def tables() -> set[str]:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))

    try:
        await asyncio.to_thread(upgrade_to_head, url)
        assert {table.name for table in metadata.sorted_tables} <= await tables()
        await asyncio.to_thread(downgrade_to_base, url)
        assert await tables() == {"alembic_version"}
        await asyncio.to_thread(upgrade_to_head, url)
        async with engine.connect() as connection:
            revision = await connection.scalar(text("SELECT version_num FROM alembic_version"))
        assert revision == head_revision()
    finally:
        await engine.dispose()
