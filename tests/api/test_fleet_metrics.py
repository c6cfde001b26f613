"""One scrape of the API's /metrics carries every live process (docs/OBSERVABILITY.md): the
worker's delivery counters and liveness gauges arrive through Redis, labelled by process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from app.core import fleet_metrics
from app.core.config import Settings
from app.core.fleet_metrics import ProcessIdentity
from db.session import Database
from tests.api.test_health import CLOSED_PORT_REDIS
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import Keys, make_endpoint
from tests.rate_limit.helpers import scrape
from tests.receiver import Answer, running_receiver
from tests.worker.helpers import record_event
from tests.worker.process import running_workers, worker_env

Sample = tuple[str, dict[str, str], float]


def samples(exposition: str, name: str) -> list[Sample]:
    return [
        (sample.name, sample.labels, float(sample.value))
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == name
    ]


def by_role(exposition: str, name: str, role: str) -> list[Sample]:
    return [sample for sample in samples(exposition, name) if sample[1].get("role") == role]


async def scrape_until(
    client: httpx.AsyncClient, ready: Callable[[str], bool], timeout: float = 60
) -> str:
    async with asyncio.timeout(timeout):
        while True:
            exposition = await scrape(client)
            if ready(exposition):
                return exposition
            await asyncio.sleep(0.2)


def publishing_worker_env(cli_env: dict[str, str]) -> dict[str, str]:
    """A worker that publishes its metrics and sweeps often, delivering to local receivers."""
    return worker_env(
        cli_env,
        metrics_publish_seconds="0.2",
        sweep_interval_seconds="0.5",
        webhook_allow_http="true",
        webhook_allow_private_targets="true",
    )


def worker_delivered(exposition: str) -> bool:
    """The worker's snapshot shows one delivery and a finished sweep."""
    delivered = [
        value
        for _, labels, value in by_role(exposition, "aetherflow_webhook_deliveries_total", "worker")
        if labels["outcome"] == "delivered"
    ]
    swept = by_role(exposition, "aetherflow_worker_last_sweep_timestamp_seconds", "worker")
    return delivered == [1.0] and bool(swept) and swept[0][2] > 0


async def test_the_worker_is_scraped_through_the_api_and_leaves_when_it_stops(
    client: httpx.AsyncClient,
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    cli_env: dict[str, str],
) -> None:
    env = publishing_worker_env(cli_env)
    started = time.time()
    async with running_receiver() as receiver:
        url = receiver.script("/hook", Answer(200))
        await make_endpoint(db, settings, tenant_keys.tenant, url)
        await record_event(db, tenant_keys.tenant)
        with running_workers(env) as (worker,):
            await receiver.wait_for("/hook", 1)
            during = await scrape_until(client, worker_delivered)
            assert await worker.terminate() == 0
            after = await scrape(client)

    (worker_sweep,) = by_role(during, "aetherflow_worker_last_sweep_timestamp_seconds", "worker")
    instance = worker_sweep[1]["instance"]
    assert instance.endswith(f"-{worker.process.pid}")
    assert started <= worker_sweep[2] <= time.time()
    (worker_task,) = by_role(during, "aetherflow_worker_last_task_timestamp_seconds", "worker")
    assert worker_task[2] >= started
    processes = {
        labels["role"]: value for _, labels, value in samples(during, "aetherflow_processes")
    }
    assert processes == {"api": 1.0, "worker": 1.0}
    builds = samples(during, "aetherflow_build_info")
    assert {labels["role"] for _, labels, _ in builds} == {"api", "worker"}
    assert all(labels["version"] and labels["revision"] for _, labels, _ in builds)
    # The database gauges are the system's, not a process's: served once, unlabelled.
    assert samples(during, "aetherflow_outbox_backlog") == [("aetherflow_outbox_backlog", {}, 0.0)]

    assert by_role(after, "aetherflow_webhook_deliveries_total", "worker") == []
    processes = {
        labels["role"]: value for _, labels, value in samples(after, "aetherflow_processes")
    }
    assert processes == {"api": 1.0, "worker": 0.0}


async def test_a_snapshot_older_than_its_lifetime_is_left_out(
    client: httpx.AsyncClient, redis: Redis
) -> None:
    """A process killed without withdrawing leaves the scrape once its snapshot is stale."""
    ghost = ProcessIdentity("worker", "ghost-1")
    await fleet_metrics.publish(redis, ghost)
    assert len(by_role(await scrape(client), "aetherflow_build_info", "worker")) == 1
    expired = time.time() - 1
    await redis.zadd(fleet_metrics.INDEX_KEY, {ghost.key: expired})
    assert by_role(await scrape(client), "aetherflow_build_info", "worker") == []


async def test_without_redis_the_api_serves_its_own_series(database_url: str, db: Database) -> None:
    async with serve(make_settings(database_url, CLOSED_PORT_REDIS)) as client:
        await client.get("/health")
        exposition = await scrape(client)
    own = ProcessIdentity.of_this_process("api").instance
    requests = samples(exposition, "aetherflow_http_requests_total")
    assert requests
    assert {(labels["role"], labels["instance"]) for _, labels, _ in requests} == {("api", own)}
    processes = {labels["role"]: v for _, labels, v in samples(exposition, "aetherflow_processes")}
    assert processes == {"api": 1.0, "worker": 0.0}
    assert samples(exposition, "aetherflow_outbox_backlog")
