"""POST .../webhook-endpoints/{id}/test (CONTRACT.md §14): a signed `webhook.test` event to that
endpoint only, whatever its eventTypes, through the real delivery path (a worker process)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from sqlalchemy import func, select
from standardwebhooks import Webhook

from app.core.config import Settings
from app.outbox.events import REPORT_CREATED, WEBHOOK_TEST
from db.models.outbox_event import OutboxEvent
from db.models.webhook_delivery import WebhookDelivery
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.factories import UNKNOWN_ID, Keys, bearer, make_key
from tests.receiver import Answer, Receiver
from tests.worker.process import running_workers, worker_env

ENDPOINTS = "/v1/tenants/acme/webhook-endpoints"


def send_path(endpoint_id: str) -> str:
    return f"{ENDPOINTS}/{endpoint_id}/test"


async def create(
    client: httpx.AsyncClient, keys: Keys, url: str, **fields: object
) -> dict[str, Any]:
    response = await client.post(ENDPOINTS, json={"url": url, **fields}, headers=keys.headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def counts(db: Database) -> tuple[int, int]:
    """(outbox events, deliveries)."""
    async with db.unit_of_work() as session:
        events = await session.scalar(select(func.count()).select_from(OutboxEvent))
        deliveries = await session.scalar(select(func.count()).select_from(WebhookDelivery))
    return events or 0, deliveries or 0


async def test_the_test_event_reaches_only_its_endpoint_signed(
    db: Database,
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    receiver: Receiver,
    cli_env: dict[str, str],
) -> None:
    tested = await create(
        client, tenant_keys, receiver.script("/tested", Answer(200)), eventTypes=[REPORT_CREATED]
    )
    await create(client, tenant_keys, receiver.script("/bystander", Answer(200)))
    with running_workers(worker_env(cli_env)) as [worker]:
        response = await client.post(
            send_path(tested["id"]),
            headers={**tenant_keys.headers, "Idempotency-Key": "test-1", "X-Request-Id": "req-7"},
        )
        assert response.status_code == 202, response.text
        assert "idempotent-replayed" not in response.headers
        delivery = response.json()["data"]
        [request] = await receiver.wait_for("/tested", 1)
        async with asyncio.timeout(60):
            while True:
                log = await client.get(
                    f"{ENDPOINTS}/{tested['id']}/deliveries", headers=tenant_keys.headers
                )
                [entry] = log.json()["data"]
                if entry["status"] == "delivered":
                    break
                await asyncio.sleep(0.1)
        assert await worker.terminate() == 0, worker.output()

    assert (delivery["eventType"], delivery["status"]) == (WEBHOOK_TEST, "pending")
    assert delivery["requestId"] == "req-7"
    assert delivery["resourceId"] == tested["id"]
    assert (entry["id"], entry["attempts"]) == (delivery["id"], 1)
    body = Webhook(tested["secret"]).verify(request.body, request.headers)
    assert body["type"] == WEBHOOK_TEST
    assert body["data"] == {"endpointId": tested["id"]}
    assert body["timestamp"].endswith("Z")
    assert request.headers["webhook-id"] == delivery["eventId"]
    assert receiver.at("/bystander") == []
    assert await counts(db) == (1, 1)  # no other endpoint got a delivery of it


async def test_a_replay_returns_the_same_delivery(
    db: Database, client: httpx.AsyncClient, tenant_keys: Keys, receiver: Receiver
) -> None:
    tested = await create(client, tenant_keys, receiver.script("/tested", Answer(200)))
    headers = {**tenant_keys.headers, "Idempotency-Key": "same"}
    first = await client.post(send_path(tested["id"]), headers=headers)
    again = await client.post(send_path(tested["id"]), json={}, headers=headers)
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    assert await counts(db) == (1, 1)
    # Without a key each request is a new test event.
    other = await client.post(send_path(tested["id"]), headers=tenant_keys.headers)
    assert other.status_code == 202
    assert other.json()["data"]["id"] != first.json()["data"]["id"]
    assert await counts(db) == (2, 2)


async def test_a_disabled_endpoint_is_a_conflict_and_nothing_is_written(
    db: Database, client: httpx.AsyncClient, tenant_keys: Keys, receiver: Receiver
) -> None:
    tested = await create(client, tenant_keys, receiver.script("/tested", Answer(200)))
    patched = await client.patch(
        f"{ENDPOINTS}/{tested['id']}", json={"enabled": False}, headers=tenant_keys.headers
    )
    assert patched.status_code == 200
    headers = {**tenant_keys.headers, "Idempotency-Key": "k"}
    assert_error(await client.post(send_path(tested["id"]), headers=headers), 409, "conflict")
    assert await counts(db) == (0, 0)
    # Nothing was stored for the key: enabled again, the same key sends the event.
    await client.patch(
        f"{ENDPOINTS}/{tested['id']}", json={"enabled": True}, headers=tenant_keys.headers
    )
    assert (await client.post(send_path(tested["id"]), headers=headers)).status_code == 202


async def test_unknown_or_foreign_endpoints_are_404(
    db: Database, client: httpx.AsyncClient, tenant_keys: Keys, receiver: Receiver
) -> None:
    foreign = await client.post(
        "/v1/tenants/globex/webhook-endpoints",
        json={"url": receiver.url("/foreign")},
        headers=bearer(tenant_keys.other_key),
    )
    assert foreign.status_code == 201
    events_before = await counts(db)
    for endpoint_id in (UNKNOWN_ID, "not-a-uuid", foreign.json()["data"]["id"]):
        assert_error(
            await client.post(send_path(endpoint_id), headers=tenant_keys.headers), 404, "not_found"
        )
    assert await counts(db) == events_before == (0, 0)


async def test_sending_a_test_event_needs_webhooks_write(
    db: Database,
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    receiver: Receiver,
    settings: Settings,
) -> None:
    tested = await create(client, tenant_keys, receiver.script("/tested", Answer(200)))
    reader = await make_key(db, settings, tenant_keys.tenant, scopes=["webhooks:read"])
    response = await client.post(send_path(tested["id"]), headers=bearer(reader))
    error = assert_error(response, 403, "insufficient_scope")
    assert error["details"]["requiredScope"] == "webhooks:write"
    assert await counts(db) == (0, 0)
    assert json.loads(response.content)["error"]["requestId"]
