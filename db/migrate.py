"""Alembic, driven from code: `aetherflow migrate`, the readiness check and the tests."""

from __future__ import annotations

import asyncio
from enum import Enum
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(sqlalchemy_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["sqlalchemy_url"] = sqlalchemy_url
    return config


def upgrade_to_head(sqlalchemy_url: str) -> str | None:
    """Apply every migration up to head (blocking; run it in a thread from async code).

    Returns the revision the database was at. One this code does not know is left alone: a
    newer release migrated past it (a rollback's pre-deploy command), and expand/contract
    migrations keep that schema serving this code (docs/MIGRATIONS.md).
    """
    found = asyncio.run(_read_revision(sqlalchemy_url))
    if schema_state(found) is not SchemaState.AHEAD:
        command.upgrade(alembic_config(sqlalchemy_url), "head")
    return found


def downgrade_to_base(sqlalchemy_url: str) -> None:
    command.downgrade(alembic_config(sqlalchemy_url), "base")


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


@lru_cache(maxsize=1)
def known_revisions() -> frozenset[str]:
    return frozenset(
        script.revision for script in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()
    )


class SchemaState(Enum):
    """Where the database's schema stands relative to this code (docs/MIGRATIONS.md)."""

    MISSING = "missing"  # never migrated
    BEHIND = "behind"  # an older revision of this code: the code needs a migration first
    AT_HEAD = "at_head"
    # A revision this code does not know: a newer release migrated ahead. Migrations are
    # expand/contract, so it still serves this code.
    AHEAD = "ahead"

    @property
    def serves_this_code(self) -> bool:
        return self in (SchemaState.AT_HEAD, SchemaState.AHEAD)


def schema_state(revision: str | None) -> SchemaState:
    if revision is None:
        return SchemaState.MISSING
    if revision == head_revision():
        return SchemaState.AT_HEAD
    if revision in known_revisions():
        return SchemaState.BEHIND
    return SchemaState.AHEAD


async def _read_revision(sqlalchemy_url: str) -> str | None:
    engine = create_async_engine(sqlalchemy_url)
    try:
        async with engine.connect() as connection:
            return await current_revision(connection)
    finally:
        await engine.dispose()


async def current_schema_state(connection: AsyncConnection) -> SchemaState:
    return schema_state(await current_revision(connection))


async def current_revision(connection: AsyncConnection) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    exists = await connection.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
    if not exists:
        return None
    revision: str | None = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    return revision
