"""The worker as a process: end to end from a report write to a receiver, through crashes."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

from app.core.config import Settings
from db.session import Database
from tests.asgi import serve
from tests.factories import Keys, make_endpoint
from tests.receiver import Answer, Receiver
from tests.reports.helpers import REPORTS, batch, item
from tests.worker.helpers import all_deliveries, delivery_settings
from tests.worker.process import own_redis, running_workers, worker_env


async def wait_until_delivered(db: Database, count: int, timeout: float = 60) -> None:
    async with asyncio.timeout(timeout):
        while True:
            rows = await all_deliveries(db)
            if len(rows) >= count and all(row.status == "delivered" for row in rows):
                return
            await asyncio.sleep(0.1)


async def test_report_write_reaches_the_receiver(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    url = receiver.script("/hook", Answer(200))
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    with running_workers(worker_env(cli_env)) as [worker]:
        async with serve(settings) as api:
            response = await api.post(
                REPORTS.format("acme"),
                json=batch(item("a", publishedAt="2026-01-01T00:00:00Z")),
                headers={**tenant_keys.headers, "X-Correlation-Id": "trace-9"},
            )
            assert response.status_code == 200
            requests = await receiver.wait_for("/hook", 2)
        await wait_until_delivered(db, 2)
        assert await worker.terminate() == 0, worker.output()
    assert sorted(r.headers["x-correlation-id"] for r in requests) == ["trace-9", "trace-9"]
    assert len({r.headers["webhook-id"] for r in requests}) == 2


async def post_report(settings: Settings, keys: Keys, slug: str = "a") -> None:
    async with serve(settings) as api:
        response = await api.post(
            REPORTS.format("acme"), json=batch(item(slug)), headers=keys.headers
        )
    assert response.status_code == 200


async def test_sigterm_finishes_the_attempt_in_flight(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    url = receiver.script("/hook", Answer(200, delay=1.5))
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    with running_workers(worker_env(cli_env, webhook_timeout_seconds="5")) as [worker]:
        await post_report(settings, tenant_keys)
        await receiver.wait_for("/hook", 1)
        assert await worker.terminate() == 0, worker.output()
    [row] = await all_deliveries(db)
    assert (row.status, row.attempts) == ("delivered", 1)


async def test_worker_killed_mid_delivery_loses_nothing(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    url = receiver.script("/hook", Answer(200, delay=30), Answer(200))
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    env = worker_env(cli_env, webhook_timeout_seconds="2")
    with running_workers(env) as [first]:
        await post_report(settings, tenant_keys)
        await receiver.wait_for("/hook", 1)
        first.kill()
    with running_workers(env) as [second]:
        requests = await receiver.wait_for("/hook", 2)
        await wait_until_delivered(db, 1)
        assert await second.terminate() == 0
    assert requests[0].headers["webhook-id"] == requests[1].headers["webhook-id"]
    [row] = await all_deliveries(db)
    assert (row.status, row.attempts) == ("delivered", 2)


async def test_redis_restart_loses_nothing(
    db: Database,
    database_url: str,
    tenant_keys: Keys,
    receiver: Receiver,
    cli_env: dict[str, str],
) -> None:
    url = receiver.script("/hook", Answer(200))
    with own_redis() as redis_server:
        redis_url = redis_server.url
        settings = delivery_settings(database_url, redis_url)
        await make_endpoint(db, settings, tenant_keys.tenant, url)
        with running_workers(worker_env(cli_env, redis_url=redis_url)) as [worker]:
            await post_report(settings, tenant_keys, "before")
            await receiver.wait_for("/hook", 1)
            redis_server.stop()
            await post_report(settings, tenant_keys, "during")  # the API keeps serving
            await asyncio.sleep(1)
            redis_server.start()
            await post_report(settings, tenant_keys, "after")
            await wait_until_delivered(db, 3)
            assert await worker.terminate() == 0, worker.output()
    slugs = sorted(json.loads(r.body)["data"]["slug"] for r in receiver.at("/hook"))
    assert slugs == ["after", "before", "during"]


async def test_two_workers_attempt_each_step_once(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    url = receiver.script("/hook", Answer(500))
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    env = worker_env(cli_env, webhook_retry_schedule="0,1")
    with running_workers(env, count=2) as workers:
        async with serve(settings) as api:
            for index in range(10):
                response = await api.post(
                    REPORTS.format("acme"),
                    json=batch(item(f"r{index}"), item(f"s{index}")),
                    headers=tenant_keys.headers,
                )
                assert response.status_code == 200
        async with asyncio.timeout(60):
            while True:
                rows = await all_deliveries(db)
                if len(rows) == 20 and all(row.status == "dead" for row in rows):
                    break
                await asyncio.sleep(0.2)
        for worker in workers:
            assert await worker.terminate() == 0
    assert all(row.attempts == 2 for row in rows)
    per_event = Counter(r.headers["webhook-id"] for r in receiver.at("/hook"))
    assert len(per_event) == 20
    assert set(per_event.values()) == {2}


async def test_dead_delivery_retried_through_the_api_is_delivered(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    url = receiver.script("/hook", Answer(500))
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    with running_workers(worker_env(cli_env, webhook_retry_schedule="0")) as [worker]:
        async with serve(settings) as api:
            await api.post(
                REPORTS.format("acme"), json=batch(item("a")), headers=tenant_keys.headers
            )
            async with asyncio.timeout(60):
                while not (rows := await all_deliveries(db)) or rows[0].status != "dead":
                    await asyncio.sleep(0.1)
            receiver.script("/hook", Answer(200))
            retried = await api.post(
                f"/v1/tenants/acme/webhook-deliveries/{rows[0].id}/retry",
                headers=tenant_keys.headers,
            )
            assert retried.status_code == 202, retried.text
            assert retried.json()["data"]["status"] == "pending"
            await wait_until_delivered(db, 1)
        assert await worker.terminate() == 0
    [row] = await all_deliveries(db)
    assert (row.status, row.attempts) == ("delivered", 2)
