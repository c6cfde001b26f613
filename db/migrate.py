"""Alembic, driven from code: `aetherflow migrate`, the readiness check and the tests."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(sqlalchemy_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["sqlalchemy_url"] = sqlalchemy_url
    return config


def upgrade_to_head(sqlalchemy_url: str) -> None:
    """Apply every migration up to head (blocking; run it in a thread from async code)."""
    command.upgrade(alembic_config(sqlalchemy_url), "head")


def downgrade_to_base(sqlalchemy_url: str) -> None:
    command.downgrade(alembic_config(sqlalchemy_url), "base")


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


async def current_revision(connection: AsyncConnection) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    exists = await connection.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
    if not exists:
        return None
    revision: str | None = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    return revision
