"""Runs through the real processes: API over HTTP, a worker process, the signed callbacks."""

from __future__ import annotations

import asyncio
import json

import httpx
from redis.asyncio import Redis

from app.automation_runs.live import channel
from db.session import Database
from tests.automation_runs.helpers import RUNS, send_callback, wait_for_status
from tests.conftest import make_settings
from tests.factories import Keys
from tests.live import free_port, live_server
from tests.receiver import Answer, running_receiver
from tests.worker.process import running_workers, worker_env


async def test_sandbox_run_succeeds_through_api_and_worker(
    db: Database, database_url: str, redis_url: str, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    settings = make_settings(database_url, redis_url, public_base_url=public)
    env = worker_env(cli_env, public_base_url=public)
    async with (
        live_server(settings, port=port) as base_url,
        httpx.AsyncClient(base_url=base_url) as http,
    ):
        with running_workers(env) as [worker]:
            response = await http.post(
                RUNS.format("acme"),
                json={"flowId": "demo", "provider": "sandbox", "input": {"q": 42}},
                headers=tenant_keys.headers,
            )
            assert response.status_code == 202
            run = await wait_for_status(
                http, response.headers["location"], "succeeded", tenant_keys.headers
            )
            assert await worker.terminate() == 0
    assert run["output"] == {"q": 42}
    assert run["providerRunId"] == f"sandbox-{run['id']}"
    assert run["attempts"] == 1


async def test_activepieces_run_dispatched_by_the_worker_and_called_back(
    db: Database, database_url: str, redis_url: str, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    async with running_receiver() as activepieces:
        activepieces.script(
            "/api/v1/webhooks/flow_9", Answer(500), Answer(200, body=b'{"runId":"ap-1"}')
        )
        base = activepieces.url("")
        settings = make_settings(database_url, redis_url, activepieces_base_url=base)
        env = worker_env(cli_env, activepieces_base_url=base, automation_retry_schedule="0,1")
        async with live_server(settings) as base_url, httpx.AsyncClient(base_url=base_url) as http:
            with running_workers(env) as [worker]:
                response = await http.post(
                    RUNS.format("acme"),
                    json={"flowId": "flow_9", "correlationId": "order-9"},
                    headers=tenant_keys.headers,
                )
                url = response.headers["location"]
                running = await wait_for_status(http, url, "running", tenant_keys.headers)
                done = await send_callback(
                    http,
                    "acme",
                    {"correlationId": "order-9", "status": "succeeded", "output": {"ok": True}},
                )
                assert done.status_code == 200
                assert await worker.terminate() == 0
    assert (running["attempts"], running["providerRunId"]) == (2, "ap-1")
    assert done.json()["data"]["output"] == {"ok": True}


async def test_each_committed_change_is_published_for_live_subscribers(
    client: httpx.AsyncClient, tenant_keys: Keys, redis: Redis
) -> None:
    pubsub = redis.pubsub()
    await pubsub.subscribe(channel(tenant_keys.tenant.id))
    await pubsub.get_message(timeout=1)  # the subscription confirmation
    created = await client.post(
        RUNS.format("acme"),
        json={"flowId": "f", "correlationId": "c-1"},
        headers=tenant_keys.headers,
    )
    await send_callback(client, "acme", {"correlationId": "c-1", "status": "running"})
    await send_callback(client, "acme", {"correlationId": "c-1", "status": "succeeded"})
    statuses: list[str] = []
    async with asyncio.timeout(30):
        while len(statuses) < 3:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
            if message is not None:
                run = json.loads(message["data"])
                assert run["id"] == created.json()["data"]["id"]
                statuses.append(run["status"])
    await pubsub.unsubscribe()
    await pubsub.aclose()  # type: ignore[no-untyped-call]
    assert statuses == ["queued", "running", "succeeded"]
