"""Which failures mean a dependency cannot serve now: the contract's 503s (CONTRACT.md §1).

Every face maps exceptions through `dependency_error`, so an outage is the same answer on REST,
GraphQL, WebSockets, the CLI and in the worker's logs.
"""

from __future__ import annotations

from loguru import logger
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.core.errors import AppError, Overloaded, ServiceUnavailable
from app.core.metrics import record_load_shed

# SQLSTATE classes: connection exception, insufficient resources (too many connections),
# operator intervention (shutting down, starting up, statement timeout), system error.
_OUTAGE_SQLSTATE_CLASSES = ("08", "53", "57", "58")


def dependency_error(exc: BaseException) -> AppError | None:
    """The contract error for a failure of the database or Redis; None for anything else."""
    if isinstance(exc, PoolTimeout):
        return Overloaded()
    if isinstance(exc, DBAPIError):
        if is_database_outage(exc):
            return ServiceUnavailable("The database is unavailable; retry shortly.")
        return None
    if isinstance(exc, RedisError | OSError | TimeoutError):
        return ServiceUnavailable()
    return None


def is_outage(exc: BaseException) -> bool:
    """The database or Redis is down, restarting, unreachable or out of connections."""
    return dependency_error(exc) is not None


def is_database_outage(exc: DBAPIError) -> bool:
    """A lost or refused connection, a server starting up or shutting down, no resources:
    not a fault of the statement. asyncpg reports "the database system is starting up" and
    "terminating connection due to administrator command" as plain DBAPIErrors, so the
    SQLSTATE decides."""
    if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None) or ""
    return sqlstate.startswith(_OUTAGE_SQLSTATE_CLASSES)


def outage_name(exc: BaseException) -> str:
    """What failed, for a one-line log: the exception type and SQLSTATE, never its message
    (which may quote SQL or parameters)."""
    orig = exc.orig if isinstance(exc, DBAPIError) else None
    sqlstate = getattr(orig, "sqlstate", None)
    name = type(orig).__name__ if orig is not None else type(exc).__name__
    return f"{name} ({sqlstate})" if sqlstate else name


def log_outage(exc: BaseException) -> None:
    """One WARNING line, no traceback: an outage is an operating condition, not a bug."""
    logger.warning("dependency unavailable: {}", outage_name(exc))


def note_refusal(exc: BaseException, error: AppError) -> None:
    """Account for a request refused for `exc`: shed load is not an outage and is only
    counted (`aetherflow_overloaded_total`); an outage is logged."""
    if isinstance(error, Overloaded):
        record_load_shed()
    else:
        log_outage(exc)
