"""Create the database named by DATABASE_URL when it does not exist yet (`make up`).

When PostgreSQL cannot be reached or refuses the connection, it prints one line saying what to
set (never the password, never a traceback) and exits with status 1; `aetherflow up` reports
the same way (`describe_database_error`).
"""

from __future__ import annotations

import asyncio
import socket
import sys

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.config import SettingsError, load_settings

# SQLSTATEs of a refused session (PostgreSQL's errcodes): the server answered, but not for us.
_AUTHENTICATION_FAILED = "28P01"  # invalid_password
_REFUSED = {
    _AUTHENTICATION_FAILED,
    "28000",  # invalid_authorization_specification: no pg_hba.conf entry, unknown role
    "3D000",  # invalid_catalog_name: the database connected to does not exist
    "42501",  # insufficient_privilege: e.g. a role without LOGIN
}
_DEFAULT_PORT = 5432


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


def describe_database_error(error: BaseException, sqlalchemy_url: str) -> str:
    """One line for an operator: where PostgreSQL is, what went wrong, and what to set.

    The URL's password is never part of it, nor are the server's words beyond its message.
    """
    url = make_url(sqlalchemy_url)
    where = _where(url)
    example = (
        "DATABASE_URL=postgresql://USER:PASSWORD@"
        f"{url.host or '127.0.0.1'}:{url.port or _DEFAULT_PORT}/{url.database or 'aetherflow'}"
    )
    advice = f"set DATABASE_URL in .env, e.g. {example}"
    if isinstance(error, OSError):
        reason = describe_os_error(error)
        return f"PostgreSQL at {where} is not reachable ({reason}); start it, or {advice}"
    sqlstate, message = _server_answer(error)
    if sqlstate in _REFUSED:
        reason = "password authentication failed" if sqlstate == _AUTHENTICATION_FAILED else message
        return f'PostgreSQL at {where} refused user "{url.username or ""}" ({reason}); {advice}'
    return f"PostgreSQL at {where} failed ({message}); {advice}"


def url_problem(sqlalchemy_url: str) -> str | None:
    """Why DATABASE_URL cannot be used as written (without repeating it), or None."""
    example = "e.g. DATABASE_URL=postgresql://USER:PASSWORD@127.0.0.1:5432/aetherflow"
    try:
        url = make_url(sqlalchemy_url)
    except (ValueError, ArgumentError):
        return f"DATABASE_URL is not a valid URL; {example}"
    if url.host and "@" in url.host:
        return f"DATABASE_URL has more than one @: write an @ in the password as %40; {example}"
    return None


def is_connection_failure(error: BaseException) -> bool:
    """Whether PostgreSQL could not be reached, or refused the session (not a failed statement)."""
    if isinstance(error, OSError):
        return True
    sqlstate, _ = _server_answer(error)
    return sqlstate is not None and (
        sqlstate.startswith(("08", "28")) or sqlstate in {"3D000", "53300", "57P03"}
    )


def _where(url: URL) -> str:
    if url.host is None or url.host.startswith("/"):
        return f"the local socket (port {url.port or _DEFAULT_PORT})"
    return f"{url.host}:{url.port or _DEFAULT_PORT}"


def describe_os_error(error: OSError) -> str:
    """Why a connection attempt failed, in a few words."""
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return "host name not found"
    if isinstance(error, TimeoutError):
        return "timed out"
    return error.strerror or type(error).__name__


def _server_answer(error: BaseException) -> tuple[str | None, str]:
    """The SQLSTATE and first line of PostgreSQL's (or the driver's) message."""
    driver = error.orig if isinstance(error, DBAPIError) else error
    driver = getattr(driver, "driver_exception", driver)
    sqlstate = getattr(driver, "sqlstate", None)
    lines = str(driver).strip().splitlines()
    message = lines[0] if lines else type(driver).__name__
    return (sqlstate if isinstance(sqlstate, str) else None), message


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"aetherflow: {problem}", file=sys.stderr)  # noqa: T201
        return 1
    if unusable := url_problem(settings.sqlalchemy_url):
        print(f"aetherflow: {unusable}", file=sys.stderr)  # noqa: T201
        return 1
    try:
        created = asyncio.run(ensure_database(settings.sqlalchemy_url))
    except (OSError, SQLAlchemyError) as exc:
        line = describe_database_error(exc, settings.sqlalchemy_url)
        print(f"aetherflow: {line}", file=sys.stderr)  # noqa: T201
        return 1
    if created:
        print("created the database")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
