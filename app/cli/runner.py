"""How every command runs: its settings, one transaction on connections opened for it, and
the exit status of each failure (CONTRACT.md §11: bad input 2, a dependency down 1), told on
stderr in one line per problem, never as a traceback."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar

import typer
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.console import PROG, fail, warn
from app.core.config import Settings, SettingsError, load_settings
from app.core.errors import AppError
from app.core.logging import configure_logging
from db.session import Database

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
    """What the work commits is enqueued and published as the API and the worker do theirs
    (app/bootstrap.py): deliveries and dispatches due, run changes for live subscribers, key
    revocations to every API process."""
    # Imported here: `aetherflow worker` and `api` start without the whole service loaded.
    from app.bootstrap import cli_database

    async with (
        cli_database(
            settings, on_unannounced_revocation=partial(_revocation_not_announced, settings)
        ) as db,
        db.unit_of_work() as session,
    ):
        return await work(session)


def with_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """`work`'s result, given the database (with the after-commit handlers of
    `in_transaction`): for commands that commit several transactions, or poll."""
    return asyncio.run(_with_database(settings, work))


async def _with_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    from app.bootstrap import cli_database

    async with cli_database(
        settings, on_unannounced_revocation=partial(_revocation_not_announced, settings)
    ) as db:
        return await work(db)


def _revocation_not_announced(settings: Settings, error: Exception) -> None:
    """API processes were not told to evict the key now; it is revoked all the same."""
    warn(
        f"the revocation could not be announced (Redis unavailable: {type(error).__name__}); "
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
