"""The migrations and the models agree, and the migration runs both ways."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from db.create_database import recreate_database
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
    await recreate_database(url)
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


async def test_migrate_leaves_a_schema_from_a_newer_release_alone(
    database_url: str, cli_env: dict[str, str]
) -> None:
    """A rollback runs the older release's pre-deploy `aetherflow migrate` against a database
    a newer release migrated: it must succeed without touching it (docs/MIGRATIONS.md)."""
    url = database_url + "_ahead"
    await recreate_database(url)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE alembic_version (version_num text)"))
            await connection.execute(text("INSERT INTO alembic_version VALUES ('9999_newer')"))
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "app.cli", "migrate"],
            env={**cli_env, "DATABASE_URL": url.replace("+asyncpg", "")},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        async with engine.connect() as connection:
            tables = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
            revision = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()
    assert (result.returncode, result.stdout) == (
        0,
        f"database at revision 9999_newer, newer than this code's {head_revision()}: "
        "left as it is\n",
    )
    assert (tables, revision) == ({"alembic_version"}, "9999_newer")
