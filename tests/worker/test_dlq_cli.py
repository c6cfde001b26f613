"""`aetherflow dlq list|retry`: dead deliveries seen and sent back by an operator."""

from __future__ import annotations

import uuid

import pytest
from redis.asyncio import Redis

from app.core.config import Settings
from db.session import Database
from tests.factories import UNKNOWN_ID, Keys, make_delivery, make_endpoint
from tests.tenants.test_cli import aetherflow, ok_json
from tests.worker.helpers import delivery

URL = "https://hooks.example.com/x"


async def test_list_shows_dead_deliveries_with_the_last_error(
    db: Database, settings: Settings, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    other_endpoint, _ = await make_endpoint(db, settings, tenant_keys.other_tenant, URL)
    dead = await make_delivery(
        db,
        endpoint,
        tenant_keys.tenant,
        status="dead",
        attempts=8,
        last_status_code=503,
        last_error="HTTP 503",
    )
    await make_delivery(db, endpoint, tenant_keys.tenant, status="pending")
    other_dead = await make_delivery(db, other_endpoint, tenant_keys.other_tenant, status="dead")

    everything = ok_json(cli_env, "dlq", "list")["data"]
    assert {row["id"] for row in everything} == {str(dead), str(other_dead)}
    [row] = ok_json(cli_env, "dlq", "list", "--tenant", "acme")["data"]
    assert row["kind"] == "delivery"
    assert row["id"] == str(dead)
    assert row["tenantId"] == str(tenant_keys.tenant.id)
    assert (row["lastError"], row["lastStatusCode"], row["attempts"]) == ("HTTP 503", 503, 8)
    assert row["endpointId"] == str(endpoint.id)
    assert row["eventType"] == "report.created"


async def test_retry_one_and_all(
    db: Database, settings: Settings, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    first = await make_delivery(
        db, endpoint, tenant_keys.tenant, status="dead", attempts=3, schedule_step=3
    )
    second = await make_delivery(
        db, endpoint, tenant_keys.tenant, status="dead", attempts=2, schedule_step=2
    )
    result = aetherflow(cli_env, "dlq", "retry", "--tenant", "acme", "--id", str(first))
    assert result.returncode == 0, result.stderr
    row = await delivery(db, first)
    assert (row.status, row.attempts, row.schedule_step) == ("pending", 3, 0)
    assert ok_json(cli_env, "dlq", "retry", "--tenant", "acme", "--all")["data"] == [str(second)]
    assert (await delivery(db, second)).status == "pending"
    assert ok_json(cli_env, "dlq", "list")["data"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["dlq", "retry", "--tenant", "acme"], "one of the arguments --id --all is required"),
        (["dlq", "retry", "--tenant", "acme", "--id", "nope"], "must be a UUID"),
        (["dlq", "retry", "--tenant", "acme", "--id", UNKNOWN_ID, "--all"], "not allowed"),
        (["dlq", "retry", "--tenant", "acme", "--id", UNKNOWN_ID], "No such"),
        (["dlq", "retry", "--tenant", "nobody", "--all"], "No such tenant"),
        (["dlq", "list", "--tenant", "nobody"], "No such tenant"),
    ],
)
async def test_bad_input_exits_2(
    db: Database, tenant_keys: Keys, cli_env: dict[str, str], args: list[str], message: str
) -> None:
    result = aetherflow(cli_env, *args)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert message in line


async def test_retrying_a_pending_delivery_is_refused(
    db: Database, settings: Settings, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    pending = await make_delivery(db, endpoint, tenant_keys.tenant, status="pending")
    result = aetherflow(cli_env, "dlq", "retry", "--tenant", "acme", "--id", str(pending))
    assert result.returncode == 2
    assert "Only a dead delivery can be retried." in result.stderr


async def test_dispatch_exhausted_runs_are_listed_and_retried(
    db: Database, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    from sqlalchemy import insert

    from db.models.automation_run import AutomationRun

    run_id = uuid.uuid4()
    error = {
        "code": "dispatch_exhausted",
        "message": "The provider answered HTTP 503.",
        "statusCode": 503,
        "attempts": 5,
    }
    async with db.unit_of_work() as session:
        await session.execute(
            insert(AutomationRun).values(
                id=run_id,
                tenant_id=tenant_keys.tenant.id,
                flow_id="f",
                provider="activepieces",
                status="failed",
                correlation_id="c-1",
                input={},
                error=error,
                attempts=5,
                schedule_step=5,
            )
        )
        await session.execute(
            insert(AutomationRun).values(
                id=uuid.uuid4(),
                tenant_id=tenant_keys.tenant.id,
                flow_id="f",
                provider="activepieces",
                status="failed",
                correlation_id="c-2",
                input={},
                error={"code": "dispatch_rejected"},
                attempts=1,
            )
        )
    [row] = ok_json(cli_env, "dlq", "list", "--tenant", "acme")["data"]
    table = aetherflow(cli_env, "dlq", "list", "--tenant", "acme").stdout.splitlines()
    assert table[1].split()[:3] == ["automation_run", str(run_id), "5"]
    assert table[1].endswith(" The provider answered HTTP 503.")
    assert row["kind"] == "automation_run"
    assert row["id"] == str(run_id)
    assert (row["lastError"], row["lastStatusCode"], row["attempts"]) == (
        "The provider answered HTTP 503.",
        503,
        5,
    )
    assert ok_json(cli_env, "dlq", "retry", "--tenant", "acme", "--id", str(run_id))["data"] == [
        str(run_id)
    ]
    async with db.unit_of_work() as session:
        run = await session.get(AutomationRun, run_id)
    assert run is not None
    assert (run.status, run.attempts, run.schedule_step, run.error) == ("queued", 5, 0, None)
    assert run.next_attempt_at is not None
    assert ok_json(cli_env, "dlq", "list")["data"] == []


async def test_a_retried_run_is_published_to_live_subscribers(
    db: Database, redis: Redis, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    """Every change of a run's state is published after its commit, the CLI's too."""
    import asyncio
    import json

    from sqlalchemy import insert

    from app.automation_runs.live import channel
    from db.models.automation_run import AutomationRun

    run_id = uuid.uuid4()
    async with db.unit_of_work() as session:
        await session.execute(
            insert(AutomationRun).values(
                id=run_id, tenant_id=tenant_keys.tenant.id, flow_id="f",
                provider="activepieces", status="failed", correlation_id="c-1", input={},
                error={"code": "dispatch_exhausted"}, attempts=5, schedule_step=5,
            )
        )  # fmt: skip
    pubsub = redis.pubsub()
    await pubsub.subscribe(channel(tenant_keys.tenant.id))
    try:
        await asyncio.to_thread(
            ok_json, cli_env, "dlq", "retry", "--tenant", "acme", "--id", str(run_id)
        )
        async with asyncio.timeout(30):
            message = None
            while message is None:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
    published = json.loads(message["data"])
    assert (published["id"], published["status"]) == (str(run_id), "queued")
