"""`aetherflow`: the operator CLI (CONTRACT.md §11). Commands parse, call a service, print."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, NoReturn
from urllib.parse import urlsplit

from redis.exceptions import AuthenticationError, RedisError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.bootstrap import cli_database
from app.core.config import Settings, SettingsError, load_settings
from app.core.errors import AppError
from app.core.logging import configure_logging
from app.core.time import rfc3339
from app.dlq import service as dlq
from app.tenants import service as tenants
from app.tenants.keys import SCOPES
from db.create_database import (
    describe_database_error,
    describe_os_error,
    is_connection_failure,
)
from db.models.api_key import ApiKey
from db.models.tenant import Tenant
from db.session import Database

EXIT_BAD_INPUT = 2
EXIT_DEPENDENCY = 1


class CliError(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # `_fail` already starts the line with "aetherflow: ".
        command = self.prog.removeprefix("aetherflow").strip()
        raise CliError(f"{command}: {message}" if command else message, EXIT_BAD_INPUT)


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("must be a whole number >= 1")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError("must be a port number, 1 to 65535")
    return int(text)


def _days_from_now(text: str) -> int:
    days = _positive_int(text)
    try:
        datetime.now(UTC) + timedelta(days=days)
    except OverflowError:
        raise argparse.ArgumentTypeError("is too far in the future") from None
    return days


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a UUID") from None


def _scope_list(text: str) -> list[str]:
    scopes = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if not scopes or unknown:
        raise argparse.ArgumentTypeError(f"scopes must be among {','.join(SCOPES)}")
    return scopes


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="aetherflow", description="AetherFlow backend operator commands.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    commands.add_parser("migrate", help="apply database migrations up to head")
    api = commands.add_parser("api", help="run the HTTP server")
    api.add_argument(
        "--host", help="address to bind (default: HOST; else 127.0.0.1, 0.0.0.0 in production)"
    )
    api.add_argument("--port", type=_port, default=None)
    commands.add_parser("worker", help="run the background worker (tasks and sweeps)")
    commands.add_parser("up", help="migrate, seed, then run the API and worker")
    seed = commands.add_parser("seed", help="create the demo tenant and its first key")
    seed.add_argument("--json", action="store_true")

    dlq_commands = commands.add_parser("dlq", help="dead deliveries").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    dlq_list = dlq_commands.add_parser("list")
    dlq_list.add_argument("--tenant")
    dlq_list.add_argument("--json", action="store_true")
    dlq_retry = dlq_commands.add_parser("retry")
    dlq_retry.add_argument("--tenant", required=True)
    which = dlq_retry.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", type=_uuid)
    which.add_argument("--all", action="store_true")
    dlq_retry.add_argument("--json", action="store_true")

    tenant_commands = commands.add_parser("tenants").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    create_tenant = tenant_commands.add_parser("create")
    create_tenant.add_argument("--slug", required=True)
    create_tenant.add_argument("--name", required=True)
    create_tenant.add_argument("--json", action="store_true")

    key_commands = commands.add_parser("keys").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    create_key = key_commands.add_parser("create")
    create_key.add_argument("--tenant", required=True)
    create_key.add_argument("--name", required=True)
    create_key.add_argument("--scopes", required=True, type=_scope_list)
    create_key.add_argument("--expires-in-days", type=_days_from_now)
    create_key.add_argument("--json", action="store_true")
    list_keys = key_commands.add_parser("list")
    list_keys.add_argument("--tenant", required=True)
    list_keys.add_argument("--json", action="store_true")
    revoke_key = key_commands.add_parser("revoke")
    revoke_key.add_argument("--tenant", required=True)
    revoke_key.add_argument("--prefix", required=True)
    revoke_key.add_argument("--json", action="store_true")
    return parser


def tenant_json(tenant: Tenant) -> dict[str, Any]:
    return {"id": str(tenant.id), "slug": tenant.slug, "name": tenant.name}


def issued_key_json(issued: tenants.IssuedKey) -> dict[str, Any]:
    record = issued.record
    return {
        "id": str(record.id),
        "prefix": record.prefix,
        "key": issued.key,
        "scopes": list(record.scopes),
        "tenantId": str(record.tenant_id),
    }


def key_json(key: ApiKey) -> dict[str, Any]:
    def moment(value: Any) -> str | None:
        return rfc3339(value) if value is not None else None

    return {
        "id": str(key.id),
        "prefix": key.prefix,
        "name": key.name,
        "scopes": list(key.scopes),
        "createdAt": moment(key.created_at),
        "lastUsedAt": moment(key.last_used_at),
        "expiresAt": moment(key.expires_at),
        "revokedAt": moment(key.revoked_at),
    }


def _print(args: argparse.Namespace, document: dict[str, Any], text: str) -> None:
    print(json.dumps(document) if args.json else text)  # noqa: T201


async def _with_database(
    settings: Settings, work: Callable[[Database], Coroutine[Any, Any, None]]
) -> None:
    """Run `work` on the database (connected on first use). What it commits is enqueued and
    published after the commit, as the API and the worker do (app/bootstrap.py)."""
    revocation_not_announced = partial(_revocation_not_announced, settings)
    async with cli_database(settings, on_unannounced_revocation=revocation_not_announced) as db:
        await work(db)


def _run_seed(settings: Settings, args: argparse.Namespace) -> None:
    async def work(db: Database) -> None:
        async with db.unit_of_work() as session:
            tenant, issued = await tenants.seed_demo(session, pepper=settings.pepper)
        document = {
            "tenant": tenant_json(tenant),
            "key": issued_key_json(issued) if issued else None,
        }
        text = f"tenant {tenant.slug} ({tenant.id})\n" + (
            f"API key (shown once): {issued.key}" if issued else "API key: already issued"
        )
        _print(args, document, text)

    asyncio.run(_with_database(settings, work))


def _run_tenants_create(settings: Settings, args: argparse.Namespace) -> None:
    async def work(db: Database) -> None:
        async with db.unit_of_work() as session:
            tenant = await tenants.create_tenant(session, slug=args.slug, name=args.name)
        _print(args, tenant_json(tenant), f"created tenant {tenant.slug} ({tenant.id})")

    asyncio.run(_with_database(settings, work))


def _run_keys_create(settings: Settings, args: argparse.Namespace) -> None:
    async def work(db: Database) -> None:
        async with db.unit_of_work() as session:
            tenant = await tenants.resolve_tenant(session, args.tenant)
            issued = await tenants.issue_key(
                session,
                pepper=settings.pepper,
                tenant_id=tenant.id,
                name=args.name,
                scopes=args.scopes,
                expires_in_days=args.expires_in_days,
            )
        _print(args, issued_key_json(issued), f"API key (shown once): {issued.key}")

    asyncio.run(_with_database(settings, work))


def _run_keys_list(settings: Settings, args: argparse.Namespace) -> None:
    async def work(db: Database) -> None:
        async with db.unit_of_work() as session:
            tenant = await tenants.resolve_tenant(session, args.tenant)
            keys = await tenants.list_keys(session, tenant_id=tenant.id)
        rows = [key_json(key) for key in keys]
        lines = [f"{'PREFIX':<10}{'NAME':<20}{'LAST USED':<26}{'STATUS':<10}SCOPES"]
        for row in rows:
            status = "revoked" if row["revokedAt"] else "active"
            lines.append(
                f"{row['prefix']:<10}{row['name'][:19]:<20}{row['lastUsedAt'] or '-':<26}"
                f"{status:<10}{','.join(row['scopes'])}"
            )
        _print(args, {"data": rows}, "\n".join(lines))

    asyncio.run(_with_database(settings, work))


def _run_keys_revoke(settings: Settings, args: argparse.Namespace) -> None:
    async def work(db: Database) -> None:
        async with db.unit_of_work() as session:
            tenant = await tenants.resolve_tenant(session, args.tenant)
            key = await tenants.revoke_key(session, tenant_id=tenant.id, prefix=args.prefix)
        _print(args, key_json(key), f"revoked key {key.prefix}")

    asyncio.run(_with_database(settings, work))


def _revocation_not_announced(settings: Settings, error: Exception) -> None:
    """API processes were not told to evict the key now; it is revoked all the same."""
    _warn(
        f"the revocation could not be announced (Redis unavailable: {type(error).__name__}); "
        "API processes stop accepting the key within API_KEY_CACHE_SECONDS "
        f"({settings.api_key_cache_seconds:g} s)"
    )


def dead_letter_json(letter: dlq.DeadLetter) -> dict[str, Any]:
    return {
        "kind": letter.kind,
        "id": str(letter.id),
        "tenantId": str(letter.tenant_id),
        "lastError": letter.last_error,
        "lastStatusCode": letter.last_status_code,
        "attempts": letter.attempts,
        "deadSince": rfc3339(letter.dead_since),
        **letter.detail,
    }


def _run_dlq_list(settings: Settings, args: argparse.Namespace) -> None:
    async def work(db: Database) -> None:
        async with db.unit_of_work() as session:
            tenant = await tenants.resolve_tenant(session, args.tenant) if args.tenant else None
            letters = await dlq.list_dead(session, tenant_id=tenant.id if tenant else None)
        rows = [dead_letter_json(letter) for letter in letters]
        lines = [f"{'KIND':<16}{'ID':<38}{'ATTEMPTS':<10}LAST ERROR"]
        lines += [
            f"{row['kind']:<16}{row['id']:<38}{row['attempts']:<10}{row['lastError'] or '-'}"
            for row in rows
        ]
        _print(args, {"data": rows}, "\n".join(lines))

    asyncio.run(_with_database(settings, work))


def _run_dlq_retry(settings: Settings, args: argparse.Namespace) -> None:
    async def work(db: Database) -> None:
        async with db.unit_of_work() as session:
            tenant = await tenants.resolve_tenant(session, args.tenant)
            if args.all:
                ids = await dlq.retry_all(session, tenant_id=tenant.id)
            else:
                ids = [await dlq.retry_one(session, tenant_id=tenant.id, item_id=args.id)]
        text = f"{len(ids)} sent back to pending; the worker attempts them at its next sweep"
        _print(args, {"data": [str(item) for item in ids]}, text)

    asyncio.run(_with_database(settings, work))


def _run_migrate(settings: Settings, _: argparse.Namespace) -> None:
    from db.migrate import SchemaState, head_revision, schema_state, upgrade_to_head

    found = upgrade_to_head(settings.sqlalchemy_url)
    if schema_state(found) is SchemaState.AHEAD:
        print(  # noqa: T201
            f"database at revision {found}, newer than this code's {head_revision()}: left as it is"
        )
    else:
        print(f"database at revision {head_revision()}")  # noqa: T201


def _run_api(settings: Settings, args: argparse.Namespace) -> None:
    import contextlib

    import uvicorn
    from uvicorn.config import STARTUP_FAILURE

    from app.api.server import server_config
    from app.main import create_app

    port = args.port if args.port is not None else settings.port
    host = api_host(settings, args.host)
    server = uvicorn.Server(server_config(create_app(settings), host=host, port=port))
    # As `uvicorn.run`: the server re-raises the SIGINT it stopped on once it has shut down.
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)


def api_host(settings: Settings, requested: str | None = None) -> str:
    """The address `aetherflow api` binds: --host, else HOST, else loopback outside production
    (only this machine can connect) and every interface in production (Render routes to
    0.0.0.0:$PORT)."""
    if requested:
        return requested
    if settings.host:
        return settings.host
    return "0.0.0.0" if settings.is_production else "127.0.0.1"  # noqa: S104


def _run_worker(settings: Settings, _: argparse.Namespace) -> None:
    from jobs.worker import run_worker

    run_worker()


def _run_up(settings: Settings, args: argparse.Namespace) -> None:
    # A dependency that is down or refuses us ends `up` with one line saying what to set.
    _check_redis(settings)
    try:
        _run_migrate(settings, args)
        args.json = False
        _run_seed(settings, args)
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


COMMANDS: dict[tuple[str, str | None], Callable[[Settings, argparse.Namespace], None]] = {
    ("migrate", None): _run_migrate,
    ("api", None): _run_api,
    ("worker", None): _run_worker,
    ("up", None): _run_up,
    ("seed", None): _run_seed,
    ("tenants", "create"): _run_tenants_create,
    ("keys", "create"): _run_keys_create,
    ("keys", "list"): _run_keys_list,
    ("keys", "revoke"): _run_keys_revoke,
    ("dlq", "list"): _run_dlq_list,
    ("dlq", "retry"): _run_dlq_retry,
}


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status."""
    try:
        args = build_parser().parse_args(argv)
        settings = load_settings()
        # Servers log to stdout; the other commands keep stdout for their output.
        servers = {"api", "worker", "up"}
        configure_logging(
            settings.log_level, stream=sys.stdout if args.command in servers else sys.stderr
        )
        COMMANDS[(args.command, getattr(args, "action", None))](settings, args)
    except CliError as exc:
        return _fail(str(exc), exc.status)
    except SettingsError as exc:
        for problem in exc.problems:
            _fail(problem, EXIT_DEPENDENCY)
        return EXIT_DEPENDENCY
    except AppError as exc:
        status = EXIT_BAD_INPUT if exc.status < 500 else EXIT_DEPENDENCY
        return _fail(_describe(exc), status)
    except (OSError, DBAPIError, PoolTimeout) as exc:
        return _fail(f"database unavailable ({type(exc).__name__})", EXIT_DEPENDENCY)
    return 0


def _describe(error: AppError) -> str:
    if isinstance(error.details, list) and error.details:
        problems = "; ".join(f"{item['path']}: {item['message']}" for item in error.details)
        return f"{error.message} {problems}"
    return error.message


def _fail(message: str, status: int) -> int:
    print(f"aetherflow: {message}", file=sys.stderr)  # noqa: T201
    return status


def _warn(message: str) -> None:
    print(f"aetherflow: warning: {message}", file=sys.stderr)  # noqa: T201


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
