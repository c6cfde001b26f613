"""A fresh machine's first `make up`: when PostgreSQL wants a password, refuses the user or does
not listen, and when Redis does not answer, `python -m db.create_database` and `aetherflow up`
print one line saying what to set (never a traceback, never the password) and exit non-zero.

The PostgreSQL is a private cluster set up as Debian sets up its own: the `postgres` role has no
password and connections over TCP must authenticate with scram-sha-256.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.config import Settings
from tests.live import free_port
from tests.postgres_server import PostgresServer, own_postgres

ROOT = Path(__file__).resolve().parents[2]
SETTING_NAMES = {name.upper() for name in Settings.model_fields}
# The second line is what Debian's pg_hba.conf says for 127.0.0.1; the first refuses one role
# outright, as an administrator's `reject` line does.
PG_HBA = """\
local all all trust
host all locked_out 127.0.0.1/32 reject
host all all 127.0.0.1/32 scram-sha-256
"""


@pytest.fixture(scope="module")
def debian_like_postgres() -> Iterator[PostgresServer]:
    with own_postgres() as server:
        # The running server keeps the old (trust) rules until it reloads them.
        (server.data / "pg_hba.conf").write_text(PG_HBA)
        asyncio.run(_execute(server, "SELECT pg_reload_conf()"))
        deadline = time.monotonic() + 30
        while _connects_without_password(server):
            assert time.monotonic() < deadline, "pg_hba.conf was not reloaded"
            time.sleep(0.1)
        yield server


async def _execute(server: PostgresServer, statement: str) -> None:
    engine = create_async_engine(server.url())
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def _connects_without_password(server: PostgresServer) -> bool:
    try:
        asyncio.run(_execute(server, "SELECT 1"))
    except (OSError, SQLAlchemyError):
        return False
    return True


def run(module_args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a module as `make up` does, from `cwd` (where a .env would be read), with only the
    given settings in the environment."""
    clean = {key: value for key, value in os.environ.items() if key not in SETTING_NAMES}
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", *module_args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def only_line(result: subprocess.CompletedProcess[str]) -> str:
    output = (result.stdout + result.stderr).splitlines()
    assert len(output) == 1, output
    assert result.returncode != 0
    return output[0]


def advice(port: int) -> str:
    return (
        "set DATABASE_URL in .env, e.g. "
        f"DATABASE_URL=postgresql://USER:PASSWORD@127.0.0.1:{port}/aetherflow"
    )


def test_create_database_says_what_to_set_when_a_password_is_required(
    debian_like_postgres: PostgresServer, tmp_path: Path
) -> None:
    port = debian_like_postgres.port
    result = run(
        ["db.create_database"],
        tmp_path,
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{port}/aetherflow",
    )
    assert only_line(result) == (
        f'aetherflow: PostgreSQL at 127.0.0.1:{port} refused user "postgres" '
        f"(password authentication failed); {advice(port)}"
    )


def test_a_wrong_password_is_never_printed(
    debian_like_postgres: PostgresServer, tmp_path: Path
) -> None:
    port = debian_like_postgres.port
    result = run(
        ["db.create_database"],
        tmp_path,
        DATABASE_URL=f"postgresql://postgres:hunter2-wrong@127.0.0.1:{port}/aetherflow",
    )
    line = only_line(result)
    assert "password authentication failed" in line
    assert "hunter2" not in line


def test_a_rejected_role_is_named(debian_like_postgres: PostgresServer, tmp_path: Path) -> None:
    port = debian_like_postgres.port
    result = run(
        ["db.create_database"],
        tmp_path,
        DATABASE_URL=f"postgresql://locked_out@127.0.0.1:{port}/aetherflow",
    )
    assert only_line(result) == (
        f'aetherflow: PostgreSQL at 127.0.0.1:{port} refused user "locked_out" '
        f'(pg_hba.conf rejects connection for host "127.0.0.1", user "locked_out", '
        f'database "postgres", no encryption); {advice(port)}'
    )


def test_create_database_says_what_to_do_when_nothing_listens(tmp_path: Path) -> None:
    port = free_port()
    result = run(
        ["db.create_database"],
        tmp_path,
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{port}/aetherflow",
    )
    assert only_line(result) == (
        f"aetherflow: PostgreSQL at 127.0.0.1:{port} is not reachable (connection refused); "
        f"start it, or {advice(port)}"
    )


def test_database_url_in_dot_env_is_used(tmp_path: Path) -> None:
    """With nothing in the environment, .env's DATABASE_URL wins over the built-in default."""
    port = free_port()
    (tmp_path / ".env").write_text(f"DATABASE_URL=postgresql://me@127.0.0.1:{port}/mine\n")
    result = run(["db.create_database"], tmp_path)
    assert f"PostgreSQL at 127.0.0.1:{port} is not reachable" in only_line(result)


@pytest.mark.parametrize(
    ("database_url", "problem"),
    [
        ("postgresql://me:hunter2@127.0.0.1:port/aetherflow", "is not a valid URL"),
        (
            "postgresql://me:hunter2@x@127.0.0.1:5432/aetherflow",
            "write an @ in the password as %40",
        ),
    ],
)
def test_a_malformed_url_is_named_without_repeating_it(
    database_url: str, problem: str, tmp_path: Path
) -> None:
    line = only_line(run(["db.create_database"], tmp_path, DATABASE_URL=database_url))
    assert line.startswith("aetherflow: DATABASE_URL ")
    assert problem in line
    assert "hunter2" not in line


def test_the_makefile_leaves_database_url_to_the_settings() -> None:
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if line.lstrip().startswith(("DATABASE_URL", "export"))]


def test_up_says_what_to_set_when_a_password_is_required(
    debian_like_postgres: PostgresServer, redis_url: str, tmp_path: Path
) -> None:
    port = debian_like_postgres.port
    result = run(
        ["app.cli", "up"],
        tmp_path,
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{port}/aetherflow",
        REDIS_URL=redis_url,
    )
    assert only_line(result) == (
        f'aetherflow: PostgreSQL at 127.0.0.1:{port} refused user "postgres" '
        f"(password authentication failed); {advice(port)}"
    )


def test_up_says_what_to_do_when_redis_does_not_answer(tmp_path: Path) -> None:
    port = free_port()
    result = run(
        ["app.cli", "up"],
        tmp_path,
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/aetherflow",
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
    )
    assert only_line(result) == (
        f"aetherflow: Redis at 127.0.0.1:{port} is not reachable (connection refused); "
        f"start redis-server, or set REDIS_URL in .env, e.g. REDIS_URL=redis://127.0.0.1:{port}/0"
    )
