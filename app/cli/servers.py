"""`aetherflow migrate|api|worker|up`: the schema and the long-running processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from redis.exceptions import AuthenticationError, RedisError
from sqlalchemy.exc import SQLAlchemyError

from app.api.console import console_directory
from app.cli.console import PROG
from app.cli.options import port_number
from app.cli.runner import EXIT_DEPENDENCY, CliError, command_settings
from app.cli.tenants import print_seed
from app.core.config import Settings
from db.create_database import describe_database_error, describe_os_error, is_connection_failure


def migrate() -> None:
    """Apply database migrations up to head.

    Render's pre-deploy command. A database already ahead of this code is left as it is.
    """
    print_migration(command_settings())


def print_migration(settings: Settings) -> None:
    from db.migrate import SchemaState, head_revision, schema_state, upgrade_to_head

    found = upgrade_to_head(settings.sqlalchemy_url)
    if schema_state(found) is SchemaState.AHEAD:
        typer.echo(
            f"database at revision {found}, newer than this code's {head_revision()}: left as it is"
        )
    else:
        typer.echo(f"database at revision {head_revision()}")


def api(
    host: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="Address to bind. Default: HOST, else 127.0.0.1 (0.0.0.0 in production).",
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(parser=port_number, metavar="PORT", help="Port. Default: PORT, else 8000."),
    ] = None,
) -> None:
    """Run the HTTP server (REST, GraphQL, callbacks)."""
    import contextlib

    import uvicorn
    from uvicorn.config import STARTUP_FAILURE

    from app.api.server import server_config
    from app.main import create_app

    settings = command_settings(server=True)
    config = server_config(
        create_app(settings),
        host=api_host(settings, host),
        port=port if port is not None else settings.port,
    )
    server = uvicorn.Server(config)
    # As `uvicorn.run`: the server re-raises the SIGINT it stopped on once it has shut down.
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        raise typer.Exit(STARTUP_FAILURE)


def api_host(settings: Settings, requested: str | None = None) -> str:
    """The address `aetherflow api` binds: --host, else HOST, else loopback outside production
    (only this machine can connect) and every interface in production (Render routes to
    0.0.0.0:$PORT)."""
    if requested:
        return requested
    if settings.host:
        return settings.host
    return "0.0.0.0" if settings.is_production else "127.0.0.1"  # noqa: S104


def worker() -> None:
    """Run the background worker.

    Task consumers and the periodic jobs; any number of workers may run at once.
    """
    from jobs.worker import run_worker

    command_settings(server=True)  # checks the settings, sends logs to stdout
    run_worker()


def up() -> None:
    """Migrate, seed, then run the API and the worker.

    For a laptop: one foreground command; Ctrl-C stops both.
    """
    settings = command_settings(server=True)
    # A dependency that is down or refuses us ends `up` with one line saying what to set.
    _check_redis(settings)
    try:
        print_migration(settings)
        print_seed(settings, as_json=False)
    except (OSError, SQLAlchemyError) as exc:
        if not is_connection_failure(exc):
            raise
        raise CliError(
            describe_database_error(exc, settings.sqlalchemy_url), EXIT_DEPENDENCY
        ) from None
    env = dict(os.environ)
    if "public_base_url" not in settings.model_fields_set:
        # Sandbox runs call back through the API: point them at the port it listens on.
        env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{settings.port}"
    if (console_directory(settings) / "index.html").is_file():
        base = env.get("PUBLIC_BASE_URL", settings.session_issuer).rstrip("/")
        link = f"{PROG} console-link --tenant demo"
        typer.echo(f"Console: {base}/console/ (a signed-in link: {link})")
    children = [
        subprocess.Popen([sys.executable, "-m", "app.cli", command], env=env)  # noqa: S603
        for command in ("api", "worker")
    ]
    if (ended := _supervise(children)) is not None:
        name = ("api", "worker")[children.index(ended)]
        raise CliError(
            f"the {name} process exited with status {ended.returncode}; stopped the others",
            EXIT_DEPENDENCY,
        )


def _check_redis(settings: Settings) -> None:
    """Raise a one-line CliError when Redis does not answer a PING (API and worker need it)."""
    from app.bootstrap import connect_redis

    url = settings.redis_url or ""

    async def ping() -> None:
        client = connect_redis(url, timeout=5)
        try:
            await client.ping()
        finally:
            await client.aclose()

    try:
        asyncio.run(ping())
    except (RedisError, OSError) as exc:
        raise CliError(describe_redis_error(exc, url), EXIT_DEPENDENCY) from None


def describe_redis_error(error: BaseException, url: str) -> str:
    """One line: where Redis is, what went wrong, what to set (never the password)."""
    parts = urlsplit(url)
    where = f"{parts.hostname or '127.0.0.1'}:{parts.port or 6379}"
    database = parts.path.strip("/") or "0"
    if isinstance(error, AuthenticationError):
        return (
            f"Redis at {where} refused the connection (authentication failed); set REDIS_URL "
            f"in .env, e.g. REDIS_URL=redis://:PASSWORD@{where}/{database}"
        )
    cause = error if isinstance(error, OSError) else error.__context__
    reason = describe_os_error(cause) if isinstance(cause, OSError) else type(error).__name__
    return (
        f"Redis at {where} is not reachable ({reason}); start redis-server, or set REDIS_URL "
        f"in .env, e.g. REDIS_URL=redis://{where}/{database}"
    )


def _supervise(children: Sequence[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes] | None:
    """Wait for the children; stop them all when one ends or on Ctrl-C / SIGTERM.

    Returns the child that ended on its own (a failure), or None after a requested stop.
    """
    requested = False

    def stop() -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    def stop_on_request(*_: Any) -> None:
        nonlocal requested
        requested = True
        stop()

    # Both set explicitly: a shell may start this command with SIGINT ignored.
    signal.signal(signal.SIGTERM, stop_on_request)
    signal.signal(signal.SIGINT, stop_on_request)
    while all(child.poll() is None for child in children):
        try:
            children[0].wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            continue
    ended = None if requested else next(c for c in children if c.poll() is not None)
    stop()
    for child in children:
        child.wait()
    return ended
