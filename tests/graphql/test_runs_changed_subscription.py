"""`automationRunsChanged` over graphql-transport-ws: every run change of the tenant, made by
the API and by a real worker process, and none of another tenant's."""

from __future__ import annotations

from typing import Any

import httpx
from redis.asyncio import Redis

from app.automation_runs.live import channel
from db.session import Database
from tests.automation_runs.helpers import RUNS
from tests.conftest import make_settings
from tests.factories import Keys, bearer
from tests.graphql.sockets import collect, quiet_for, subscribed, wait_listening
from tests.live import free_port, live_server
from tests.worker.process import running_workers, worker_env

SUBSCRIBE = "subscription { automationRunsChanged { id status output } }"
FIELD = "automationRunsChanged"


def succeeded(run_id: str) -> Any:
    return lambda updates: any(u["id"] == run_id and u["status"] == "SUCCEEDED" for u in updates)


async def create_run(http: httpx.AsyncClient, tenant: str, key: str, n: int) -> str:
    created = await http.post(
        RUNS.format(tenant),
        json={"flowId": "demo", "provider": "sandbox", "input": {"n": n}},
        headers=bearer(key),
    )
    assert created.status_code == 202, created.text
    run_id: str = created.json()["data"]["id"]
    return run_id


async def test_each_run_change_of_the_tenant_reaches_its_subscribers_only(
    db: Database,
    database_url: str,
    redis_url: str,
    redis: Redis,
    tenant_keys: Keys,
    cli_env: dict[str, str],
) -> None:
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    settings = make_settings(database_url, redis_url, public_base_url=public)
    async with (
        live_server(settings, port=port) as base_url,
        httpx.AsyncClient(base_url=base_url) as http,
        subscribed(base_url, "acme", tenant_keys.key, SUBSCRIBE) as ours,
        subscribed(base_url, "globex", tenant_keys.other_key, SUBSCRIBE) as theirs,
    ):
        await wait_listening(redis, channel(tenant_keys.tenant.id))
        await wait_listening(redis, channel(tenant_keys.other_tenant.id))
        with running_workers(worker_env(cli_env, public_base_url=public)) as [worker]:
            first = await create_run(http, "acme", tenant_keys.key, 1)
            their_run = await create_run(http, "globex", tenant_keys.other_key, 2)
            second = await create_run(http, "acme", tenant_keys.key, 3)
            updates = await collect(
                ours, FIELD, lambda seen: succeeded(first)(seen) and succeeded(second)(seen)
            )
            their_updates = await collect(theirs, FIELD, succeeded(their_run))
            assert await worker.terminate() == 0, worker.output()
        assert await quiet_for(ours, 1.0) == []
    for run_id, n in ((first, 1), (second, 3)):
        states = [u for u in updates if u["id"] == run_id]
        # Published by the API (created, completed by the callback) and by the worker
        # (dispatched): from two processes, so only the first and last are in a fixed order.
        assert sorted(u["status"] for u in states) == ["QUEUED", "RUNNING", "SUCCEEDED"]
        assert (states[0]["status"], states[-1]["status"]) == ("QUEUED", "SUCCEEDED")
        assert states[-1]["output"] == {"n": n}
    assert {u["id"] for u in updates} == {first, second}
    assert {u["id"] for u in their_updates} == {their_run}
    assert sorted(u["status"] for u in their_updates) == ["QUEUED", "RUNNING", "SUCCEEDED"]
