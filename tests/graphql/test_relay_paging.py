"""CONTRACT.md §15 Relay paging: every connection pages backwards (`last`/`before`) as well as
forwards, in the list's order, with PageInfo's four fields (docs/GRAPHQL-RELAY.md); refusals of
mixed or out-of-range arguments; one statement per page either way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.core.config import Settings
from db.session import Database
from tests.automation_runs.helpers import create_run
from tests.benchmarks.engine_probe import statement_counter
from tests.factories import PUBLIC_WEBHOOK_URL, Keys, make_delivery, make_endpoint
from tests.graphql.helpers import error_codes, gql
from tests.reports.helpers import REPORTS, batch, item

PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
ARGUMENTS = "($first: Int, $after: String, $last: Int, $before: String)"
PAGING = "first: $first, after: $after, last: $last, before: $before"

Fetch = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


def connection_query(field: str, arguments: str = "") -> str:
    return f"""query{ARGUMENTS} {{ {field}({PAGING}{arguments}) {{
        edges {{ cursor node {{ id }} }} {PAGE_INFO} }} }}"""


def fetcher(client: httpx.AsyncClient, keys: Keys, field: str, arguments: str = "") -> Fetch:
    query = connection_query(field, arguments)

    async def fetch(variables: dict[str, Any]) -> dict[str, Any]:
        body = await gql(client, keys.headers, query, variables)
        assert "errors" not in body, body
        page: dict[str, Any] = body["data"][field]
        return page

    return fetch


def ids_of(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in page["edges"]]


def check_cursors(page: dict[str, Any]) -> None:
    info, edges = page["pageInfo"], page["edges"]
    assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
    assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)


async def walk_forwards(fetch: Fetch, size: int) -> list[str]:
    seen: list[str] = []
    after = None
    while True:
        page = await fetch({"first": size, "after": after})
        check_cursors(page)
        assert page["pageInfo"]["hasPreviousPage"] is False
        seen += ids_of(page)
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


async def walk_backwards(fetch: Fetch, size: int) -> list[str]:
    seen: list[str] = []
    before = None
    while True:
        page = await fetch({"last": size, "before": before})
        check_cursors(page)
        assert page["pageInfo"]["hasNextPage"] is False
        assert 0 < len(page["edges"]) <= size
        seen = ids_of(page) + seen
        if not page["pageInfo"]["hasPreviousPage"]:
            return seen
        before = page["pageInfo"]["startCursor"]


async def check_both_ways(fetch: Fetch, expected: list[str]) -> None:
    """Forwards and backwards, in pages of several sizes, give the whole list in one order;
    a cursor resumes in either direction around its item."""
    assert len(expected) >= 5
    for size in (1, 2, 3, len(expected), 100):
        assert await walk_forwards(fetch, size) == expected
        assert await walk_backwards(fetch, size) == expected
    middle = (await fetch({"first": 3}))["edges"][2]["cursor"]
    assert ids_of(await fetch({"last": 2, "before": middle})) == expected[:2]
    assert ids_of(await fetch({"first": 2, "after": middle})) == expected[3:5]
    start = (await fetch({"first": 1}))["pageInfo"]["startCursor"]
    empty = await fetch({"last": 5, "before": start})
    assert empty == {
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }
    # Without a count, a page is 20 items either way.
    assert len((await fetch({"before": middle}))["edges"]) == 2


async def seed_reports(client: httpx.AsyncClient, keys: Keys) -> None:
    # Drafts, ordered by updatedAt, share the batch's: their order is the ids'.
    items = [
        item(f"r-{i}", publishedAt=f"2026-01-01T00:00:{i:02d}Z" if i % 3 else None)
        for i in range(15)
    ]
    response = await client.post(REPORTS.format("acme"), json=batch(*items), headers=keys.headers)
    assert response.status_code == 200, response.text


async def rest_ids(client: httpx.AsyncClient, keys: Keys, path: str) -> list[str]:
    response = await client.get(f"/v1/tenants/acme/{path}", headers=keys.headers)
    assert response.status_code == 200, response.text
    return [entry["id"] for entry in response.json()["data"]]


@pytest.mark.parametrize("status", ["PUBLISHED", "DRAFT", "ALL"])
async def test_reports_page_both_ways(
    client: httpx.AsyncClient, tenant_keys: Keys, status: str
) -> None:
    await seed_reports(client, tenant_keys)
    expected = await rest_ids(client, tenant_keys, f"reports?limit=100&status={status.lower()}")
    await check_both_ways(fetcher(client, tenant_keys, "reports", f", status: {status}"), expected)


async def test_automation_runs_page_both_ways(client: httpx.AsyncClient, tenant_keys: Keys) -> None:
    for index in range(7):
        await create_run(client, tenant_keys, correlationId=f"c-{index}")
    expected = await rest_ids(client, tenant_keys, "automation-runs?limit=100")
    assert len(expected) == 7
    await check_both_ways(fetcher(client, tenant_keys, "automationRuns"), expected)
    queued = fetcher(client, tenant_keys, "automationRuns", ", status: QUEUED")
    await check_both_ways(queued, expected)


async def seed_deliveries(db: Database, settings: Settings, keys: Keys) -> list[str]:
    """Eight deliveries over two endpoints (five to the second), two of them created at the
    same moment (ties are broken by id); the endpoints' ids."""
    first, _ = await make_endpoint(db, settings, keys.tenant, PUBLIC_WEBHOOK_URL)
    second, _ = await make_endpoint(db, settings, keys.tenant, PUBLIC_WEBHOOK_URL)
    base = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    for minute in (0, 1, 2, 2, 3, 4, 5, 6):
        endpoint = first if minute % 2 else second
        await make_delivery(db, endpoint, keys.tenant, created_at=base + timedelta(minutes=minute))
    return [str(first.id), str(second.id)]


