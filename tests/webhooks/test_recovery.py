"""CONTRACT.md §14 recover: dry run, start, progress, and every refusal (no worker here: the
batches are run through the service, as the worker's task runs them)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select, text, update

from app.core.config import Settings
from app.webhooks import recovery as recoveries
from db.models.webhook_delivery import WebhookDelivery
from db.models.webhook_recovery import WebhookRecovery
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.factories import UNKNOWN_ID, Keys, bearer, make_delivery, make_endpoint, make_key
from tests.tenants.test_cli import aetherflow

URL = "https://hooks.example.com/x"
RECOVER = "/v1/tenants/acme/webhook-endpoints/{}/recover"
RECOVERY = "/v1/tenants/acme/webhook-recoveries/{}"
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
RECOVERY_FIELDS = {
    "id",
    "endpointId",
    "status",
    "total",
    "done",
    "failed",
    "createdAt",
    "completedAt",
}


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


async def recoveries_count(db: Database) -> int:
    async with db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(WebhookRecovery)) or 0)


async def statuses(db: Database, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, int, int]]:
    async with db.unit_of_work() as session:
        rows = await session.execute(
            select(
                WebhookDelivery.id,
                WebhookDelivery.status,
                WebhookDelivery.attempts,
                WebhookDelivery.schedule_step,
            ).where(WebhookDelivery.id.in_(ids))
        )
        return {row.id: (row.status, row.attempts, row.schedule_step) for row in rows}


async def history(db: Database, settings: Settings, keys: Keys) -> dict[str, Any]:
    """An endpoint with dead, skipped, delivered and pending deliveries at minutes 0..9, and a
    dead one of another endpoint in the same window."""
    endpoint, _ = await make_endpoint(db, settings, keys.tenant, URL)
    other, _ = await make_endpoint(db, settings, keys.tenant, URL)
    made: dict[str, list[uuid.UUID]] = {"dead": [], "skipped": [], "delivered": [], "pending": []}
    kinds = ["dead", "skipped", "delivered", "pending", "dead"] * 2
    for minute, kind in enumerate(kinds):
        made[kind].append(
            await make_delivery(
                db,
                endpoint,
                keys.tenant,
                status=kind,
                attempts=3 if kind == "dead" else 0,
                schedule_step=3 if kind == "dead" else 0,
                created_at=at(minute),
            )
        )
    await make_delivery(db, other, keys.tenant, status="dead", created_at=at(1))
    return {"endpoint": endpoint, "made": made}


async def run_to_end(db: Database, recovery_id: uuid.UUID, batch_size: int) -> int:
    """Run the recovery's batches as the worker does; how many batches ran."""
    batches = 0
    while True:
        async with db.unit_of_work() as session:
            batch = await recoveries.recover_batch(
                session, recovery_id=recovery_id, batch_size=batch_size
            )
        if batch is None or batch.finished:
            return batches + (batch is not None)
        batches += 1


