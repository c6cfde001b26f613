"""`automationRunUpdated` over graphql-transport-ws against a real server."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from app.automation_runs import transitions
from app.automation_runs.dispatch import dispatch_run
from app.automation_runs.schemas import CallbackIn
from app.core.config import Settings
from app.outbox.events import EventOrigin
from app.webhooks.sender import create_http_client
from db.models.tenant import Tenant
from db.session import Database
from tests.automation_runs.helpers import RUNS
from tests.conftest import make_settings
from tests.factories import Keys, bearer, make_key
from tests.graphql.sockets import connect, receive
from tests.live import free_port, live_server
from tests.worker.process import own_redis

SUBSCRIBE = "subscription($id: ID!) { automationRunUpdated(id: $id) { id status output } }"


@pytest.fixture
async def server(
    database_url: str, redis_url: str, db: Database
) -> AsyncIterator[tuple[str, Settings]]:
    port = free_port()
    settings = make_settings(database_url, redis_url, public_base_url=f"http://127.0.0.1:{port}")
    async with live_server(settings, port=port) as base_url:
        yield base_url, settings


async def subscribe(socket: ClientConnection, run_id: str) -> None:
    await socket.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": SUBSCRIBE, "variables": {"id": run_id}},
            }
        )
    )


async def test_follows_a_sandbox_run_from_queued_to_succeeded(
    server: tuple[str, Settings], tenant_keys: Keys, db: Database
) -> None:
    base_url, settings = server
    async with httpx.AsyncClient(base_url=base_url) as http:
        created = await http.post(
            RUNS.format("acme"),
            json={"flowId": "demo", "provider": "sandbox", "input": {"n": 7}},
            headers=tenant_keys.headers,
        )
    run_id = created.json()["data"]["id"]
    socket = await connect(base_url, "acme", f"Bearer {tenant_keys.key}")
    try:
        assert (await receive(socket))["type"] == "connection_ack"
        await subscribe(socket, run_id)
        first = await receive(socket)
        assert first == {
            "id": "1",
            "type": "next",
            "payload": {
                "data": {"automationRunUpdated": {"id": run_id, "status": "QUEUED", "output": None}}
            },
        }
        async with create_http_client() as client:
            await dispatch_run(db, client, settings, uuid.UUID(run_id))
        statuses = []
        while True:
            message = await receive(socket)
            if message["type"] == "complete":
                break
            assert message["type"] == "next", message
            statuses.append(message["payload"]["data"]["automationRunUpdated"])
    finally:
        await socket.close()
    assert [update["status"] for update in statuses] == ["RUNNING", "SUCCEEDED"]
    assert statuses[-1]["output"] == {"n": 7}


@pytest.mark.parametrize("case", ["bad key", "no key", "missing scope", "other tenant"])
async def test_refused_connections_close_with_4403(
    server: tuple[str, Settings], tenant_keys: Keys, db: Database, case: str
) -> None:
    base_url, settings = server
    reports_only = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:read"])
    tenant, authorization = {
        "bad key": ("acme", "Bearer afk_nope"),
        "no key": ("acme", None),
        "missing scope": ("acme", f"Bearer {reports_only}"),
        "other tenant": ("globex", f"Bearer {tenant_keys.key}"),
    }[case]
    socket = await connect(base_url, tenant, authorization)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await receive(socket)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_unknown_or_foreign_run_gets_a_not_found_error(
    server: tuple[str, Settings], tenant_keys: Keys
) -> None:
    base_url, _ = server
    async with httpx.AsyncClient(base_url=base_url) as http:
        theirs = await http.post(
            RUNS.format("globex"), json={"flowId": "f"}, headers=bearer(tenant_keys.other_key)
        )
    for run_id in (str(uuid.uuid4()), theirs.json()["data"]["id"], "not-a-uuid"):
        socket = await connect(base_url, "acme", f"Bearer {tenant_keys.key}")
        try:
            assert (await receive(socket))["type"] == "connection_ack"
            await subscribe(socket, run_id)
            message = await receive(socket)
        finally:
            await socket.close()
        assert message["type"] == "error", message
        assert [error["extensions"]["code"] for error in message["payload"]] == ["not_found"]


async def test_bad_keys_on_websockets_count_against_the_address(
    database_url: str, redis_url: str, db: Database
) -> None:
    port = free_port()
    settings = make_settings(database_url, redis_url, rate_limit_auth_failures_per_minute=2)
    async with live_server(settings, port=port) as base_url:
        for _ in range(2):
            socket = await connect(base_url, "acme", "Bearer afk_nope")
            with pytest.raises(websockets.ConnectionClosed):
                await receive(socket)
        async with httpx.AsyncClient(base_url=base_url) as http:
            refused = await http.get("/v1/tenants/acme/reports", headers=bearer("afk_nope"))
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"


async def apply_unpublished(db: Database, tenant: Tenant, callback: dict[str, Any]) -> None:
    """Change a run's state through the service on a database with no after-commit hooks, as a
    process that died right after its commit would: nothing is published."""
    quiet = Database(db.engine)
    async with quiet.unit_of_work() as session:
        await transitions.apply_callback(
            session,
            tenant_id=tenant.id,
            callback=CallbackIn.model_validate(callback),
            origin=EventOrigin(None),
        )


@asynccontextmanager
async def following_a_new_run(base_url: str, key: str) -> AsyncIterator[ClientConnection]:
    """A socket subscribed to a new queued run (correlationId `c-1`), past its first state."""
    async with httpx.AsyncClient(base_url=base_url) as http:
        created = await http.post(
            RUNS.format("acme"), json={"flowId": "f", "correlationId": "c-1"}, headers=bearer(key)
        )
    socket = await connect(base_url, "acme", f"Bearer {key}")
    try:
        assert (await receive(socket))["type"] == "connection_ack"
        await subscribe(socket, created.json()["data"]["id"])
        first = await receive(socket)
        assert first["payload"]["data"]["automationRunUpdated"]["status"] == "QUEUED"
        yield socket
    finally:
        await socket.close()


async def test_a_change_that_was_never_published_still_reaches_the_subscriber(
    server: tuple[str, Settings], tenant_keys: Keys, db: Database
) -> None:
    base_url, _ = server
    async with following_a_new_run(base_url, tenant_keys.key) as socket:
        await apply_unpublished(
            db, tenant_keys.tenant, {"correlationId": "c-1", "status": "succeeded"}
        )
        final = await receive(socket)
        complete = await receive(socket)
    assert final["payload"]["data"]["automationRunUpdated"]["status"] == "SUCCEEDED"
    assert complete == {"id": "1", "type": "complete"}


async def test_a_subscription_outlives_its_redis(
    database_url: str, db: Database, tenant_keys: Keys
) -> None:
    """Pub/sub is only the fast path: with Redis gone the run is read from the database."""
    with own_redis() as redis_server:
        settings = make_settings(database_url, redis_server.url)
        async with (
            live_server(settings) as base_url,
            following_a_new_run(base_url, tenant_keys.key) as socket,
        ):
            redis_server.stop()
            await apply_unpublished(
                db, tenant_keys.tenant, {"correlationId": "c-1", "status": "failed"}
            )
            final = await receive(socket)
            complete = await receive(socket)
    assert final["payload"]["data"]["automationRunUpdated"]["status"] == "FAILED"
    assert complete["type"] == "complete"
