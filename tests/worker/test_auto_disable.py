"""Auto-disable end to end (CONTRACT.md §14): a worker process keeps failing against a receiver
answering 500 until the endpoint is disabled for failing; another endpoint of the tenant hears
of it twice (failing, then disabled), the worker counts and logs it, and a PATCH enables it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
from sqlalchemy import select
from standardwebhooks import Webhook

from app.core.config import Settings
from app.outbox.events import ENDPOINT_DISABLED, ENDPOINT_FAILING, REPORT_CREATED
from db.models.webhook_delivery import WebhookDelivery
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from tests.asgi import serve
from tests.factories import Keys, make_endpoint
from tests.live import free_port
from tests.rate_limit.helpers import metric_value
from tests.receiver import Answer, Receiver
from tests.worker.helpers import all_deliveries, record_event
from tests.worker.process import running_workers, worker_env

AFTER_SECONDS = 4
# One attempt a second for 20 s: failing well past AFTER_SECONDS even on a loaded machine.
SCHEDULE = ",".join(["0"] + ["1"] * 20)


async def scrape(port: int) -> str:
    async with asyncio.timeout(30), httpx.AsyncClient() as http:
        while True:
            try:
                response = await http.get(f"http://127.0.0.1:{port}/metrics")
            except httpx.TransportError:
                await asyncio.sleep(0.1)
                continue
            assert response.status_code == 200
            return response.text


async def stored(db: Database, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    async with db.unit_of_work() as session:
        row = await session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint.id))
    assert row is not None
    return row


async def deliveries_when(
    db: Database, condition: Callable[[list[WebhookDelivery]], bool], *, count: int
) -> list[WebhookDelivery]:
    async with asyncio.timeout(60):
        while True:
            rows = await all_deliveries(db)
            if len(rows) == count and condition(rows):
                return rows
            await asyncio.sleep(0.1)


async def test_an_endpoint_failing_for_the_period_is_disabled_with_notices(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    tenant = tenant_keys.tenant
    failing, _ = await make_endpoint(db, settings, tenant, receiver.script("/failing", Answer(500)))
    watcher, watcher_secret = await make_endpoint(
        db,
        settings,
        tenant,
        receiver.script("/watch", Answer(200)),
        event_types=[ENDPOINT_FAILING, ENDPOINT_DISABLED],
    )
    port = free_port()
    env = worker_env(
        cli_env,
        webhook_disable_after_seconds=str(AFTER_SECONDS),
        webhook_disable_min_failures="3",
        webhook_retry_schedule=SCHEDULE,
        worker_metrics_port=str(port),
    )
    with running_workers(env) as [worker]:
        await record_event(db, tenant, REPORT_CREATED)
        told = await receiver.wait_for("/watch", 2, timeout=90)
        exposition = await scrape(port)
        assert await worker.terminate() == 0, worker.output()
        output = worker.output()

    # The failing notice, then the disabled one, each about the failing endpoint, signed.
    bodies = [Webhook(watcher_secret).verify(request.body, request.headers) for request in told[:2]]
    assert [body["type"] for body in bodies] == [ENDPOINT_FAILING, ENDPOINT_DISABLED]
    warned, disabled = (body["data"] for body in bodies)
    assert warned["id"] == disabled["id"] == str(failing.id)
    assert (warned["enabled"], warned["disabledAt"], warned["disabledReason"]) == (True, None, None)
    assert (disabled["enabled"], disabled["disabledReason"]) == (False, "failing")
    assert disabled["disabledAt"].endswith("Z")
    # Never told about itself, though it subscribes to every type.
    assert {json.loads(r.body)["type"] for r in receiver.at("/failing")} == {REPORT_CREATED}
    assert len(receiver.at("/failing")) >= 3

    row = await stored(db, failing)
    assert (row.enabled, row.disabled_reason) == (False, "failing")
    assert row.consecutive_failures >= 3
    assert metric_value(exposition, "aetherflow_webhook_endpoints_auto_disabled_total") == 1
    [line] = [
        json.loads(text)
        for text in output.splitlines()
        if text.startswith("{") and "webhook endpoint disabled" in text
    ]
    assert line["level"] == "WARNING"
    assert (line["tenantId"], line["endpointId"]) == (str(tenant.id), str(failing.id))
    assert "whsec_" not in output

    # Enabled again by hand: the disabling and the run are cleared.
    async with serve(settings) as api:
        response = await api.patch(
            f"/v1/tenants/acme/webhook-endpoints/{failing.id}",
            json={"enabled": True},
            headers=tenant_keys.headers,
        )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["enabled"], data["disabledAt"], data["disabledReason"]) == (True, None, None)
    row = await stored(db, failing)
    assert (row.failing_since, row.consecutive_failures, row.failing_notice_at) == (None, 0, None)
    assert (await stored(db, watcher)).enabled


async def test_a_success_in_between_starts_the_run_again(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    tenant = tenant_keys.tenant
    url = receiver.script("/flaky", Answer(500), Answer(500), Answer(200), Answer(500))
    flaky, _ = await make_endpoint(db, settings, tenant, url)
    env = worker_env(
        cli_env,
        webhook_disable_after_seconds=str(AFTER_SECONDS),
        webhook_disable_min_failures="3",
        webhook_retry_schedule=SCHEDULE,
    )
    with running_workers(env) as [worker]:
        await record_event(db, tenant, REPORT_CREATED, slug="first")
        [first] = await deliveries_when(db, lambda rows: rows[0].status == "delivered", count=1)
        await record_event(db, tenant, REPORT_CREATED, slug="second")
        async with asyncio.timeout(90):
            while (await stored(db, flaky)).enabled:
                await asyncio.sleep(0.1)
        assert await worker.terminate() == 0, worker.output()

    # Failed twice, then delivered: that run ended. The second event's attempts alone, all
    # failed, made the run that disabled the endpoint.
    assert (first.attempts, first.delivered_at is not None) == (3, True)
    [second] = [row for row in await all_deliveries(db) if row.id != first.id]
    row = await stored(db, flaky)
    assert (row.enabled, row.disabled_reason) == (False, "failing")
    assert row.failing_since is not None
    assert first.delivered_at is not None
    assert row.failing_since > first.delivered_at
    assert row.consecutive_failures == second.attempts >= 3
