"""A document the caches hold as valid skips Strawberry's per-request set-up
(schema/valid_operations.py): its answers are those of Strawberry's path, which a document too
long for the caches still takes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from schema.document_cache import CACHEABLE_DOCUMENT_CHARS, parsed
from tests.factories import Keys
from tests.graphql.helpers import GRAPHQL
from tests.reports.helpers import REPORTS, batch, item

# Trailing blanks keep the document's meaning and take it past what the caches keep.
UNCACHED = " " * CACHEABLE_DOCUMENT_CHARS
UPSERT = """mutation Upsert($input: [ReportInput!]!, $key: String) {
  upsertReports(input: $input, idempotencyKey: $key) { summary { created unchanged } }
}"""

REQUESTS: list[dict[str, Any]] = [
    {
        "query": "{ reports(first: 2) { edges { cursor node { slug content } } "
        "pageInfo { hasNextPage } } }"
    },
    # A domain error in the resolver, with its details.
    {"query": "{ reports(first: 0) { edges { node { slug } } } }"},
    {"query": 'query One { report(slug: "r-1") { title } }', "operationName": "One"},
    {"query": 'query One { report(slug: "r-1") { title } }', "operationName": "Other"},
    {"query": 'query A { latestReport { slug } } query B { report(slug: "x") { slug } }'},
    {
        "query": "query Q($n: Int!) { reports(first: $n) { edges { node { slug } } } }",
        "variables": {"n": 1},
    },
    {
        "query": "query Q($n: Int!) { reports(first: $n) { edges { node { slug } } } }",
        "variables": {"n": "x"},
    },
    {"query": 'subscription { automationRunUpdated(id: "x") { id } }'},
    {"query": UPSERT, "variables": {"input": [{"slug": "Not A Slug", "title": "t"}]}},
]


def comparable(response: httpx.Response) -> tuple[int, Any]:
    """The status and the body, without the request ids and the quota left, which differ
    between requests (the cost requested must not)."""
    body = response.json()
    for error in body.get("errors") or []:
        error.get("extensions", {}).pop("requestId", None)
    cost = body.get("extensions", {}).get("cost") or {}
    cost.pop("remaining", None)
    cost.pop("resetSeconds", None)
    return response.status_code, body


async def post(client: httpx.AsyncClient, keys: Keys, request: dict[str, Any]) -> httpx.Response:
    return await client.post(GRAPHQL.format("acme"), json=request, headers=keys.headers)


@pytest.mark.parametrize("request_body", REQUESTS)
async def test_a_cached_document_is_answered_as_strawberry_answers_it(
    client: httpx.AsyncClient, tenant_keys: Keys, request_body: dict[str, Any]
) -> None:
    items = [item(f"r-{i}", publishedAt=f"2026-01-01T00:00:0{i}Z") for i in range(3)]
    written = await client.post(
        REPORTS.format("acme"), json=batch(*items), headers=tenant_keys.headers
    )
    assert written.status_code == 200
    usual = await post(
        client, tenant_keys, {**request_body, "query": request_body["query"] + UNCACHED}
    )
    await post(client, tenant_keys, request_body)  # the first request fills the caches
    misses = parsed.cache_info().misses
    cached = await post(client, tenant_keys, request_body)
    assert parsed.cache_info().misses == misses
    assert comparable(cached) == comparable(usual)


async def test_an_idempotent_replay_is_marked_on_either_path(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    request = {"query": UPSERT, "variables": {"input": [{"slug": "a", "title": "A"}], "key": "k-1"}}
    first = await post(client, tenant_keys, request)
    usual = await post(client, tenant_keys, {**request, "query": UPSERT + UNCACHED})
    cached = await post(client, tenant_keys, request)
    assert "idempotentReplayed" not in first.json().get("extensions", {})
    assert comparable(usual) == comparable(cached)
    assert cached.json()["extensions"]["idempotentReplayed"] is True
    assert cached.json()["data"]["upsertReports"]["summary"] == {"created": 1, "unchanged": 0}


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        ("application/json", 200),
        ("application/json; charset=utf-8", 200),
        # Strawberry's view reads only a media type holding `application/json` as sent.
        ("Application/JSON", 422),
        ("application/json; charset=latin-1", 415),
    ],
)
async def test_the_body_is_read_as_strawberrys_view_reads_it(
    client: httpx.AsyncClient, tenant_keys: Keys, content_type: str, status: int
) -> None:
    response = await client.post(
        GRAPHQL.format("acme"),
        content=b'{"query": "{ latestReport { slug } }"}',
        headers={**tenant_keys.headers, "content-type": content_type},
    )
    assert response.status_code == status, response.text
