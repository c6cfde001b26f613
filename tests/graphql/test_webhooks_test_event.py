"""`sendTestWebhook` (CONTRACT.md §15): the signed `webhook.test` event reaches a real local
receiver through a real worker process, as the REST test event does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from standardwebhooks import Webhook

from app.core.config import Settings
from app.outbox.events import REPORT_CREATED, WEBHOOK_TEST
from tests.factories import Keys
from tests.graphql.helpers import gql
from tests.graphql.webhook_helpers import CREATE, SEND_TEST
from tests.receiver import Answer, Receiver, running_receiver
from tests.worker.helpers import delivery_settings
from tests.worker.process import running_workers, worker_env

DELIVERY = """
query Delivery($id: ID!) { webhookEndpoint(id: $id) { id stats { attempts delivered } } }
"""


@pytest.fixture
def settings(database_url: str, redis_url: str) -> Settings:
    """Local receivers allowed, as the worker tests have them."""
    return delivery_settings(database_url, redis_url)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running


async def test_the_test_webhook_is_delivered_signed_by_a_worker(
    client: httpx.AsyncClient, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    created = await gql(
        client,
        tenant_keys.headers,
        CREATE,
        {"input": {"url": receiver.script("/hook", Answer(200)), "eventTypes": [REPORT_CREATED]}},
    )
    assert "errors" not in created, created
    endpoint = created["data"]["createWebhookEndpoint"]["endpoint"]
    secret = created["data"]["createWebhookEndpoint"]["secret"]
    headers = {**tenant_keys.headers, "X-Request-Id": "req-gql-test"}
    with running_workers(worker_env(cli_env)) as [worker]:
        sent = await gql(client, headers, SEND_TEST, {"id": endpoint["id"], "key": "t-1"})
        assert "errors" not in sent, sent
        delivery = sent["data"]["sendTestWebhook"]
        [request] = await receiver.wait_for("/hook", 1)
        async with asyncio.timeout(60):
            while True:
                stats = await gql(client, tenant_keys.headers, DELIVERY, {"id": endpoint["id"]})
                if stats["data"]["webhookEndpoint"]["stats"]["delivered"] == 1:
                    break
                await asyncio.sleep(0.2)
        assert await worker.terminate() == 0, worker.output()

    assert (delivery["eventType"], delivery["status"]) == (WEBHOOK_TEST, "PENDING")
    assert delivery["requestId"] == "req-gql-test"
    body = Webhook(secret).verify(request.body, request.headers)
    assert body["type"] == WEBHOOK_TEST
    assert body["data"] == {"endpointId": endpoint["id"]}
    assert request.headers["webhook-id"] == delivery["eventId"]
    assert request.headers["x-request-id"] == "req-gql-test"
    log = await client.get(
        f"/v1/tenants/acme/webhook-endpoints/{endpoint['id']}/deliveries",
        headers=tenant_keys.headers,
    )
    [entry] = log.json()["data"]
    assert (entry["id"], entry["status"], entry["attempts"]) == (delivery["id"], "delivered", 1)