async def test_webhook_deliveries_page_both_ways(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    await seed_deliveries(db, settings, tenant_keys)
    expected = await rest_ids(client, tenant_keys, "webhook-deliveries?limit=100")
    assert len(expected) == 8
    await check_both_ways(fetcher(client, tenant_keys, "webhookDeliveries"), expected)


async def test_an_endpoints_deliveries_page_both_ways(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    _, second = await seed_deliveries(db, settings, tenant_keys)
    expected = await rest_ids(client, tenant_keys, f"webhook-endpoints/{second}/deliveries")
    assert len(expected) == 5
    query = f"""query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {{
      node(id: $id) {{ ... on WebhookEndpoint {{ deliveries({PAGING}) {{
        edges {{ cursor node {{ id }} }} {PAGE_INFO} }} }} }} }}"""

    async def fetch(variables: dict[str, Any]) -> dict[str, Any]:
        body = await gql(client, tenant_keys.headers, query, {"id": second, **variables})
        assert "errors" not in body, body
        page: dict[str, Any] = body["data"]["node"]["deliveries"]
        return page

    await check_both_ways(fetch, expected)


@pytest.mark.parametrize(
    ("variables", "path"),
    [
        ({"first": 2, "last": 2}, "last"),
        ({"after": "x", "before": "y"}, "before"),
        ({"first": 2, "before": "y"}, "first"),
        ({"last": 2, "after": "x"}, "after"),
        ({"last": 0}, "last"),
        ({"last": 101}, "last"),
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"last": 2, "before": "tampered"}, "cursor"),
    ],
)
async def test_mixed_or_out_of_range_arguments_are_validation_errors(
    client: httpx.AsyncClient, tenant_keys: Keys, variables: dict[str, Any], path: str
) -> None:
    for field in ("reports", "automationRuns", "webhookDeliveries"):
        body = await gql(client, tenant_keys.headers, connection_query(field), variables)
        assert body["data"] is None
        assert error_codes(body) == ["validation_error"]
        [error] = body["errors"]
        assert [detail["path"] for detail in error["extensions"]["details"]] == [path]


async def test_a_forward_cursor_of_another_list_is_refused_backwards(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    for index in range(2):
        await create_run(client, tenant_keys, correlationId=f"c-{index}")
    runs = await fetcher(client, tenant_keys, "automationRuns")({"first": 1})
    body = await gql(
        client,
        tenant_keys.headers,
        connection_query("reports"),
        {"last": 1, "before": runs["pageInfo"]["endCursor"]},
    )
    assert error_codes(body) == ["validation_error"]


async def test_a_backward_page_of_100_is_one_statement(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    await seed_deliveries(db, settings, tenant_keys)
    for index in range(3):
        await create_run(client, tenant_keys, correlationId=f"c-{index}")
    await seed_reports(client, tenant_keys)
    await gql(client, tenant_keys.headers, "{ latestReport { slug } }")  # key cached
    for field in ("reports", "automationRuns", "webhookDeliveries"):
        page = await fetcher(client, tenant_keys, field)({"first": 2})
        for variables in ({"last": 100}, {"last": 100, "before": page["pageInfo"]["endCursor"]}):
            with statement_counter() as counted:
                await fetcher(client, tenant_keys, field)(variables)
            assert counted() == 1, field
