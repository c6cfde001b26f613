"""A worker process killed with SIGKILL mid-attempt: what it had in flight is attempted again
within seconds, by another worker or by itself restarted, and only that is repeated.

Leases here last 120 s (twice a 60 s HTTP timeout) and the sweep runs every 15 s, so a
re-attempt within RECOVERY_BOUND can only come from crash detection.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from app.core.config import Settings
from db.session import Database
from tests.asgi import serve
from tests.automation_runs.helpers import create_run, runs_in_db
from tests.conftest import make_settings
from tests.factories import Keys, make_endpoint
from tests.receiver import Answer, Received, Receiver, running_receiver
from tests.reports.helpers import REPORTS, batch, item
from tests.worker.helpers import all_deliveries
from tests.worker.process import running_workers, worker_env
from tests.worker.test_worker_process import wait_until_delivered

CONCURRENCY = 3
EVENTS = 2 * CONCURRENCY
HTTP_TIMEOUT = 60
RECOVERY_BOUND = 40
# Slow enough to be in flight when the worker is killed, within the HTTP timeout.
IN_FLIGHT = Answer(200, delay=HTTP_TIMEOUT - 5)
FLOW_PATH = "/api/v1/webhooks/flow_1"


def crash_env(cli_env: dict[str, str], **overrides: str) -> dict[str, str]:
    return worker_env(
        cli_env,
        worker_concurrency=str(CONCURRENCY),
        webhook_timeout_seconds=str(HTTP_TIMEOUT),
        automation_dispatch_timeout_seconds=str(HTTP_TIMEOUT),
        sweep_interval_seconds="15",
        **overrides,
    )


async def write_reports(settings: Settings, keys: Keys, receiver: Receiver) -> None:
    """EVENTS reports in one batch; returns once the first worker has them in flight."""
    async with serve(settings) as api:
        response = await api.post(
            REPORTS.format("acme"),
            json=batch(*[item(f"r{index}") for index in range(EVENTS)]),
            headers=keys.headers,
        )
        assert response.status_code == 200
        await receiver.wait_for("/hook", CONCURRENCY)


async def holds_no_more_than_its_concurrency(receiver: Receiver) -> None:
    """The worker takes no new message while its slots are busy."""
    await asyncio.sleep(2)
    assert len(receiver.at("/hook")) == CONCURRENCY


def repeated(requests: list[Received]) -> list[Received]:
    """Second requests of the same event: the attempts cut off by the kill, made again."""
    seen: set[str] = set()
    again = []
    for request in requests:
        event = request.headers["webhook-id"]
        if event in seen:
            again.append(request)
        seen.add(event)
    return again


async def assert_recovered(db: Database, requests: list[Received], killed_at: float) -> None:
    again = repeated(requests)
    assert len(again) == CONCURRENCY  # exactly what was in flight, never more
    assert max(Counter(r.headers["webhook-id"] for r in requests).values()) == 2
    assert all(request.at - killed_at < RECOVERY_BOUND for request in again)
    await wait_until_delivered(db, EVENTS)
    attempts = sorted(row.attempts for row in await all_deliveries(db))
    assert attempts == [1] * (EVENTS - CONCURRENCY) + [2] * CONCURRENCY


async def test_another_worker_resends_what_a_killed_worker_had_in_flight(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    url = receiver.script("/hook", *[IN_FLIGHT] * CONCURRENCY, Answer(200))
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    env = crash_env(cli_env)
    with running_workers(env) as [first]:
        await write_reports(settings, tenant_keys, receiver)
        await holds_no_more_than_its_concurrency(receiver)
        with running_workers(env) as [second]:
            await receiver.wait_for("/hook", EVENTS)  # the second took the rest
            killed_at = time.monotonic()
            first.kill()
            requests = await receiver.wait_for("/hook", EVENTS + CONCURRENCY, RECOVERY_BOUND)
            await assert_recovered(db, requests, killed_at)
            assert await second.terminate() == 0, second.output()


async def test_a_killed_worker_restarted_alone_resends_what_it_had_in_flight(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    url = receiver.script("/hook", *[IN_FLIGHT] * CONCURRENCY, Answer(200))
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    env = crash_env(cli_env)
    with running_workers(env) as [first]:
        await write_reports(settings, tenant_keys, receiver)
        await holds_no_more_than_its_concurrency(receiver)
        killed_at = time.monotonic()
        first.kill()
    with running_workers(env) as [restarted]:
        requests = await receiver.wait_for("/hook", EVENTS + CONCURRENCY, RECOVERY_BOUND)
        await assert_recovered(db, requests, killed_at)
        assert await restarted.terminate() == 0, restarted.output()


async def test_a_dispatch_cut_off_by_a_kill_is_sent_again_after_a_restart(
    db: Database, database_url: str, redis_url: str, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    async with running_receiver() as activepieces:
        activepieces.script(FLOW_PATH, IN_FLIGHT, Answer(200, body=b'{"runId": "ap-1"}'))
        base = activepieces.url("")
        settings = make_settings(database_url, redis_url, activepieces_base_url=base)
        env = crash_env(cli_env, activepieces_base_url=base)
        with running_workers(env) as [first]:
            async with serve(settings) as api:
                await create_run(api, tenant_keys)
                await activepieces.wait_for(FLOW_PATH, 1)
            killed_at = time.monotonic()
            first.kill()
        with running_workers(env) as [restarted]:
            [_, again] = await activepieces.wait_for(FLOW_PATH, 2, RECOVERY_BOUND)
            async with asyncio.timeout(60):
                while (run := (await runs_in_db(db))[0]).status != "running":
                    await asyncio.sleep(0.1)
            assert await restarted.terminate() == 0, restarted.output()
    assert again.at - killed_at < RECOVERY_BOUND
    assert (run.attempts, run.provider_run_id, run.lease_holder) == (2, "ap-1", None)
