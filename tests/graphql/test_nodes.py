"""CONTRACT.md §15 Relay nodes: `node(id:)` for every node type as REST shows it, never another
tenant's; `nodes(ids:)` with known, unknown, foreign and malformed ids, and over 100; one
statement per lookup; a type the key cannot read is null (docs/GRAPHQL-RELAY.md)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.core.config import Settings
from db.session import Database
from tests.automation_runs.helpers import RUNS, create_run
from tests.benchmarks.engine_probe import statement_counter
from tests.factories import (
    PUBLIC_WEBHOOK_URL,
    UNKNOWN_ID,
    Keys,
    bearer,
    make_delivery,
    make_endpoint,
    make_key,
)
from tests.graphql.helpers import error_codes, gql
from tests.reports.helpers import REPORTS, batch, item

# Every field of each node type. The two `status` fields have different enum types, so
# GraphQL wants them aliased apart.
NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Report { slug title summary content publishedAt createdAt updatedAt }
    ... on AutomationRun { flowId provider runStatus: status correlationId input output error
                           providerRunId attempts createdAt updatedAt startedAt completedAt }
    ... on WebhookEndpoint { url eventTypes description enabled disabledAt disabledReason
                             ordering maxDeliveriesPerSecond createdAt updatedAt }
    ... on WebhookDelivery { endpointId eventId eventType deliveryStatus: status attempts
                             lastStatusCode lastError nextAttemptAt deliveredAt resourceId requestId
                             createdAt }
  }
}
"""
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


def as_rest(node: dict[str, Any]) -> dict[str, Any]:
    """A node's fields as the REST representation spells them (enum names as values)."""
    fields = {
        {"runStatus": "status", "deliveryStatus": "status"}.get(name, name): value
        for name, value in node.items()
        if name != "__typename"
    }
    for name in ("status", "disabledReason", "ordering"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].lower().replace("_", "-" if name == "ordering" else "_")
    return fields