async def test_dry_run_counts_what_the_recovery_then_recovers(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    setup = await history(db, settings, tenant_keys)
    endpoint, made = setup["endpoint"], setup["made"]
    body = {"since": stamp(at(1)), "until": stamp(at(9))}
    dry = await client.post(
        RECOVER.format(endpoint.id), json={**body, "dryRun": True}, headers=tenant_keys.headers
    )
    assert dry.status_code == 200, dry.text
    # Minutes 1..8: dead at 4, 5; skipped at 1, 6.
    expected = {made["skipped"][0], made["dead"][1], made["dead"][2], made["skipped"][1]}
    assert dry.json()["data"]["count"] == len(expected)
    assert [uuid.UUID(i) for i in dry.json()["data"]["sample"]] == [
        made["skipped"][0],
        made["dead"][1],
        made["dead"][2],
        made["skipped"][1],
    ]
    assert await recoveries_count(db) == 0
    assert {s for s, _, _ in (await statuses(db, list(expected))).values()} <= {"dead", "skipped"}

    started = await client.post(RECOVER.format(endpoint.id), json=body, headers=tenant_keys.headers)
    assert started.status_code == 202, started.text
    recovery = started.json()["data"]
    assert set(recovery) == RECOVERY_FIELDS
    assert (recovery["status"], recovery["total"], recovery["done"], recovery["failed"]) == (
        "running",
        4,
        0,
        0,
    )
    assert recovery["endpointId"] == str(endpoint.id)
    assert recovery["completedAt"] is None
    location = f"/v1/tenants/{tenant_keys.tenant.id}/webhook-recoveries/{recovery['id']}"
    assert started.headers["location"] == location

    # 3, then 1, then an empty batch that ends it.
    assert await run_to_end(db, uuid.UUID(recovery["id"]), batch_size=3) == 3
    read = await client.get(location, headers=tenant_keys.headers)
    assert read.status_code == 200
    done = read.json()["data"]
    assert (done["status"], done["total"], done["done"], done["failed"]) == ("completed", 4, 4, 0)
    assert done["completedAt"] is not None

    after = await statuses(db, [*made["dead"], *made["skipped"]])
    for delivery_id in expected:
        status, attempts, step = after[delivery_id]
        assert (status, step) == ("pending", 0)
        assert attempts == (3 if delivery_id in made["dead"] else 0)
    # Outside the window: untouched.
    assert after[made["dead"][0]][0] == "dead"
    assert after[made["dead"][3]][0] == "dead"
    assert after[made["skipped"][0]][0] == "pending"
    # The other endpoint's, and the delivered and pending ones, are as they were.
    assert {s for s, _, _ in (await statuses(db, made["delivered"])).values()} == {"delivered"}


async def test_statuses_narrow_the_recovery_and_until_defaults_to_now(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    setup = await history(db, settings, tenant_keys)
    endpoint, made = setup["endpoint"], setup["made"]
    response = await client.post(
        RECOVER.format(endpoint.id),
        json={"since": stamp(at(0)), "statuses": ["skipped"], "dryRun": True},
        headers=tenant_keys.headers,
    )
    assert response.status_code == 200
    assert response.json()["data"] == {
        "count": 2,
        "sample": [str(made["skipped"][0]), str(made["skipped"][1])],
    }


async def test_a_recovery_with_nothing_to_recover_is_completed_at_once(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    response = await client.post(
        RECOVER.format(endpoint.id), json={"since": stamp(at(0))}, headers=tenant_keys.headers
    )
    assert response.status_code == 202
    data = response.json()["data"]
    assert (data["status"], data["total"], data["done"]) == ("completed", 0, 0)
    assert data["completedAt"] is not None


async def test_an_idempotent_replay_returns_the_same_recovery_and_starts_no_other(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    setup = await history(db, settings, tenant_keys)
    endpoint = setup["endpoint"]
    headers = {**tenant_keys.headers, "Idempotency-Key": "recover-1"}
    body = {"since": stamp(at(0))}
    first = await client.post(RECOVER.format(endpoint.id), json=body, headers=headers)
    second = await client.post(RECOVER.format(endpoint.id), json=body, headers=headers)
    assert first.status_code == second.status_code == 202
    assert second.content == first.content
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await recoveries_count(db) == 1
    reused = await client.post(
        RECOVER.format(endpoint.id), json={**body, "dryRun": True}, headers=headers
    )
    assert_error(reused, 422, "idempotency_key_reused")


async def test_a_disabled_endpoint_is_409_and_nothing_is_written(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    dead = await make_delivery(db, endpoint, tenant_keys.tenant, status="dead", created_at=at(1))
    patched = await client.patch(
        f"/v1/tenants/acme/webhook-endpoints/{endpoint.id}",
        json={"enabled": False},
        headers=tenant_keys.headers,
    )
    assert patched.status_code == 200
    for dry_run in (False, True):
        response = await client.post(
            RECOVER.format(endpoint.id),
            json={"since": stamp(at(0)), "dryRun": dry_run},
            headers={**tenant_keys.headers, "Idempotency-Key": f"disabled-{dry_run}"},
        )
        assert_error(response, 409, "conflict")
    assert await recoveries_count(db) == 0
    assert (await statuses(db, [dead]))[dead][0] == "dead"


async def test_unknown_endpoints_and_recoveries_are_404(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    theirs, _ = await make_endpoint(db, settings, tenant_keys.other_tenant, URL)
    body = {"since": stamp(at(0))}
    for endpoint_id in (UNKNOWN_ID, "not-a-uuid", str(theirs.id)):
        response = await client.post(
            RECOVER.format(endpoint_id), json=body, headers=tenant_keys.headers
        )
        assert_error(response, 404, "not_found")
    assert await recoveries_count(db) == 0
    for recovery_id in (UNKNOWN_ID, "nope"):
        assert_error(
            await client.get(RECOVERY.format(recovery_id), headers=tenant_keys.headers),
            404,
            "not_found",
        )
    # Another tenant's recovery is not found either.
    started = await client.post(
        f"/v1/tenants/globex/webhook-endpoints/{theirs.id}/recover",
        json=body,
        headers=bearer(tenant_keys.other_key),
    )
    assert started.status_code == 202
    their_recovery = started.json()["data"]["id"]
    assert_error(
        await client.get(RECOVERY.format(their_recovery), headers=tenant_keys.headers),
        404,
        "not_found",
    )


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-11-01T12:00:00"}, "since"),  # no offset
        ({"since": stamp(at(5)), "until": stamp(at(4))}, None),
        ({"since": stamp(at(0)), "statuses": ["pending"]}, "statuses"),
        ({"since": stamp(at(0)), "statuses": []}, "statuses"),
        ({"since": stamp(at(0)), "dryRun": "yes"}, "dryRun"),
        ({"since": stamp(at(0)), "extra": 1}, "extra"),
    ],
)
async def test_bad_input_is_422_and_nothing_is_written(
    client: httpx.AsyncClient,
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    body: dict[str, Any],
    path: str | None,
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    response = await client.post(
        RECOVER.format(endpoint.id),
        json=body,
        headers={**tenant_keys.headers, "Idempotency-Key": "bad-1"},
    )
    error = assert_error(response, 422, "validation_error")
    if path is not None:
        assert any(path in item["path"] for item in error["details"]), error
    assert await recoveries_count(db) == 0


async def test_recover_needs_webhooks_write_and_reading_needs_webhooks_read(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    reader = await make_key(db, settings, tenant_keys.tenant, scopes=["webhooks:read"])
    writer_only = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:read"])
    response = await client.post(
        RECOVER.format(endpoint.id), json={"since": stamp(at(0))}, headers=bearer(reader)
    )
    error = assert_error(response, 403, "insufficient_scope")
    assert error["details"]["requiredScope"] == "webhooks:write"
    assert await recoveries_count(db) == 0
    started = await client.post(
        RECOVER.format(endpoint.id), json={"since": stamp(at(0))}, headers=tenant_keys.headers
    )
    location = started.headers["location"]
    assert (await client.get(location, headers=bearer(reader))).status_code == 200
    error = assert_error(
        await client.get(location, headers=bearer(writer_only)), 403, "insufficient_scope"
    )
    assert error["details"]["requiredScope"] == "webhooks:read"


async def test_a_recovery_fails_once_its_endpoint_is_disabled(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    for minute in range(5):
        await make_delivery(db, endpoint, tenant_keys.tenant, status="dead", created_at=at(minute))
    started = await client.post(
        RECOVER.format(endpoint.id), json={"since": stamp(at(0))}, headers=tenant_keys.headers
    )
    recovery_id = uuid.UUID(started.json()["data"]["id"])
    async with db.unit_of_work() as session:
        await recoveries.recover_batch(session, recovery_id=recovery_id, batch_size=2)
    await client.patch(
        f"/v1/tenants/acme/webhook-endpoints/{endpoint.id}",
        json={"enabled": False},
        headers=tenant_keys.headers,
    )
    await run_to_end(db, recovery_id, batch_size=2)
    data = (await client.get(started.headers["location"], headers=tenant_keys.headers)).json()
    assert (data["data"]["status"], data["data"]["done"], data["data"]["failed"]) == (
        "failed",
        2,
        3,
    )


async def test_a_resumed_recovery_starts_after_its_last_committed_batch(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    """A recovery's progress is its cursor: a delivery recovered, then dead again, is not
    recovered a second time by the same recovery."""
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    ids = [
        await make_delivery(db, endpoint, tenant_keys.tenant, status="dead", created_at=at(m))
        for m in range(4)
    ]
    started = await client.post(
        RECOVER.format(endpoint.id), json={"since": stamp(at(0))}, headers=tenant_keys.headers
    )
    recovery_id = uuid.UUID(started.json()["data"]["id"])
    async with db.unit_of_work() as session:
        await recoveries.recover_batch(session, recovery_id=recovery_id, batch_size=2)
        # The first two died again meanwhile.
        await session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id.in_(ids[:2])).values(status="dead")
        )
    await run_to_end(db, recovery_id, batch_size=2)
    after = await statuses(db, ids)
    assert [after[i][0] for i in ids] == ["dead", "dead", "pending", "pending"]
    data = (await client.get(started.headers["location"], headers=tenant_keys.headers)).json()
    assert (data["data"]["status"], data["data"]["done"], data["data"]["total"]) == (
        "completed",
        4,
        4,
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--since", "yesterday"], "RFC 3339"),
        (["--since", "2026-11-01T12:00:00"], "RFC 3339"),
        (["--since", "2026-11-01T12:05:00Z", "--until", "2026-11-01T12:00:00Z"], "--until"),
        (["--since", "2026-11-01T12:00:00Z", "--tenant", "nobody"], "No such tenant"),
        (["--since", "2026-11-01T12:00:00Z", "--endpoint", UNKNOWN_ID], "No such webhook"),
        (["--since", "2026-11-01T12:00:00Z", "--endpoint", "nope"], "must be a UUID"),
    ],
)
async def test_cli_recover_refuses_bad_input_with_status_2(
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    cli_env: dict[str, str],
    extra: list[str],
    message: str,
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    args = ["webhooks", "recover", "--tenant", "acme", "--endpoint", str(endpoint.id), *extra]
    result = await asyncio.to_thread(aetherflow, cli_env, *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert await recoveries_count(db) == 0


async def test_cli_recover_of_a_disabled_endpoint_is_refused(
    db: Database, settings: Settings, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL, enabled=False)
    args = ["webhooks", "recover", "--tenant", "acme", "--endpoint", str(endpoint.id)]
    result = await asyncio.to_thread(aetherflow, cli_env, *args, "--since", "2026-11-01T12:00:00Z")
    assert result.returncode == 2
    assert "disabled" in result.stderr
    assert await recoveries_count(db) == 0


async def test_cli_recover_with_nothing_to_recover_ends_at_once(
    db: Database, settings: Settings, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    args = ["webhooks", "recover", "--tenant", "acme", "--endpoint", str(endpoint.id)]
    result = await asyncio.to_thread(aetherflow, cli_env, *args, "--since", "2026-11-01T12:00:00Z")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("recovery ")
    assert "completed: 0 of 0 sent back to pending" in result.stdout
    assert result.stderr.splitlines() == ["recovering: 0/0"]


async def test_a_delivery_that_dies_during_the_recovery_is_recovered_and_counted(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    for minute in (0, 1):
        await make_delivery(db, endpoint, tenant_keys.tenant, status="dead", created_at=at(minute))
    dying = await make_delivery(
        db, endpoint, tenant_keys.tenant, status="pending", created_at=at(2)
    )
    started = await client.post(
        RECOVER.format(endpoint.id),
        json={"since": stamp(at(0)), "until": stamp(at(3))},
        headers=tenant_keys.headers,
    )
    assert started.json()["data"]["total"] == 2
    async with db.unit_of_work() as session:
        await session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id == dying).values(status="dead")
        )
    await run_to_end(db, uuid.UUID(started.json()["data"]["id"]), batch_size=10)
    data = (await client.get(started.headers["location"], headers=tenant_keys.headers)).json()
    assert {k: data["data"][k] for k in ("status", "done", "total", "failed")} == {
        "status": "completed",
        "done": 3,
        "total": 3,
        "failed": 0,
    }


async def test_a_batch_reads_only_its_window_and_writes_by_primary_key(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    """Planned over 40,000 deliveries: the batch's rows come from an index range, and the
    update probes the primary key; nothing scans the table."""
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    async with db.unit_of_work() as session:
        await session.execute(
            text(
                "INSERT INTO outbox_events (id, tenant_id, event_type, payload) "
                "SELECT gen_random_uuid(), :tenant, 'report.created', '{}' "
                "FROM generate_series(1, 40000)"
            ),
            {"tenant": tenant_keys.tenant.id},
        )
        await session.execute(
            text(
                "INSERT INTO webhook_deliveries "
                "(id, tenant_id, endpoint_id, event_id, status, created_at) "
                "SELECT gen_random_uuid(), tenant_id, :endpoint, id, "
                "(ARRAY['delivered', 'dead', 'skipped', 'pending'])[1 + (random() * 3)::int], "
                "CAST(:t0 AS timestamptz) - make_interval(mins => (random() * 57600)::int) "
                "FROM outbox_events"
            ),
            {"endpoint": endpoint.id, "t0": T0},
        )
        await session.execute(text("ANALYZE webhook_deliveries"))
    started = await client.post(
        RECOVER.format(endpoint.id),
        json={"since": stamp(T0 - timedelta(days=2)), "until": stamp(T0)},
        headers=tenant_keys.headers,
    )
    recovery_id = uuid.UUID(started.json()["data"]["id"])
    sent: list[tuple[str, Any]] = []

    def capture(*args: Any) -> None:
        statement, parameters = args[2], args[3]
        if statement.startswith(("UPDATE webhook_deliveries", "WITH")):
            sent.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with db.unit_of_work() as session:
            batch = await recoveries.recover_batch(session, recovery_id=recovery_id)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    assert batch is not None
    assert batch.revived > 0
    [(statement, parameters)] = sent
    async with db.unit_of_work() as session:
        connection = await session.connection()
        plan = "\n".join(
            row[0] for row in await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        )
    assert "Seq Scan" not in plan, plan
    assert "pk_webhook_deliveries" in plan, plan
