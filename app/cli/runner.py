"""How every command runs: its settings, one transaction on connections opened for it, and
the exit status of each failure (CONTRACT.md §11: bad input 2, a dependency down 1), told on
stderr in one line per problem, never as a traceback."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import typer
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.console import PROG, fail, warn
from app.core.config import Settings, SettingsError, load_settings
from app.core.errors import AppError
from app.core.logging import configure_logging
from app.tenants.revocations import KEYS_REVOKED, RevocationPublisher
from db.session import RUNS_CHANGED, Database

EXIT_DEPENDENCY = 1
EXIT_BAD_INPUT = 2

T = TypeVar("T")


class CliError(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


# What `report` turns into a message and an exit status; anything else is a bug: a traceback.
FAILURES = (
    typer.TyperException,
    CliError,
    SettingsError,
    AppError,
    OSError,
    DBAPIError,
    PoolTimeout,
)


def command_settings(*, server: bool = False) -> Settings:
    """The settings, with logging set up: servers log to stdout, other commands keep stdout
    for their output."""
    settings = load_settings()
    configure_logging(settings.log_level, stream=sys.stdout if server else sys.stderr)
    return settings


def in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """`work`'s result, run in one unit of work on the database and Redis (connected on first
    use), closed afterwards."""
    return asyncio.run(_in_transaction(settings, work))


async def _in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """What the work commits is announced as the API and the worker announce theirs: run
    changes (`dlq retry`) for live subscribers, key revocations to every API process."""
    from app.automation_runs.live import RunPublisher
    from app.core.runtime import connect_redis

    db = Database.connect(settings.sqlalchemy_url, pool_size=1)
    redis = connect_redis(settings.redis_url or "")
    publisher = RunPublisher(redis)
    revoked: list[str] = []
    db.after_commit[RUNS_CHANGED] = publisher.publish_soon
    db.after_commit[KEYS_REVOKED] = revoked.extend
    try:
        async with db.unit_of_work() as session:
            result = await work(session)
        if revoked:
            await _announce_revocations(settings, RevocationPublisher(redis), revoked)
        return result
    finally:
        await publisher.drain()
        await redis.aclose()
        await db.dispose()


async def _announce_revocations(
    settings: Settings, publisher: RevocationPublisher, prefixes: Sequence[str]
) -> None:
    """Tell every API process to evict the keys now; a failure only warns (they are revoked)."""
    try:
        await publisher.publish(prefixes)
    except (RedisError, OSError) as exc:
        warn(
            f"the revocation could not be announced (Redis unavailable: {type(exc).__name__}); "
            "API processes stop accepting the key within API_KEY_CACHE_SECONDS "
            f"({settings.api_key_cache_seconds:g} s)"
        )


def report(error: BaseException) -> int:
    """Tell what went wrong (one of FAILURES) on stderr; the exit status."""
    if isinstance(error, typer.TyperException):
        return fail(_usage_problem(error), error.exit_code)
    if isinstance(error, CliError):
        return fail(str(error), error.status)
    if isinstance(error, SettingsError):
        for problem in error.problems:
            fail(problem, EXIT_DEPENDENCY)
        return EXIT_DEPENDENCY
    if isinstance(error, AppError):
        return fail(_describe(error), EXIT_BAD_INPUT if error.status < 500 else EXIT_DEPENDENCY)
    return fail(f"database unavailable ({type(error).__name__})", EXIT_DEPENDENCY)


def _usage_problem(error: typer.TyperException) -> str:
    """`<command>: <message>`, e.g. `keys list: Missing option '--tenant'.`"""
    context = getattr(error, "ctx", None)
    command = context.command_path.removeprefix(PROG).strip() if context else ""
    message = error.format_message()
    return f"{command}: {message}" if command else message


def _describe(error: AppError) -> str:
    if isinstance(error.details, list) and error.details:
        problems = "; ".join(f"{item['path']}: {item['message']}" for item in error.details)
        return f"{error.message} {problems}"
    return error.message
