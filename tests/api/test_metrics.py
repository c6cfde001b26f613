"""CONTRACT.md §2: /metrics — names, labels, database gauges, the token; and the worker's port."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from app.core.config import Settings
from app.monitoring import system_state as metrics
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import Keys, make_delivery, make_endpoint
from tests.live import free_port
from tests.rate_limit.helpers import limited_client, metric_delta, metric_value, scrape
from tests.receiver import Answer, running_receiver
from tests.reports.helpers import REPORTS, batch, item
from tests.worker.helpers import record_event
from tests.worker.process import running_workers, worker_env

REPORTS_ROUTE = "/v1/tenants/{tenantId}/reports"
TOKEN = "metrics-token-0123456789"


async def test_requests_are_counted_by_route_template_method_and_status(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    before = await scrape(client)
    await client.get(REPORTS.format("acme"), headers=tenant_keys.headers)
    await client.get(REPORTS.format(tenant_keys.tenant.id), headers=tenant_keys.headers)
    await client.get(f"{REPORTS.format('acme')}/missing", headers=tenant_keys.headers)
    await client.get("/no/such/path")
    await client.post("/no/such/path")
    after = await scrape(client)

    def delta(route: str, method: str, status: str) -> float:
        return metric_delta(
            before,
            after,
            "aetherflow_http_requests_total",
            route=route,
            method=method,
            status=status,
        )

    assert delta(REPORTS_ROUTE, "GET", "200") == 2
    assert delta(f"{REPORTS_ROUTE}/{{slug}}", "GET", "404") == 1
    assert delta("unmatched", "GET", "404") == 1
    assert delta("unmatched", "POST", "404") == 1
    histogram_count = "aetherflow_http_request_duration_seconds_count"
    labels = {"route": REPORTS_ROUTE, "method": "GET", "status": "200"}
    assert metric_delta(before, after, histogram_count, **labels) == 2
    assert (
        metric_value(after, "aetherflow_http_request_duration_seconds_bucket", le="+Inf", **labels)
        is not None
    )


async def test_no_label_carries_a_tenant_id_slug_or_key(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    for tenant in ("acme", str(tenant_keys.tenant.id), "globex"):
        await client.get(REPORTS.format(tenant), headers=tenant_keys.headers)
        await client.get(f"{REPORTS.format(tenant)}/some-slug", headers=tenant_keys.headers)
    exposition = await scrape(client)
    for identifier in (
        str(tenant_keys.tenant.id),
        str(tenant_keys.other_tenant.id),
        "acme",
        "globex",
        "some-slug",
        tenant_keys.key.split("_")[1],
    ):
        assert identifier not in exposition


async def test_every_contract_metric_is_exposed(client: httpx.AsyncClient) -> None:
    exposition = await scrape(client)
    for family in (
        "# TYPE aetherflow_http_requests_total counter",
        "# TYPE aetherflow_http_request_duration_seconds histogram",
        "# TYPE aetherflow_outbox_backlog gauge",
        "# TYPE aetherflow_outbox_oldest_age_seconds gauge",
        "# TYPE aetherflow_webhook_deliveries_total counter",
        "# TYPE aetherflow_webhook_deliveries_dead gauge",
        "# TYPE aetherflow_automation_runs gauge",
        "# TYPE aetherflow_rate_limited_total counter",
        "# TYPE aetherflow_redis_fail_open_total counter",
    ):
        assert family in exposition
    for outcome in ("delivered", "retry", "dead"):
        assert (
            metric_value(exposition, "aetherflow_webhook_deliveries_total", outcome=outcome)
            is not None
        )
    for group in ("read", "write", "graphql", "auth"):
        assert metric_value(exposition, "aetherflow_rate_limited_total", group=group) is not None


async def insert_runs(db: Database, tenant_id: uuid.UUID, *statuses: str) -> None:
    async with db.unit_of_work() as session:
        for index, status in enumerate(statuses):
            await session.execute(
                text(
                    "INSERT INTO automation_runs (id, tenant_id, flow_id, provider, status, "
                    "correlation_id) VALUES (:id, :tenant_id, 'flow', 'sandbox', :status, :cid)"
                ),
                {"id": uuid.uuid4(), "tenant_id": tenant_id, "status": status, "cid": f"c{index}"},
            )


async def test_database_gauges_are_read_at_scrape_time(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, "https://93.184.216.34/h")
    await make_delivery(db, endpoint, tenant_keys.tenant, status="dead")
    await make_delivery(db, endpoint, tenant_keys.tenant, status="delivered")
    await record_event(db, tenant_keys.tenant)
    await insert_runs(db, tenant_keys.tenant.id, "queued", "queued", "succeeded")
    async with db.unit_of_work() as session:
        await session.execute(
            text("UPDATE outbox_events SET occurred_at = now() - interval '90 seconds'")
        )
    exposition = await scrape(client)
    assert metric_value(exposition, "aetherflow_outbox_backlog") == 3
    oldest = metric_value(exposition, "aetherflow_outbox_oldest_age_seconds")
    assert oldest is not None
    assert 90 <= oldest < 120
    assert metric_value(exposition, "aetherflow_webhook_deliveries_dead") == 1
    runs = {
        status: metric_value(exposition, "aetherflow_automation_runs", status=status)
        for status in ("queued", "running", "succeeded", "failed", "timed_out")
    }
    assert runs == {"queued": 2, "running": 0, "succeeded": 1, "failed": 0, "timed_out": 0}


async def test_a_slow_database_does_not_hang_the_scrape(
    client: httpx.AsyncClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metrics, "STATE_TIMEOUT_SECONDS", 0.3)
    async with db.engine.connect() as blocker, blocker.begin():
        await blocker.execute(text("LOCK TABLE outbox_events IN ACCESS EXCLUSIVE MODE"))
        async with asyncio.timeout(3):
            response = await client.get("/metrics")
    assert response.status_code == 200
    assert "aetherflow_outbox_backlog" not in response.text
    assert "aetherflow_http_requests_total" in response.text


async def test_rate_limited_requests_are_counted_by_group(
    database_url: str, redis_url: str, db: Database, tenant_keys: Keys
) -> None:
    async with limited_client(database_url, redis_url) as client:
        before = await scrape(client)
        for index in range(4):
            await client.post(
                REPORTS.format("acme"), json=batch(item(f"s{index}")), headers=tenant_keys.headers
            )
        after = await scrape(client)
    for group, expected in (("write", 1), ("read", 0), ("auth", 0)):
        assert (
            metric_delta(before, after, "aetherflow_rate_limited_total", group=group) == expected
        ), group


@pytest.fixture
async def guarded(
    database_url: str, redis_url: str, db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(make_settings(database_url, redis_url, metrics_token=TOKEN)) as client:
        yield client


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token-0123456789", f"Basic {TOKEN}", f"Bearer {TOKEN}x"]
)
async def test_metrics_token_is_required_when_set(
    guarded: httpx.AsyncClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = await guarded.get("/metrics", headers=headers)
    error = assert_error(response, 401, "unauthenticated")
    assert error["message"] == "A valid metrics token is required."
    assert response.headers["www-authenticate"] == "Bearer"


async def test_metrics_token_opens_the_scrape(guarded: httpx.AsyncClient) -> None:
    response = await guarded.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert "aetherflow_http_requests_total" in response.text


async def test_worker_exposes_its_metrics_on_its_port(
    db: Database, settings: Settings, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    port = free_port()
    env = worker_env(
        cli_env,
        worker_metrics_port=str(port),
        metrics_token=TOKEN,
        webhook_allow_http="true",
        webhook_allow_private_targets="true",
    )
    async with running_receiver() as receiver:
        url = receiver.script("/hook", Answer(200))
        await make_endpoint(db, settings, tenant_keys.tenant, url)
        await record_event(db, tenant_keys.tenant)
        with running_workers(env):
            await receiver.wait_for("/hook", 1)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                exposition = await _scrape_worker(http)
                refused = await http.get("/metrics")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthenticated"
    assert refused.headers["www-authenticate"] == "Bearer"
    assert metric_value(exposition, "aetherflow_webhook_deliveries_total", outcome="delivered") == 1
    assert metric_value(exposition, "aetherflow_outbox_backlog") == 0
    assert metric_value(exposition, "aetherflow_webhook_deliveries_dead") == 0


async def _scrape_worker(http: httpx.AsyncClient) -> str:
    """Wait until the delivery attempt is counted (it is recorded just after the POST)."""
    async with asyncio.timeout(60):
        while True:
            try:
                response = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            except httpx.TransportError:
                await asyncio.sleep(0.1)
                continue
            assert response.status_code == 200, response.text
            delivered = metric_value(
                response.text, "aetherflow_webhook_deliveries_total", outcome="delivered"
            )
            if delivered:
                return response.text
            await asyncio.sleep(0.1)
