"""CONTRACT.md §14 recover, end to end: real worker processes carry a recovery out and send what
it recovers to a real receiver; a stalled recovery resumes from its last committed batch; the
CLI follows a recovery with its progress on stderr."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text, update

from app.core.config import Settings
from app.webhooks import recovery as recoveries
from db.models.webhook_delivery import WebhookDelivery
from db.models.webhook_recovery import WebhookRecovery
from db.session import Database
from tests.asgi import serve
from tests.factories import Keys, make_delivery, make_endpoint
from tests.receiver import Answer, Receiver
from tests.tenants.test_cli import aetherflow
from tests.worker.helpers import all_deliveries
from tests.worker.process import running_workers, worker_env

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
DEAD = 30
SKIPPED = 12


async def dead_and_skipped(db: Database, endpoint_id: uuid.UUID, keys: Keys) -> list[uuid.UUID]:
    ids = []
    for index in range(DEAD + SKIPPED):
        status = "dead" if index < DEAD else "skipped"
        ids.append(
            await make_delivery(
                db,
                endpoint_id,
                keys.tenant,
                status=status,
                attempts=4 if status == "dead" else 0,
                schedule_step=4 if status == "dead" else 0,
                created_at=T0 + timedelta(seconds=index),
            )
        )
    return ids


async def wait_for_recovery(
    db: Database, keys: Keys, recovery_id: uuid.UUID, timeout: float = 90
) -> WebhookRecovery:
    async with asyncio.timeout(timeout):
        while True:
            async with db.unit_of_work() as session:
                recovery = await recoveries.get_recovery(
                    session, tenant_id=keys.tenant.id, recovery_id=recovery_id
                )
            if recovery.status != "running":
                return recovery
            await asyncio.sleep(0.2)


async def wait_until_all_delivered(db: Database, count: int, timeout: float = 90) -> None:
    async with asyncio.timeout(timeout):
        while True:
            rows = await all_deliveries(db)
            if sum(row.status == "delivered" for row in rows) >= count:
                return
            await asyncio.sleep(0.2)


async def test_a_recovery_is_carried_out_by_the_worker_and_delivered(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    url = receiver.script("/hook", Answer(200))
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, url)
    ids = await dead_and_skipped(db, endpoint.id, tenant_keys)
    with running_workers(worker_env(cli_env)) as [worker]:
        async with serve(settings) as api:
            await asyncio.sleep(1)  # the worker has created the consumer group
            response = await api.post(
                f"/v1/tenants/acme/webhook-endpoints/{endpoint.id}/recover",
                json={"since": "2026-11-01T12:00:00Z"},
                headers=tenant_keys.headers,
            )
            assert response.status_code == 202, response.text
            location = response.headers["location"]
            assert response.json()["data"]["total"] == DEAD + SKIPPED
            async with asyncio.timeout(90):
                while True:
                    progress = (await api.get(location, headers=tenant_keys.headers)).json()
                    if progress["data"]["status"] != "running":
                        break
                    await asyncio.sleep(0.2)
        assert progress["data"]["status"] == "completed", worker.output()
        assert progress["data"]["done"] == progress["data"]["total"] == DEAD + SKIPPED
        assert progress["data"]["failed"] == 0
        await wait_until_all_delivered(db, len(ids))
    received = await receiver.wait_for("/hook", len(ids))
    assert len({request.headers["webhook-id"] for request in received}) == len(ids)
    rows = {row.id: row for row in await all_deliveries(db)}
    # Attempts keep counting: the dead ones had 4 already.
    assert sorted(rows[i].attempts for i in ids) == [1] * SKIPPED + [5] * DEAD


async def test_a_stalled_recovery_resumes_after_its_last_committed_batch(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    """As a worker killed mid-recovery leaves it: some batches committed, no task queued."""
    url = receiver.script("/hook", Answer(200))
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, url)
    ids = await dead_and_skipped(db, endpoint.id, tenant_keys)
    window = recoveries.window(endpoint.id, since=T0, until=None)
    async with db.unit_of_work() as session:
        recovery = await recoveries.start_recovery(
            session, tenant_id=tenant_keys.tenant.id, window=window
        )
    async with db.unit_of_work() as session:
        first = await recoveries.recover_batch(session, recovery_id=recovery.id, batch_size=10)
        assert first is not None
        assert (first.revived, first.finished) == (10, False)
        await session.execute(
            update(WebhookRecovery)
            .where(WebhookRecovery.id == recovery.id)
            .values(updated_at=datetime.now(UTC) - timedelta(minutes=5))
        )
    with running_workers(worker_env(cli_env)) as [worker]:
        done = await wait_for_recovery(db, tenant_keys, recovery.id)
        assert (done.status, done.done, done.total, done.failed) == (
            "completed",
            len(ids),
            len(ids),
            0,
        ), worker.output()
        await wait_until_all_delivered(db, len(ids))
    received = await receiver.wait_for("/hook", len(ids))
    assert len(received) == len(ids)


async def test_cli_recover_shows_progress_on_stderr_and_the_recovery_on_stdout(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    url = receiver.script("/hook", Answer(200))
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, url)
    ids = await dead_and_skipped(db, endpoint.id, tenant_keys)
    args = ["webhooks", "recover", "--tenant", "acme", "--endpoint", str(endpoint.id)]
    window = ["--since", "2026-11-01T12:00:00Z", "--until", "2026-11-01T12:00:40Z"]
    dry = await asyncio.to_thread(aetherflow, cli_env, *args, *window, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    preview: dict[str, Any] = json.loads(dry.stdout)["data"]
    assert preview["count"] == 40
    assert preview["sample"] == [str(i) for i in ids[:10]]
    with running_workers(worker_env(cli_env)) as [worker]:
        await asyncio.sleep(1)  # the worker has created the consumer group
        result = await asyncio.to_thread(aetherflow, cli_env, *args, *window, "--json")
        assert result.returncode == 0, result.stderr + worker.output()
        recovery = json.loads(result.stdout)["data"]
        print(f"\nstderr:\n{result.stderr}stdout: {result.stdout}")  # noqa: T201 - the progress
        assert (recovery["status"], recovery["done"], recovery["total"]) == ("completed", 40, 40)
        lines = result.stderr.splitlines()
        assert lines[0] == "recovering: 0/40"
        assert lines[-1] == "recovering: 40/40"
        await wait_until_all_delivered(db, 40)
    text = await asyncio.to_thread(
        aetherflow, cli_env, *args, "--since", "2026-11-01T12:00:00Z", "--dry-run"
    )
    assert text.stdout.strip() == "dry run: 2 would be sent back to pending; nothing changed"


BULK = 1200


async def many_dead(db: Database, keys: Keys, endpoint_id: uuid.UUID) -> list[uuid.UUID]:
    """BULK dead deliveries a second apart from T0, written in two statements; their ids in
    recovery order."""
    async with db.unit_of_work() as session:
        await session.execute(
            text(
                "INSERT INTO outbox_events (id, tenant_id, event_type, payload, relayed_at) "
                "SELECT gen_random_uuid(), :tenant, 'report.created', '{\"id\": \"x\"}', now() "
                "FROM generate_series(1, :count)"
            ),
            {"tenant": keys.tenant.id, "count": BULK},
        )
        rows = await session.execute(
            text(
                "INSERT INTO webhook_deliveries "
                "(id, tenant_id, endpoint_id, event_id, status, attempts, schedule_step, "
                "created_at) "
                "SELECT gen_random_uuid(), :tenant, :endpoint, e.id, 'dead', 1, 1, "
                "CAST(:t0 AS timestamptz) "
                "+ make_interval(secs => row_number() OVER (ORDER BY e.id)) "
                "FROM outbox_events AS e WHERE e.tenant_id = :tenant "
                "RETURNING id, created_at"
            ),
            {"tenant": keys.tenant.id, "endpoint": endpoint_id, "t0": T0},
        )
        return [row.id for row in sorted(rows, key=lambda row: (row.created_at, row.id))]


async def test_a_recovery_resumes_after_its_worker_is_killed_mid_way(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    """The worker's second batch waits on rows this test holds; the worker is killed with
    SIGKILL meanwhile. Another worker finishes the recovery from its last committed batch."""
    url = receiver.script("/hook", Answer(200))
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, url)
    ids = await many_dead(db, tenant_keys, endpoint.id)
    held = ids[recoveries.BATCH_SIZE + 10 : recoveries.BATCH_SIZE + 20]
    async with db.sessions() as blocker, blocker.begin():
        await blocker.execute(
            select(WebhookDelivery.id).where(WebhookDelivery.id.in_(held)).with_for_update()
        )
        with running_workers(worker_env(cli_env)) as [first]:
            async with serve(settings) as api:
                await asyncio.sleep(1)  # the worker has created the consumer group
                response = await api.post(
                    f"/v1/tenants/acme/webhook-endpoints/{endpoint.id}/recover",
                    json={"since": "2026-11-01T12:00:00Z"},
                    headers=tenant_keys.headers,
                )
            assert response.status_code == 202, response.text
            recovery_id = uuid.UUID(response.json()["data"]["id"])
            async with asyncio.timeout(60):
                while (await progress(db, tenant_keys, recovery_id)).done < recoveries.BATCH_SIZE:
                    await asyncio.sleep(0.1)
            await asyncio.sleep(1)  # the second batch is waiting on the held rows
            first.kill()
        midway = await progress(db, tenant_keys, recovery_id)
        assert (midway.status, midway.done) == ("running", recoveries.BATCH_SIZE)
    with running_workers(worker_env(cli_env)) as [second]:
        done = await wait_for_recovery(db, tenant_keys, recovery_id, timeout=120)
        assert (done.status, done.done, done.total, done.failed) == ("completed", BULK, BULK, 0), (
            second.output()
        )
        await wait_until_all_delivered(db, BULK, timeout=180)
    rows = {row.id: row for row in await all_deliveries(db)}
    assert all(rows[i].status == "delivered" for i in ids)


async def progress(db: Database, keys: Keys, recovery_id: uuid.UUID) -> WebhookRecovery:
    async with db.unit_of_work() as session:
        return await recoveries.get_recovery(
            session, tenant_id=keys.tenant.id, recovery_id=recovery_id
        )


async def test_events_skipped_while_disabled_are_recovered_after_re_enabling(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    """The whole §14 path: disabled by hand, the endpoint's events become skipped deliveries and
    its receiver gets nothing; enabled again, a recover (its dry run counting the same) sends
    each of them once."""
    url = receiver.script("/hook", Answer(200))
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, url)
    path = f"/v1/tenants/acme/webhook-endpoints/{endpoint.id}"
    since = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    with running_workers(worker_env(cli_env)) as [worker]:
        async with serve(settings) as api:
            disabled = await api.patch(path, json={"enabled": False}, headers=tenant_keys.headers)
            assert disabled.json()["data"]["disabledReason"] == "manual"
            written = await api.post(
                "/v1/tenants/acme/reports",
                json={"reports": [{"slug": f"s{i}", "title": "t"} for i in range(3)]},
                headers=tenant_keys.headers,
            )
            assert written.status_code == 200, written.text
            async with asyncio.timeout(60):
                while True:
                    rows = await all_deliveries(db)
                    if len(rows) == 3:
                        break
                    await asyncio.sleep(0.2)
            assert {row.status for row in rows} == {"skipped"}, worker.output()
            enabled = await api.patch(path, json={"enabled": True}, headers=tenant_keys.headers)
            assert enabled.json()["data"]["disabledAt"] is None
            await asyncio.sleep(1)  # a skipped delivery is never attempted
            assert receiver.at("/hook") == []

            body = {"since": since, "statuses": ["skipped"]}
            dry = await api.post(
                f"{path}/recover", json=body | {"dryRun": True}, headers=tenant_keys.headers
            )
            assert dry.status_code == 200, dry.text
            assert dry.json()["data"]["count"] == 3
            assert sorted(dry.json()["data"]["sample"]) == sorted(str(row.id) for row in rows)
            started = await api.post(f"{path}/recover", json=body, headers=tenant_keys.headers)
            assert started.status_code == 202, started.text
            recovery_id = uuid.UUID(started.json()["data"]["id"])
        recovery = await wait_for_recovery(db, tenant_keys, recovery_id)
        assert (recovery.status, recovery.total, recovery.done) == ("completed", 3, 3)
        await wait_until_all_delivered(db, 3)
    received = await receiver.wait_for("/hook", 3)
    assert sorted(request.headers["webhook-id"] for request in received) == sorted(
        str(row.event_id) for row in rows
    )
    assert {json.loads(request.body)["type"] for request in received} == {"report.created"}
