"""Dispatch to a local fake ActivePieces: body, headers, retries, dead ends, timeouts, sandbox."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from app.automation_runs.dispatch import dispatch_run
from app.automation_runs.transitions import time_out_stale
from app.core.config import Settings
from app.core.time import utc_now
from app.webhooks.sender import create_http_client
from db.models.automation_run import AutomationRun
from db.session import Database
from tests.asgi import serve
from tests.automation_runs.helpers import create_run, runs_in_db
from tests.automation_runs.test_callbacks import events
from tests.conftest import make_settings
from tests.factories import Keys
from tests.live import free_port, live_server
from tests.receiver import Answer, Receiver, running_receiver

FLOW_PATH = "/api/v1/webhooks/flow_1"


@pytest.fixture
async def activepieces() -> AsyncIterator[Receiver]:
    async with running_receiver() as receiver:
        yield receiver


def dispatch_settings(
    database_url: str, redis_url: str, base_url: str, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "activepieces_base_url": base_url,
        "automation_retry_schedule": [0, 1, 1],
        "public_base_url": "https://api.aetherflow.test",
        **overrides,
    }
    return make_settings(database_url, redis_url, **values)


@pytest.fixture
def settings(database_url: str, redis_url: str, activepieces: Receiver) -> Settings:
    return dispatch_settings(database_url, redis_url, activepieces.url(""))


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with create_http_client() as client:
        yield client


async def queued_run(settings: Settings, keys: Keys, **fields: Any) -> uuid.UUID:
    async with serve(settings) as api:
        run = await create_run(api, keys, **{"input": {"n": 1}, **fields})
    return uuid.UUID(run["id"])


async def make_due(db: Database) -> None:
    async with db.unit_of_work() as session:
        await session.execute(
            update(AutomationRun)
            .where(AutomationRun.next_attempt_at.is_not(None))
            .values(next_attempt_at=utc_now() - timedelta(seconds=1))
        )


async def the_run(db: Database) -> AutomationRun:
    [run] = await runs_in_db(db)
    return run


async def test_dispatch_body_and_headers_then_running(
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    activepieces: Receiver,
    http: httpx.AsyncClient,
) -> None:
    activepieces.script(FLOW_PATH, Answer(200, body=b'{"runId": "ap-run-7"}'))
    run_id = await queued_run(settings, tenant_keys, correlationId="order-1")
    assert await dispatch_run(db, http, settings, run_id) is None
    [request] = activepieces.at(FLOW_PATH)
    assert json.loads(request.body) == {
        "runId": str(run_id),
        "tenantId": str(tenant_keys.tenant.id),
        "correlationId": "order-1",
        "input": {"n": 1},
        "callbackUrl": f"https://api.aetherflow.test/v1/tenants/{tenant_keys.tenant.id}/webhooks/activepieces",
    }
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-correlation-id"]
    run = await the_run(db)
    assert (run.status, run.attempts, run.provider_run_id) == ("running", 1, "ap-run-7")
    assert run.started_at is not None
    assert run.next_attempt_at is None
    assert await dispatch_run(db, http, settings, run_id) is None  # nothing left to do
    assert len(activepieces.at(FLOW_PATH)) == 1


async def test_dispatch_carries_the_requests_correlation_id(
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    activepieces: Receiver,
    http: httpx.AsyncClient,
) -> None:
    activepieces.script(FLOW_PATH, Answer(200))
    async with serve(settings) as api:
        response = await api.post(
            "/v1/tenants/acme/automation-runs",
            json={"flowId": "flow_1"},
            headers={**tenant_keys.headers, "X-Correlation-Id": "trace-42"},
        )
    await dispatch_run(db, http, settings, uuid.UUID(response.json()["data"]["id"]))
    assert activepieces.at(FLOW_PATH)[0].headers["x-correlation-id"] == "trace-42"


async def test_500_then_200_is_retried(
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    activepieces: Receiver,
    http: httpx.AsyncClient,
) -> None:
    activepieces.script(FLOW_PATH, Answer(500), Answer(200))
    run_id = await queued_run(settings, tenant_keys)
    retry_in = await dispatch_run(db, http, settings, run_id)
    assert retry_in is not None
    assert 0.9 <= retry_in <= 1.1
    assert (await the_run(db)).status == "queued"
    assert await dispatch_run(db, http, settings, run_id) is None  # not due yet
    await make_due(db)
    await dispatch_run(db, http, settings, run_id)
    run = await the_run(db)
    assert (run.status, run.attempts) == ("running", 2)


async def test_retry_after_is_honoured(
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    activepieces: Receiver,
    http: httpx.AsyncClient,
) -> None:
    activepieces.script(FLOW_PATH, Answer(429, headers={"Retry-After": "90"}))
    run_id = await queued_run(settings, tenant_keys)
    assert await dispatch_run(db, http, settings, run_id) == 90
    run = await the_run(db)
    assert run.next_attempt_at is not None
    assert 85 < (run.next_attempt_at - utc_now()).total_seconds() <= 90


async def test_always_5xx_fails_with_dispatch_exhausted(
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    activepieces: Receiver,
    http: httpx.AsyncClient,
) -> None:
    activepieces.script(FLOW_PATH, Answer(503))
    run_id = await queued_run(settings, tenant_keys)
    for _ in range(3):
        await make_due(db)
        await dispatch_run(db, http, settings, run_id)
    run = await the_run(db)
    assert (run.status, run.attempts) == ("failed", 3)
    assert run.error is not None
    assert run.error["code"] == "dispatch_exhausted"
    assert run.error["statusCode"] == 503
    assert run.completed_at is not None
    [event] = await events(db)
    assert event.event_type == "automation_run.failed"
    assert len(activepieces.at(FLOW_PATH)) == 3


@pytest.mark.parametrize("status", [404, 400, 302])
async def test_other_4xx_and_3xx_fail_at_once_with_dispatch_rejected(
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    activepieces: Receiver,
    http: httpx.AsyncClient,
    status: int,
) -> None:
    activepieces.script(FLOW_PATH, Answer(status, headers={"Location": "/elsewhere"}))
    run_id = await queued_run(settings, tenant_keys)
    assert await dispatch_run(db, http, settings, run_id) is None
    run = await the_run(db)
    assert (run.status, run.attempts) == ("failed", 1)
    assert run.error == {
        "code": "dispatch_rejected",
        "message": f"The provider answered HTTP {status}.",
        "statusCode": status,
        "attempts": 1,
    }


async def test_connection_refused_and_timeout_are_retried(
    db: Database,
    database_url: str,
    redis_url: str,
    tenant_keys: Keys,
    activepieces: Receiver,
    http: httpx.AsyncClient,
) -> None:
    closed = dispatch_settings(database_url, redis_url, f"http://127.0.0.1:{free_port()}")
    run_id = await queued_run(closed, tenant_keys)
    assert await dispatch_run(db, http, closed, run_id) is not None
    assert (await the_run(db)).status == "queued"
    activepieces.script(FLOW_PATH, Answer(200, delay=5))
    slow = dispatch_settings(
        database_url, redis_url, activepieces.url(""), automation_dispatch_timeout_seconds=1
    )
    await make_due(db)
    assert await dispatch_run(db, http, slow, run_id) is not None
    run = await the_run(db)
    assert (run.status, run.attempts) == ("queued", 2)


async def test_callback_before_the_dispatch_response_wins(
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    activepieces: Receiver,
    http: httpx.AsyncClient,
) -> None:
    from tests.automation_runs.helpers import send_callback

    run_id = await queued_run(settings, tenant_keys, correlationId="c-1")
    async with serve(settings) as api:
        await send_callback(api, "acme", {"correlationId": "c-1", "status": "succeeded"})
    activepieces.script(FLOW_PATH, Answer(200))
    await make_due(db)
    await dispatch_run(db, http, settings, run_id)
    assert (await the_run(db)).status == "succeeded"


async def test_timeout_sweep_moves_long_running_runs(
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    activepieces: Receiver,
    http: httpx.AsyncClient,
) -> None:
    activepieces.script(FLOW_PATH, Answer(200))
    run_id = await queued_run(settings, tenant_keys)
    await dispatch_run(db, http, settings, run_id)
    async with db.unit_of_work() as session:
        assert await time_out_stale(session, timeout_seconds=60, limit=10) == 0
        await session.execute(
            update(AutomationRun).values(started_at=utc_now() - timedelta(seconds=61))
        )
    async with db.unit_of_work() as session:
        assert await time_out_stale(session, timeout_seconds=60, limit=10) == 1
    run = await the_run(db)
    assert run.status == "timed_out"
    assert run.completed_at is not None
    assert [e.event_type for e in await events(db)] == ["automation_run.timed_out"]


async def test_sandbox_run_completes_through_the_signed_callback(
    db: Database, database_url: str, redis_url: str, tenant_keys: Keys, http: httpx.AsyncClient
) -> None:
    port = free_port()
    settings = make_settings(database_url, redis_url, public_base_url=f"http://127.0.0.1:{port}")
    async with live_server(settings, port=port):
        run_id = await queued_run(
            settings, tenant_keys, provider="sandbox", input={"hello": "world"}
        )
        assert await dispatch_run(db, http, settings, run_id) is None
    run = await the_run(db)
    assert (run.status, run.output, run.provider_run_id) == (
        "succeeded",
        {"hello": "world"},
        f"sandbox-{run_id}",
    )
    assert run.attempts == 1
    assert [e.event_type for e in await events(db)] == ["automation_run.succeeded"]


async def test_sandbox_dispatch_retries_when_the_api_is_unreachable(
    db: Database, database_url: str, redis_url: str, tenant_keys: Keys, http: httpx.AsyncClient
) -> None:
    port = free_port()
    settings = make_settings(
        database_url,
        redis_url,
        public_base_url=f"http://127.0.0.1:{port}",
        automation_retry_schedule=[0, 1],
    )
    run_id = await queued_run(settings, tenant_keys, provider="sandbox")
    assert await dispatch_run(db, http, settings, run_id) is not None
    await make_due(db)
    async with live_server(settings, port=port):
        assert await dispatch_run(db, http, settings, run_id) is None
    assert (await the_run(db)).status == "succeeded"
