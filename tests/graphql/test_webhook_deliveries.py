"""CONTRACT.md §15 `webhookDeliveries` and `WebhookEndpoint.deliveries`: the REST list of
`GET /v1/tenants/{t}/webhook-deliveries` with the same filters, rules and refusals."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from app.core.config import Settings
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from tests.factories import PUBLIC_WEBHOOK_URL, Keys, bearer, make_endpoint, make_key
from tests.graphql.helpers import error_codes, gql
from tests.webhooks.test_tenant_deliveries import add_delivery

DELIVERIES = """
query($filter: WebhookDeliveryFilter, $first: Int, $after: String) {
  webhookDeliveries(filter: $filter, first: $first, after: $after) {
    edges { node { id endpointId eventId eventType status attempts lastStatusCode lastError
                   nextAttemptAt deliveredAt resourceId requestId createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
ENDPOINT_DELIVERIES = """
query($id: ID!, $filter: WebhookDeliveryFilter) {
  node(id: $id) { ... on WebhookEndpoint { deliveries(filter: $filter) { edges { node { id } } } } }
}
"""


async def listed(
    client: httpx.AsyncClient, keys: Keys, filter: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    body = await gql(client, keys.headers, DELIVERIES, {"filter": filter, "first": 50})
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["webhookDeliveries"]["edges"]]


async def ids(client: httpx.AsyncClient, keys: Keys, **filter: Any) -> list[uuid.UUID]:
    return [uuid.UUID(node["id"]) for node in await listed(client, keys, filter)]


async def rest(client: httpx.AsyncClient, keys: Keys, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(
        "/v1/tenants/acme/webhook-deliveries", params={**params, "limit": 50}, headers=keys.headers
    )
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


@pytest.fixture
async def endpoints(db: Database, settings: Settings, tenant_keys: Keys) -> list[WebhookEndpoint]:
    return [
        (await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL))[0]
        for _ in range(2)
    ]


async def test_each_filter_selects_what_the_rest_list_selects(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    db: Database,
    settings: Settings,
    endpoints: list[WebhookEndpoint],
) -> None:
    first, second = endpoints
    report = uuid.uuid4()
    a, a_event = await add_delivery(db, first, minute=0, request_id="req-a", resource_id=report)
    b, _ = await add_delivery(
        db, first, minute=1, status="delivered", event_type="report.published"
    )
    c, _ = await add_delivery(db, second, minute=2, status="skipped", resource_id=report)
    d, _ = await add_delivery(
        db, second, minute=3, status="dead", event_type="automation_run.failed", request_id="r:b"
    )
    theirs, _ = await make_endpoint(db, settings, tenant_keys.other_tenant, PUBLIC_WEBHOOK_URL)
    await add_delivery(db, theirs, minute=4)
    # The nodes are the REST representations, enums by name.
    nodes = await listed(client, tenant_keys)
    for node in nodes:
        node["status"] = node["status"].lower()
    assert nodes == await rest(client, tenant_keys)
    assert await ids(client, tenant_keys) == [d, c, b, a]
    assert await ids(client, tenant_keys, endpointId=str(first.id)) == [b, a]
    assert await ids(client, tenant_keys, status="SKIPPED") == [c]
    assert await ids(client, tenant_keys, status="DELIVERED") == [b]
    assert await ids(client, tenant_keys, status="PENDING") == [a]
    assert await ids(client, tenant_keys, status="DEAD") == [d]
    assert await ids(client, tenant_keys, eventType="automation_run.failed") == [d]
    assert await ids(client, tenant_keys, eventId=str(a_event)) == [a]
    assert await ids(client, tenant_keys, requestId="req-a") == [a]
    assert await ids(client, tenant_keys, requestId="r:b") == [d]
    assert await ids(client, tenant_keys, resourceId=str(report)) == [c, a]
    # since is inclusive, until exclusive; offsets name the same moments.
    assert await ids(client, tenant_keys, since="2026-11-01T12:01:00Z") == [d, c, b]
    assert await ids(client, tenant_keys, until="2026-11-01T12:02:00Z") == [b, a]
    window = {"since": "2026-11-01T13:01:00+01:00", "until": "2026-11-01T12:03:00.000Z"}
    assert await ids(client, tenant_keys, **window) == [c, b]
    # Filters combine.
    assert await ids(client, tenant_keys, resourceId=str(report), endpointId=str(second.id)) == [c]
    assert await ids(client, tenant_keys, resourceId=str(report), status="DEAD") == []
    assert await ids(client, tenant_keys, eventId=str(uuid.uuid4())) == []
    assert await ids(client, tenant_keys, endpointId=str(theirs.id)) == []


async def test_an_endpoints_deliveries_are_the_list_fixed_to_it(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, endpoints: list[WebhookEndpoint]
) -> None:
    first, second = endpoints
    a, _ = await add_delivery(db, first, minute=0)
    b, _ = await add_delivery(db, first, minute=1, status="dead")
    await add_delivery(db, second, minute=2, status="dead")

    async def of(endpoint: WebhookEndpoint, **filter: Any) -> list[str]:
        body = await gql(
            client,
            tenant_keys.headers,
            ENDPOINT_DELIVERIES,
            {"id": str(endpoint.id), "filter": filter},
        )
        assert "errors" not in body, body
        return [edge["node"]["id"] for edge in body["data"]["node"]["deliveries"]["edges"]]

    assert await of(first) == [str(b), str(a)]
    assert await of(first, status="DEAD") == [str(b)]
    assert await of(first, endpointId=str(first.id)) == [str(b), str(a)]
    # A filter naming another endpoint matches nothing here.
    assert await of(first, endpointId=str(second.id)) == []
    listed_with = await gql(
        client,
        tenant_keys.headers,
        "{ webhookEndpoints { id deliveries(last: 1) { edges { node { id endpointId } } } } }",
    )
    lists = {
        endpoint["id"]: [edge["node"]["endpointId"] for edge in endpoint["deliveries"]["edges"]]
        for endpoint in listed_with["data"]["webhookEndpoints"]
    }
    assert lists == {str(first.id): [str(first.id)], str(second.id): [str(second.id)]}


async def test_a_cursor_only_continues_the_list_and_filters_it_came_from(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, endpoints: list[WebhookEndpoint]
) -> None:
    first, _ = endpoints
    for minute in range(3):
        await add_delivery(db, first, minute=minute, request_id="req-a")
    filter = {"requestId": "req-a"}
    body = await gql(client, tenant_keys.headers, DELIVERIES, {"filter": filter, "first": 1})
    cursor = body["data"]["webhookDeliveries"]["pageInfo"]["endCursor"]
    same = await gql(
        client, tenant_keys.headers, DELIVERIES, {"filter": filter, "first": 1, "after": cursor}
    )
    assert len(same["data"]["webhookDeliveries"]["edges"]) == 1
    for other in (None, {"requestId": "req-b"}, {"requestId": "req-a", "status": "PENDING"}):
        body = await gql(
            client, tenant_keys.headers, DELIVERIES, {"filter": other, "first": 1, "after": cursor}
        )
        assert error_codes(body) == ["validation_error"]
        assert body["errors"][0]["extensions"]["details"][0]["path"] == "cursor"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("endpointId", "not-a-uuid"),
        ("eventId", "123"),
        ("resourceId", ""),
        ("eventType", "report.deleted"),
        ("requestId", "has space"),
        ("requestId", "x" * 129),
        ("since", "0001-01-01T00:00:00+01:00"),
    ],
)
async def test_malformed_filters_are_validation_errors(
    client: httpx.AsyncClient, tenant_keys: Keys, name: str, value: str
) -> None:
    body = await gql(client, tenant_keys.headers, DELIVERIES, {"filter": {name: value}})
    assert body["data"] is None
    assert error_codes(body) == ["validation_error"]
    [detail] = body["errors"][0]["extensions"]["details"]
    assert detail["path"] == f"filter.{name}"


@pytest.mark.parametrize(
    ("name", "value"), [("status", "FAILED"), ("since", "2026-11-01"), ("until", 1764590400)]
)
async def test_filters_of_the_wrong_graphql_type_are_validation_errors(
    client: httpx.AsyncClient, tenant_keys: Keys, name: str, value: Any
) -> None:
    body = await gql(client, tenant_keys.headers, DELIVERIES, {"filter": {name: value}})
    assert body["data"] is None
    assert error_codes(body) == ["validation_error"]


async def test_without_webhooks_read_the_lists_are_insufficient_scope(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    db: Database,
    settings: Settings,
    endpoints: list[WebhookEndpoint],
) -> None:
    writer = await make_key(db, settings, tenant_keys.tenant, scopes=["webhooks:write"])
    body = await gql(client, bearer(writer), DELIVERIES)
    assert body["data"] is None
    assert error_codes(body) == ["insufficient_scope"]
    assert body["errors"][0]["extensions"]["details"] == {"requiredScope": "webhooks:read"}
