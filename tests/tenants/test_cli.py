"""CONTRACT.md §11: the operator CLI as an operator runs it (a real process)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import select

from db.models.api_key import ApiKey
from db.models.tenant import Tenant
from db.session import Database


def aetherflow(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def ok_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = aetherflow(env, *args, "--json")
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


async def count(db: Database, model: type[Tenant] | type[ApiKey]) -> int:
    async with db.unit_of_work() as session:
        return len((await session.scalars(select(model))).all())


async def test_tenant_and_key_lifecycle(db: Database, cli_env: dict[str, str]) -> None:
    tenant = ok_json(cli_env, "tenants", "create", "--slug", "acme", "--name", "Acme Inc")
    assert set(tenant) == {"id", "slug", "name"}
    assert tenant["slug"] == "acme"

    key = ok_json(
        cli_env,
        "keys",
        "create",
        "--tenant",
        "acme",
        "--name",
        "ci",
        "--scopes",
        "reports:read,reports:write",
        "--expires-in-days",
        "30",
    )
    assert set(key) == {"id", "prefix", "key", "scopes", "tenantId"}
    assert key["tenantId"] == tenant["id"]
    assert str(key["key"]).startswith(f"afk_{key['prefix']}_")
    assert key["scopes"] == ["reports:read", "reports:write"]

    listed = ok_json(cli_env, "keys", "list", "--tenant", str(tenant["id"]))
    [row] = listed["data"]
    assert set(row) == {
        "id",
        "prefix",
        "name",
        "scopes",
        "createdAt",
        "lastUsedAt",
        "expiresAt",
        "revokedAt",
    }
    assert row["revokedAt"] is None
    assert row["expiresAt"].endswith("Z")
    assert str(key["key"]) not in json.dumps(listed)

    revoked = aetherflow(
        cli_env, "keys", "revoke", "--tenant", "acme", "--prefix", str(key["prefix"])
    )
    assert revoked.returncode == 0, revoked.stderr
    [row] = ok_json(cli_env, "keys", "list", "--tenant", "acme")["data"]
    assert row["revokedAt"] is not None


async def test_human_output_is_a_short_table(db: Database, cli_env: dict[str, str]) -> None:
    aetherflow(cli_env, "tenants", "create", "--slug", "acme", "--name", "Acme")
    aetherflow(
        cli_env, "keys", "create", "--tenant", "acme", "--name", "ci", "--scopes", "reports:read"
    )
    result = aetherflow(cli_env, "keys", "list", "--tenant", "acme")
    assert result.returncode == 0
    header, row = result.stdout.strip().splitlines()
    assert header.split() == ["PREFIX", "NAME", "LAST", "USED", "STATUS", "SCOPES"]
    assert "active" in row


EXPIRING_KEY = [
    *("keys", "create", "--tenant", "acme", "--name", "x", "--scopes", "reports:read"),
    "--expires-in-days",
]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tenants", "create", "--slug", "acme", "--name", "Again"], "already exists"),
        (["tenants", "create", "--slug", "Bad Slug", "--name", "X"], "slug"),
        (
            ["tenants", "create", "--slug", "0b8e5a1c-3f1e-4c55-9a8e-0a7c6b1d2e3f", "--name", "X"],
            "slug",
        ),
        (
            ["keys", "create", "--tenant", "nope", "--name", "x", "--scopes", "reports:read"],
            "No such tenant",
        ),
        (["keys", "create", "--tenant", "acme", "--name", "x", "--scopes", "admin"], "scopes"),
        (
            [*EXPIRING_KEY, "0"],
            "expires-in-days",
        ),
        (
            [*EXPIRING_KEY, "1.5"],
            "expires-in-days",
        ),
        (
            [*EXPIRING_KEY, "100000000"],
            "too far in the future",
        ),
        (["api", "--port", "70000"], "--port"),
        (["keys", "revoke", "--tenant", "acme", "--prefix", "zzzzzzzz"], "No such API key"),
        (["keys", "list"], "--tenant"),
        (["frobnicate"], "invalid choice"),
    ],
)
async def test_bad_input_exits_2_with_one_line(
    db: Database, cli_env: dict[str, str], args: list[str], message: str
) -> None:
    aetherflow(cli_env, "tenants", "create", "--slug", "acme", "--name", "Acme")
    tenants_before, keys_before = await count(db, Tenant), await count(db, ApiKey)
    result = aetherflow(cli_env, *args)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert (await count(db, Tenant), await count(db, ApiKey)) == (tenants_before, keys_before)


async def test_database_down_exits_1(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none"}
    result = aetherflow(env, "keys", "list", "--tenant", "acme")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "aetherflow: database unavailable (ConnectionRefusedError)"
    ]


async def test_seed_is_idempotent_and_shows_the_key_once(
    db: Database, cli_env: dict[str, str]
) -> None:
    first = ok_json(cli_env, "seed")
    second = ok_json(cli_env, "seed")
    assert first["tenant"] == second["tenant"]
    assert first["tenant"]["slug"] == "demo"
    assert first["key"]["scopes"] == [
        "reports:read",
        "reports:write",
        "automations:read",
        "automations:write",
        "webhooks:read",
        "webhooks:write",
        "sessions:write",
    ]
    assert second["key"] is None
    assert await count(db, ApiKey) == 1


async def test_up_migrates_seeds_serves_and_stops_on_ctrl_c(
    db: Database, cli_env: dict[str, str]
) -> None:
    import asyncio
    import signal

    import httpx

    from tests.automation_runs.helpers import wait_for_status
    from tests.factories import bearer
    from tests.live import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "up"],
        env={**cli_env, "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        async with httpx.AsyncClient() as http, asyncio.timeout(60):
            while True:
                try:
                    ready = await http.get(f"http://127.0.0.1:{port}/ready")
                    if ready.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        # A sandbox run calls back through the API: `up` points it at PORT by itself.
        key = ok_json(
            cli_env,
            "keys",
            "create",
            "--tenant",
            "demo",
            "--name",
            "t",
            "--scopes",
            "automations:read,automations:write",
        )["key"]
        headers = bearer(key)
        runs = f"http://127.0.0.1:{port}/v1/tenants/demo/automation-runs"
        async with httpx.AsyncClient(headers=headers) as http:
            created = await http.post(runs, json={"flowId": "f", "provider": "sandbox"})
            await wait_for_status(http, f"{runs}/{created.json()['data']['id']}", "succeeded")
        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert "API key (shown once): afk_" in stdout
    assert process.returncode == 0
    async with db.unit_of_work() as session:
        assert [t.slug for t in await session.scalars(select(Tenant))] == ["demo"]


async def test_up_exits_1_when_the_api_cannot_start(db: Database, cli_env: dict[str, str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "app.cli", "up"],
            env={**cli_env, "PORT": str(port)},
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    assert result.returncode == 1
    assert "aetherflow: the api process exited with status" in result.stderr
