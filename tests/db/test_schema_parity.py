"""The models create the schema the migrations create, as PostgreSQL prints it: columns with
their defaults, constraints (CHECKs included) and indexes (partial ones included), which
Alembic's comparison does not look at."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from db.create_database import recreate_database
from db.metadata import metadata
from db.session import Database

_COLUMNS = text(
    "SELECT table_name, column_name, data_type, column_default, is_nullable "
    "FROM information_schema.columns WHERE table_schema = 'public' "
    "AND table_name <> 'alembic_version' ORDER BY 1, 2"
)
_CONSTRAINTS = text(
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE connamespace = 'public'::regnamespace "
    "AND conrelid::regclass::text <> 'alembic_version' ORDER BY 1, 2"
)
_INDEXES = text(
    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
    "AND tablename <> 'alembic_version' ORDER BY 1, 2"
)


async def _schema(connection: AsyncConnection) -> dict[str, list[tuple[object, ...]]]:
    return {
        name: [tuple(row) for row in await connection.execute(query)]
        for name, query in (
            ("columns", _COLUMNS),
            ("constraints", _CONSTRAINTS),
            ("indexes", _INDEXES),
        )
    }


async def test_models_create_the_migrated_schema(
    migrated_database: Database, database_url: str
) -> None:
    url = database_url + "_models"
    await recreate_database(url)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        async with engine.connect() as connection:
            from_models = await _schema(connection)
    finally:
        await engine.dispose()
    async with migrated_database.engine.connect() as connection:
        migrated = await _schema(connection)
    assert from_models["constraints"]
    assert from_models == migrated
