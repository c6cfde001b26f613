"""Create the database named by DATABASE_URL when it does not exist yet (`make up`)."""

from __future__ import annotations

import asyncio
import sys

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.config import SettingsError, load_settings


async def ensure_database(sqlalchemy_url: str) -> bool:
    """Create the database if missing; True when it was created."""
    url = make_url(sqlalchemy_url)
    name = url.database or "aetherflow"
    engine = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            if await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ):
                return False
            quoted = connection.dialect.identifier_preparer.quote(name)
            await connection.execute(text(f"CREATE DATABASE {quoted}"))
            return True
    finally:
        await engine.dispose()


async def recreate_database(sqlalchemy_url: str) -> None:
    """Drop the database (disconnecting its sessions) and create it empty: tests, benchmarks."""
    url = make_url(sqlalchemy_url)
    engine = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            quoted = connection.dialect.identifier_preparer.quote(url.database or "")
            await connection.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
    finally:
        await engine.dispose()
    await ensure_database(sqlalchemy_url)


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print("\n".join(exc.problems), file=sys.stderr)  # noqa: T201
        return 1
    try:
        created = asyncio.run(ensure_database(settings.sqlalchemy_url))
    except OSError as exc:
        print(f"database unreachable: {exc.strerror or exc}", file=sys.stderr)  # noqa: T201
        return 1
    if created:
        print("created the database")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
