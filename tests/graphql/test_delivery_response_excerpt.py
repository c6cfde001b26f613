"""`WebhookDelivery.lastResponseExcerpt`: the stored start of the last answer's body, read
through the service only when a document asks for it."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import update

from app.core.config import Settings
from db.models.webhook_delivery import WebhookDelivery
from db.session import Database
from tests.factories import PUBLIC_WEBHOOK_URL, Keys, make_endpoint
from tests.graphql.helpers import gql
from tests.webhooks.test_tenant_deliveries import add_delivery

DELIVERY = """
query($id: ID!) {
  node(id: $id) { ... on WebhookDelivery { id status lastStatusCode lastResponseExcerpt } }
}
"""
LISTED = """
query { webhookDeliveries(first: 10) { edges { node { id lastResponseExcerpt } } } }
"""


async def answered(db: Database, delivery_id: object, status_code: int, body: str) -> None:
    async with db.unit_of_work() as session:
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(
                status="dead", attempts=3, last_status_code=status_code, last_response_body=body
            )
        )


async def node(client: httpx.AsyncClient, keys: Keys, delivery_id: object) -> dict[str, Any]:
    body = await gql(client, keys.headers, DELIVERY, {"id": str(delivery_id)})
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["node"]
    return found


async def test_a_delivery_shows_the_excerpt_of_its_last_answer(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    refused, _ = await add_delivery(db, endpoint, minute=0)
    unanswered, _ = await add_delivery(db, endpoint, minute=1)
    await answered(db, refused, 500, '{"error": "database down"}')

    assert await node(client, tenant_keys, refused) == {
        "id": str(refused),
        "status": "DEAD",
        "lastStatusCode": 500,
        "lastResponseExcerpt": '{"error": "database down"}',
    }
    assert (await node(client, tenant_keys, unanswered))["lastResponseExcerpt"] is None

    body = await gql(client, tenant_keys.headers, LISTED)
    assert "errors" not in body, body
    assert [edge["node"] for edge in body["data"]["webhookDeliveries"]["edges"]] == [
        {"id": str(unanswered), "lastResponseExcerpt": None},
        {"id": str(refused), "lastResponseExcerpt": '{"error": "database down"}'},
    ]


async def test_another_tenants_delivery_shows_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    theirs, _ = await make_endpoint(db, settings, tenant_keys.other_tenant, PUBLIC_WEBHOOK_URL)
    delivery, _ = await add_delivery(db, theirs, minute=0)
    await answered(db, delivery, 500, "secret of theirs")

    body = await gql(client, tenant_keys.headers, DELIVERY, {"id": str(delivery)})
    assert body == {"data": {"node": None}}