async def rest(client: httpx.AsyncClient, keys: Keys, path: str) -> Any:
    response = await client.get(f"/v1/tenants/acme/{path}", headers=keys.headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.fixture
async def one_of_each(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> dict[str, dict[str, Any]]:
    """A report, a run, an endpoint and a delivery of the tenant, by type, as REST shows them."""
    response = await client.post(
        REPORTS.format("acme"),
        json=batch(item("q3", content={"rows": [1, 2]}, publishedAt="2026-01-01T00:00:00Z")),
        headers=tenant_keys.headers,
    )
    assert response.status_code == 200, response.text
    run = await create_run(client, tenant_keys, input={"a": 1})
    endpoint, _ = await make_endpoint(
        db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL, event_types=["report.created"]
    )
    delivery_id = await make_delivery(db, endpoint, tenant_keys.tenant, status="dead")
    [delivery] = await rest(client, tenant_keys, "webhook-deliveries?eventType=report.created")
    assert delivery["id"] == str(delivery_id)
    return {
        "Report": await rest(client, tenant_keys, "reports/q3"),
        "AutomationRun": await rest(client, tenant_keys, f"automation-runs/{run['id']}"),
        "WebhookEndpoint": await rest(client, tenant_keys, f"webhook-endpoints/{endpoint.id}"),
        "WebhookDelivery": delivery,
    }


async def test_node_gives_each_type_as_rest_shows_it(
    client: httpx.AsyncClient, tenant_keys: Keys, one_of_each: dict[str, dict[str, Any]]
) -> None:
    for type_name, representation in one_of_each.items():
        body = await gql(client, tenant_keys.headers, NODE, {"id": representation["id"]})
        node = body["data"]["node"]
        assert node["__typename"] == type_name
        assert as_rest(node) == representation


async def test_node_never_gives_another_tenants(
    client: httpx.AsyncClient, tenant_keys: Keys, one_of_each: dict[str, dict[str, Any]]
) -> None:
    for representation in one_of_each.values():
        body = await gql(
            client,
            bearer(tenant_keys.other_key),
            NODE,
            {"id": representation["id"]},
            tenant="globex",
        )
        assert body == {"data": {"node": None}}


@pytest.mark.parametrize(
    "text", [UNKNOWN_ID, "not-a-uuid", "", UNKNOWN_ID.replace("-", ""), f"{{{UNKNOWN_ID}}}"]
)
async def test_node_of_an_unknown_or_malformed_id_is_null(
    client: httpx.AsyncClient, tenant_keys: Keys, text: str
) -> None:
    body = await gql(client, tenant_keys.headers, NODE, {"id": text})
    assert body == {"data": {"node": None}}


async def test_nodes_answers_each_id_in_order_in_one_statement(
    client: httpx.AsyncClient, tenant_keys: Keys, one_of_each: dict[str, dict[str, Any]]
) -> None:
    mine = [representation["id"] for representation in one_of_each.values()]
    theirs = await client.post(
        RUNS.format("globex"), json={"flowId": "f"}, headers=bearer(tenant_keys.other_key)
    )
    foreign = theirs.json()["data"]["id"]
    ids = [mine[3], UNKNOWN_ID, mine[0], foreign, "nope", mine[2], mine[1], mine[0].upper()]
    await gql(client, tenant_keys.headers, "{ latestReport { slug } }")  # key cached
    with statement_counter() as counted:
        body = await gql(client, tenant_keys.headers, NODES, {"ids": ids})
    assert counted() == 1
    typed = [(node["__typename"], node["id"]) if node else None for node in body["data"]["nodes"]]
    assert typed == [
        ("WebhookDelivery", mine[3]),
        None,
        ("Report", mine[0]),
        None,
        None,
        ("WebhookEndpoint", mine[2]),
        ("AutomationRun", mine[1]),
        ("Report", mine[0]),
    ]


async def test_node_is_one_statement(
    client: httpx.AsyncClient, tenant_keys: Keys, one_of_each: dict[str, dict[str, Any]]
) -> None:
    await gql(client, tenant_keys.headers, "{ latestReport { slug } }")  # key cached
    with statement_counter() as counted:
        body = await gql(
            client, tenant_keys.headers, NODE, {"id": one_of_each["WebhookDelivery"]["id"]}
        )
    assert body["data"]["node"]["__typename"] == "WebhookDelivery"
    assert counted() == 1


async def test_aliased_node_lookups_are_one_statement(
    client: httpx.AsyncClient, tenant_keys: Keys, one_of_each: dict[str, dict[str, Any]]
) -> None:
    ids = [representation["id"] for representation in one_of_each.values()]
    aliases = " ".join(f'n{i}: node(id: "{node_id}") {{ id }}' for i, node_id in enumerate(ids))
    aliases += ' bad: node(id: "x") { id }'
    await gql(client, tenant_keys.headers, "{ latestReport { slug } }")  # key cached
    with statement_counter() as counted:
        body = await gql(
            client, tenant_keys.headers, f'{{ {aliases} bad: node(id: "x") {{ id }} }}'
        )
    assert counted() == 1
    assert body["data"] == {
        **{f"n{i}": {"id": node_id} for i, node_id in enumerate(ids)},
        "bad": None,
    }


async def test_nodes_takes_at_most_100_ids(
    client: httpx.AsyncClient, tenant_keys: Keys, one_of_each: dict[str, dict[str, Any]]
) -> None:
    report_id = one_of_each["Report"]["id"]
    body = await gql(client, tenant_keys.headers, NODES, {"ids": [report_id] * 100})
    assert len(body["data"]["nodes"]) == 100
    assert body["data"]["nodes"][99] == {"__typename": "Report", "id": report_id}
    body = await gql(client, tenant_keys.headers, NODES, {"ids": [report_id] * 101})
    assert body["data"] is None
    assert error_codes(body) == ["validation_error"]
    [error] = body["errors"]
    assert error["path"] == ["nodes"]
    assert error["extensions"]["details"] == [
        {"path": "ids", "message": "at most 100 ids, got 101"}
    ]


async def test_a_node_of_a_type_the_key_cannot_read_is_null(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    db: Database,
    settings: Settings,
    one_of_each: dict[str, dict[str, Any]],
) -> None:
    runs_only = await make_key(db, settings, tenant_keys.tenant, scopes=["automations:read"])
    ids = [representation["id"] for representation in one_of_each.values()]
    body = await gql(client, bearer(runs_only), NODES, {"ids": ids})
    assert body == {
        "data": {"nodes": [None, {"__typename": "AutomationRun", "id": ids[1]}, None, None]}
    }
    writer = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:write"])
    body = await gql(client, bearer(writer), NODE, {"id": ids[0]})
    assert body == {"data": {"node": None}}
