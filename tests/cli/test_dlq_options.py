"""`aetherflow dlq list --endpoint/--limit` and `dlq retry --all --dry-run` with its progress
bar."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import select

from app.core.config import Settings
from db.models.automation_run import AutomationRun
from db.models.webhook_delivery import WebhookDelivery
from db.session import Database
from tests.dlq.helpers import make_exhausted_run
from tests.factories import UNKNOWN_ID, Keys, make_delivery, make_endpoint
from tests.tenants.test_cli import aetherflow, ok_json

URL = "https://hooks.example.com/x"


def ids(document: dict[str, list[dict[str, str]]]) -> list[str]:
    return [row["id"] for row in document["data"]]


async def statuses(db: Database) -> list[str]:
    async with db.unit_of_work() as session:
        deliveries = await session.scalars(select(WebhookDelivery.status))
        runs = await session.scalars(select(AutomationRun.status))
        return sorted([*deliveries, *runs])


async def test_endpoint_lists_only_its_dead_deliveries(
    db: Database, settings: Settings, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    tenant = tenant_keys.tenant
    endpoint, _ = await make_endpoint(db, settings, tenant, URL)
    other_endpoint, _ = await make_endpoint(db, settings, tenant, URL)
    dead = await make_delivery(db, endpoint, tenant, status="dead", last_error="HTTP 410")
    await make_delivery(db, endpoint, tenant, status="pending")
    await make_delivery(db, other_endpoint, tenant, status="dead")
    await make_exhausted_run(db, tenant)

    [row] = ok_json(cli_env, "dlq", "list", "--endpoint", str(endpoint.id))["data"]
    assert (row["kind"], row["id"], row["endpointId"]) == ("delivery", str(dead), str(endpoint.id))
    by_tenant = ["dlq", "list", "--tenant", "acme", "--endpoint", str(endpoint.id)]
    assert ids(ok_json(cli_env, *by_tenant)) == [str(dead)]
    by_other_tenant = ["dlq", "list", "--tenant", "globex", "--endpoint", str(endpoint.id)]
    assert ok_json(cli_env, *by_other_tenant) == {"data": []}
    assert ok_json(cli_env, "dlq", "list", "--endpoint", UNKNOWN_ID) == {"data": []}


async def test_limit_caps_the_rows_dead_deliveries_first(
    db: Database, settings: Settings, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    tenant = tenant_keys.tenant
    endpoint, _ = await make_endpoint(db, settings, tenant, URL)
    oldest, middle, newest = [
        str(await make_delivery(db, endpoint, tenant, status="dead")) for _ in range(3)
    ]
    run_id = str(await make_exhausted_run(db, tenant))

    assert ids(ok_json(cli_env, "dlq", "list", "--limit", "2")) == [newest, middle]
    assert ids(ok_json(cli_env, "dlq", "list", "--limit", "4")) == [newest, middle, oldest, run_id]
    assert ids(ok_json(cli_env, "dlq", "list")) == [newest, middle, oldest, run_id]
    table = aetherflow(cli_env, "dlq", "list", "--limit", "1").stdout.splitlines()
    assert table[0].split() == ["KIND", "ID", "ATTEMPTS", "LAST", "ERROR"]
    assert [line.split()[1] for line in table[1:]] == [newest]


async def test_dry_run_prints_what_would_be_retried_and_changes_nothing(
    db: Database, settings: Settings, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    tenant = tenant_keys.tenant
    endpoint, _ = await make_endpoint(db, settings, tenant, URL)
    first = str(await make_delivery(db, endpoint, tenant, status="dead"))
    second = str(await make_delivery(db, endpoint, tenant, status="dead"))
    await make_delivery(db, endpoint, tenant, status="pending")
    run_id = str(await make_exhausted_run(db, tenant))
    before = await statuses(db)

    would = ok_json(cli_env, "dlq", "retry", "--tenant", "acme", "--all", "--dry-run")
    assert would == {"data": [second, first, run_id]}
    text = aetherflow(cli_env, "dlq", "retry", "--tenant", "acme", "--all", "--dry-run")
    header, *rows, summary = text.stdout.splitlines()
    assert header.split()[:2] == ["KIND", "ID"]
    assert [row.split()[1] for row in rows] == [second, first, run_id]
    assert summary == "dry run: 3 would be sent back to pending; nothing changed"
    assert await statuses(db) == before

    assert ok_json(cli_env, "dlq", "retry", "--tenant", "acme", "--all") == would
    assert ok_json(cli_env, "dlq", "list") == {"data": []}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--endpoint", "nope"], "dlq list: Invalid value for '--endpoint': must be"),
        (["list", "--limit", "0"], "dlq list: Invalid value for '--limit': must be"),
        (["list", "--limit", "x"], "dlq list: Invalid value for '--limit': must be"),
        (
            ["retry", "--tenant", "acme", "--id", UNKNOWN_ID, "--dry-run"],
            "dlq retry: argument --dry-run: allowed only with --all",
        ),
    ],
)
async def test_bad_options_exit_2(
    db: Database, tenant_keys: Keys, cli_env: dict[str, str], args: list[str], message: str
) -> None:
    result = aetherflow(cli_env, "dlq", *args)
    assert (result.returncode, result.stdout) == (2, "")
    [line] = result.stderr.splitlines()
    assert line.startswith(f"aetherflow: {message}")


def retry_all_with_stderr_on_a_terminal(env: dict[str, str]) -> tuple[str, str]:
    """`dlq retry --all --json` with stderr on a pseudo-terminal: its stdout and terminal."""
    terminal, stderr = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "dlq", "retry", "--tenant", "acme", "--all", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    os.close(stderr)
    shown = b""
    try:
        while chunk := os.read(terminal, 4096):
            shown += chunk
    except OSError:  # EIO: the process closed its end
        pass
    finally:
        os.close(terminal)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 0, shown
    return stdout, shown.decode()


async def test_progress_bar_on_a_terminal_never_on_stdout(
    db: Database, settings: Settings, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    tenant = tenant_keys.tenant
    endpoint, _ = await make_endpoint(db, settings, tenant, URL)
    dead = {str(await make_delivery(db, endpoint, tenant, status="dead")) for _ in range(2)}
    dead.add(str(await make_exhausted_run(db, tenant)))

    stdout, terminal = retry_all_with_stderr_on_a_terminal(cli_env)
    assert set(json.loads(stdout)["data"]) == dead
    assert "retrying" in terminal
    assert "3/3" in terminal

    await make_delivery(db, endpoint, tenant, status="dead")
    result = aetherflow(cli_env, "dlq", "retry", "--tenant", "acme", "--all", "--json")
    assert (result.returncode, result.stderr) == (0, "")
    [retried] = json.loads(result.stdout)["data"]
    assert uuid.UUID(retried)
