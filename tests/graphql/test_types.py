"""GraphQL objects carry the REST representation field for field, whether built from a row
(queries) or from the stored REST JSON (mutations and their replays)."""

from __future__ import annotations

from typing import Any

import httpx

from app.core.config import Settings
from db.session import Database
from tests.automation_runs.helpers import RUNS
from tests.factories import Keys, make_endpoint
from tests.graphql.helpers import gql
from tests.reports.helpers import REPORTS

REPORT_FIELDS = "id slug title summary content publishedAt createdAt updatedAt"
RUN_FIELDS = (
    "id flowId provider status correlationId input output error providerRunId attempts "
    "createdAt updatedAt startedAt completedAt"
)


def as_rest(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL node in REST spelling: enum names become the lower-case values."""
    return {**node, "status": node["status"].lower()} if "status" in node else node


async def test_report_from_the_mutation_and_the_query_is_the_rest_report(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    upsert = f"""mutation($input: [ReportInput!]!) {{
      upsertReports(input: $input, idempotencyKey: "t-1") {{
        results {{ report {{ {REPORT_FIELDS} }} }} }} }}"""
    report = {
        "slug": "a",
        "title": "A",
        "summary": "s",
        "content": {"k": [1, {"n": None}]},
        "publishedAt": "2026-01-01T10:00:00.123456+02:00",
    }
    created = await gql(client, tenant_keys.headers, upsert, {"input": [report]})
    replayed = await gql(client, tenant_keys.headers, upsert, {"input": [report]})
    queried = await gql(
        client, tenant_keys.headers, f'{{ report(slug: "a") {{ {REPORT_FIELDS} }} }}'
    )
    rest = await client.get(REPORTS.format("acme") + "/a", headers=tenant_keys.headers)

    [result] = created["data"]["upsertReports"]["results"]
    assert replayed["data"] == created["data"]
    assert result["report"] == queried["data"]["report"] == rest.json()["data"]


async def test_run_from_the_mutation_and_the_query_is_the_rest_run(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    create = f"""mutation($input: CreateAutomationRunInput!) {{
      createAutomationRun(input: $input) {{ {RUN_FIELDS} }} }}"""
    created = await gql(
        client, tenant_keys.headers, create, {"input": {"flowId": "f1", "input": {"a": 1}}}
    )
    run = created["data"]["createAutomationRun"]
    queried = await gql(
        client,
        tenant_keys.headers,
        f"query($id: ID!) {{ automationRun(id: $id) {{ {RUN_FIELDS} }} }}",
        {"id": run["id"]},
    )
    rest = await client.get(f"{RUNS.format('acme')}/{run['id']}", headers=tenant_keys.headers)

    assert run["status"] == "QUEUED"
    assert as_rest(run) == as_rest(queried["data"]["automationRun"]) == rest.json()["data"]


async def test_webhook_endpoint_is_the_rest_endpoint(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(
        db,
        settings,
        tenant_keys.tenant,
        "https://hooks.example.com/a",
        event_types=["report.created"],
    )
    queried = await gql(
        client,
        tenant_keys.headers,
        "{ webhookEndpoints { id url eventTypes description enabled createdAt updatedAt } }",
    )
    rest = await client.get(
        f"/v1/tenants/acme/webhook-endpoints/{endpoint.id}", headers=tenant_keys.headers
    )

    [node] = queried["data"]["webhookEndpoints"]
    assert node == {name: rest.json()["data"][name] for name in node}
