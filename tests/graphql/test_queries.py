"""CONTRACT.md §10 queries through HTTP: connections, nullable lookups, tenant isolation."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import insert

from app.core.config import Settings
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from tests.automation_runs.helpers import create_run
from tests.benchmarks.engine_probe import statement_counter
from tests.conftest import make_settings
from tests.factories import Keys, bearer, make_endpoint
from tests.graphql.helpers import error_codes, gql
from tests.reports.helpers import REPORTS, batch, item

REPORTS_PAGE = """
query Page($first: Int!, $after: String, $status: ReportStatus!) {
  reports(first: $first, after: $after, status: $status) {
    edges { cursor node { id slug title summary content publishedAt createdAt updatedAt } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.fixture
def settings(database_url: str, redis_url: str) -> Settings:
    """A page of 100 reports costs more than GRAPHQL_MAX_COST's default allows (its refusal is
    tested in tests/graphql/test_cost_limits.py): here the queries are what is tested."""
    return make_settings(
        database_url,
        redis_url,
        graphql_max_cost=100_000,
        rate_limit_graphql_points_per_minute=10_000_000,
    )


async def seed_reports(client: httpx.AsyncClient, keys: Keys, count: int) -> None:
    items = [
        item(f"r-{i:03d}", publishedAt=f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}Z")
        for i in range(count)
    ]
    response = await client.post(REPORTS.format("acme"), json=batch(*items), headers=keys.headers)
    assert response.status_code == 200


async def test_reports_connection_pages_like_rest(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await seed_reports(client, tenant_keys, 7)
    rest = (
        await client.get(REPORTS.format("acme") + "?limit=100", headers=tenant_keys.headers)
    ).json()
    seen = []
    after = None
    while True:
        body = await gql(
            client,
            tenant_keys.headers,
            REPORTS_PAGE,
            {"first": 3, "after": after, "status": "PUBLISHED"},
        )
        connection = body["data"]["reports"]
        seen += [edge["node"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
        assert after == connection["edges"][-1]["cursor"]
    assert seen == rest["data"]


async def test_bad_connection_arguments_are_validation_errors(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    for variables in (
        {"first": 0, "status": "ALL"},
        {"first": 101, "status": "ALL"},
        {"first": 5, "after": "tampered", "status": "ALL"},
    ):
        body = await gql(client, tenant_keys.headers, REPORTS_PAGE, variables)
        assert body["data"] is None
        assert error_codes(body) == ["validation_error"]
        assert body["errors"][0]["extensions"]["requestId"]
    body = await gql(client, tenant_keys.headers, REPORTS_PAGE, {"first": 5, "status": "ARCHIVED"})
    assert error_codes(body) == ["validation_error"]


async def test_single_lookups_return_null_when_missing_or_foreign(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await client.post(REPORTS.format("acme"), json=batch(item("mine")), headers=tenant_keys.headers)
    await client.post(
        REPORTS.format("globex"),
        json=batch(item("theirs", publishedAt="2026-01-01T00:00:00Z")),
        headers=bearer(tenant_keys.other_key),
    )
    run = await create_run(client, tenant_keys)
    body = await gql(
        client,
        bearer(tenant_keys.other_key),
        """query($id: ID!) { automationRun(id: $id) { id } report(slug: "mine") { slug }
           bad: automationRun(id: "not-a-uuid") { id } }""",
        {"id": run["id"]},
        tenant="globex",
    )
    assert body == {"data": {"automationRun": None, "report": None, "bad": None}}
    body = await gql(
        client,
        tenant_keys.headers,
        """query($id: ID!) { automationRun(id: $id) { id status flowId attempts }
           report(slug: "mine") { slug publishedAt } latestReport { slug } }""",
        {"id": run["id"]},
    )
    assert body["data"] == {
        "automationRun": {"id": run["id"], "status": "QUEUED", "flowId": "flow_1", "attempts": 0},
        "report": {"slug": "mine", "publishedAt": None},
        "latestReport": None,
    }


async def test_only_the_canonical_uuid_form_names_a_run(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    run_id = (await create_run(client, tenant_keys))["id"]
    spellings = {
        "upper": run_id.upper(),
        "braces": f"{{{run_id}}}",
        "hex": run_id.replace("-", ""),
        "urn": f"urn:uuid:{run_id}",
    }
    lookups = " ".join(
        f'{alias}: automationRun(id: "{text}") {{ id }}' for alias, text in spellings.items()
    )
    body = await gql(client, tenant_keys.headers, f"{{ {lookups} }}")
    assert body == {"data": {"upper": {"id": run_id}, "braces": None, "hex": None, "urn": None}}


async def test_webhook_endpoints_lists_every_endpoint(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    async with db.unit_of_work() as session:
        await session.execute(
            insert(WebhookEndpoint),
            [
                {
                    "tenant_id": tenant_keys.tenant.id,
                    "url": f"https://hooks.example.com/{index}",
                    "secret_encrypted": "sealed",
                }
                for index in range(1001)
            ],
        )
    body = await gql(client, tenant_keys.headers, "{ webhookEndpoints { url } }")
    urls = {endpoint["url"] for endpoint in body["data"]["webhookEndpoints"]}
    assert urls == {f"https://hooks.example.com/{index}" for index in range(1001)}


async def test_automation_runs_connection_and_status_filter(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    for index in range(3):
        await create_run(client, tenant_keys, correlationId=f"c-{index}")
    query = """query($status: AutomationRunStatus) {
      automationRuns(first: 2, status: $status) {
        edges { node { correlationId status } } pageInfo { hasNextPage endCursor } } }"""
    body = await gql(client, tenant_keys.headers, query, {"status": "QUEUED"})
    connection = body["data"]["automationRuns"]
    assert [edge["node"]["correlationId"] for edge in connection["edges"]] == ["c-2", "c-1"]
    assert connection["pageInfo"]["hasNextPage"] is True
    body = await gql(client, tenant_keys.headers, query, {"status": "SUCCEEDED"})
    assert body["data"]["automationRuns"]["edges"] == []


async def test_webhook_endpoints_list(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(
        db,
        settings,
        tenant_keys.tenant,
        "https://hooks.example.com/a",
        event_types=["report.created"],
    )
    await make_endpoint(db, settings, tenant_keys.other_tenant, "https://hooks.example.com/b")
    body = await gql(
        client,
        tenant_keys.headers,
        "{ webhookEndpoints { id url eventTypes enabled description } }",
    )
    assert body["data"]["webhookEndpoints"] == [
        {
            "id": str(endpoint.id),
            "url": "https://hooks.example.com/a",
            "eventTypes": ["report.created"],
            "enabled": True,
            "description": None,
        }
    ]


async def test_a_page_of_100_costs_a_constant_number_of_statements(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await seed_reports(client, tenant_keys, 150)
    await gql(client, tenant_keys.headers, "{ latestReport { slug } }")  # key cached
    counts = []
    for first in (1, 100):
        with statement_counter() as counted:
            body = await gql(
                client, tenant_keys.headers, REPORTS_PAGE, {"first": first, "status": "ALL"}
            )
        assert len(body["data"]["reports"]["edges"]) == first
        counts.append(counted())
    assert counts == [1, 1]


async def test_aliased_lookups_are_batched(client: httpx.AsyncClient, tenant_keys: Keys) -> None:
    await seed_reports(client, tenant_keys, 5)
    await gql(client, tenant_keys.headers, "{ latestReport { slug } }")
    aliases = " ".join(f'r{i}: report(slug: "r-00{i}") {{ slug }}' for i in range(5))
    with statement_counter() as counted:
        body = await gql(client, tenant_keys.headers, f"{{ {aliases} }}")
    assert body["data"]["r3"] == {"slug": "r-003"}
    assert counted() == 1


async def test_missing_scope_is_an_insufficient_scope_error(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    from tests.factories import make_key

    runs_only = await make_key(db, settings, tenant_keys.tenant, scopes=["automations:read"])
    body = await gql(client, bearer(runs_only), "{ latestReport { slug } }")
    assert error_codes(body) == ["insufficient_scope"]
    assert body["errors"][0]["extensions"]["details"] == {"requiredScope": "reports:read"}
