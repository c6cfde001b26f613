"""CONTRACT.md §10 mutations, idempotency, HTTP-level refusals and the abuse limits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.core.config import Settings
from db.session import Database
from tests.asgi import serve
from tests.automation_runs.helpers import runs_in_db
from tests.conftest import make_settings
from tests.factories import Keys
from tests.graphql.helpers import GRAPHQL, error_codes, gql, refusal_code, without_cost
from tests.reports.helpers import count_reports, outbox_events

UPSERT = """
mutation Upsert($input: [ReportInput!]!, $key: String) {
  upsertReports(input: $input, idempotencyKey: $key) {
    results { result report { slug title content publishedAt } }
    summary { created updated unchanged }
  }
}
"""
CREATE_RUN = """
mutation Create($input: CreateAutomationRunInput!, $key: String) {
  createAutomationRun(input: $input, idempotencyKey: $key) {
    id status provider correlationId input
  }
}
"""
SUBSCRIPTION = 'subscription { automationRunUpdated(id: "x") { status } }'
REPORTS_INPUT = [
    {"slug": "a", "title": "A", "content": {"k": [1]}, "publishedAt": "2026-01-01T10:00:00+02:00"},
    {"slug": "b", "title": "B"},
]


async def test_upsert_reports_returns_results_and_summary(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    body = await gql(client, tenant_keys.headers, UPSERT, {"input": REPORTS_INPUT})
    payload = body["data"]["upsertReports"]
    assert payload["summary"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert payload["results"][0] == {
        "result": "CREATED",
        "report": {
            "slug": "a",
            "title": "A",
            "content": {"k": [1]},
            "publishedAt": "2026-01-01T08:00:00.000Z",
        },
    }
    again = await gql(client, tenant_keys.headers, UPSERT, {"input": REPORTS_INPUT})
    assert again["data"]["upsertReports"]["summary"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert "idempotentReplayed" not in again.get("extensions", {})
    assert [e.event_type for e in await outbox_events(db)].count("report.created") == 2


async def test_idempotency_key_replays_and_refuses_reuse(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    first = await gql(client, tenant_keys.headers, UPSERT, {"input": REPORTS_INPUT, "key": "k-1"})
    replay = await gql(client, tenant_keys.headers, UPSERT, {"input": REPORTS_INPUT, "key": "k-1"})
    assert replay["data"] == first["data"]
    assert replay["extensions"]["idempotentReplayed"] is True
    assert "idempotentReplayed" not in first.get("extensions", {})
    reused = await gql(
        client, tenant_keys.headers, UPSERT, {"input": REPORTS_INPUT[:1], "key": "k-1"}
    )
    assert error_codes(reused) == ["idempotency_key_reused"]
    malformed = await gql(client, tenant_keys.headers, UPSERT, {"input": REPORTS_INPUT, "key": ""})
    assert error_codes(malformed) == ["invalid_idempotency_key"]
    assert await count_reports(db) == 2


async def test_rest_and_graphql_keys_share_one_store(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await gql(client, tenant_keys.headers, UPSERT, {"input": REPORTS_INPUT, "key": "shared"})
    rest = await client.post(
        "/v1/tenants/acme/reports",
        json={"reports": REPORTS_INPUT},
        headers={**tenant_keys.headers, "Idempotency-Key": "shared"},
    )
    assert rest.status_code == 422
    assert rest.json()["error"]["code"] == "idempotency_key_reused"


async def test_invalid_input_is_a_validation_error_with_paths(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    body = await gql(
        client,
        tenant_keys.headers,
        UPSERT,
        {"input": [{"slug": "ok", "title": "x"}, {"slug": "BAD", "title": ""}]},
    )
    assert body["data"] is None
    assert error_codes(body) == ["validation_error"]
    paths = {detail["path"] for detail in body["errors"][0]["extensions"]["details"]}
    assert paths == {"input.1.slug", "input.1.title"}
    assert await count_reports(db) == 0


async def test_create_automation_run(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    variables = {"input": {"flowId": "f1", "input": {"a": 1}, "correlationId": "c-1"}, "key": "r-1"}
    body = await gql(client, tenant_keys.headers, CREATE_RUN, variables)
    run = body["data"]["createAutomationRun"]
    assert (run["status"], run["provider"], run["correlationId"], run["input"]) == (
        "QUEUED",
        "activepieces",
        "c-1",
        {"a": 1},
    )
    replay = await gql(client, tenant_keys.headers, CREATE_RUN, variables)
    assert replay["data"] == body["data"]
    assert replay["extensions"]["idempotentReplayed"] is True
    conflict = await gql(
        client, tenant_keys.headers, CREATE_RUN, {"input": {"flowId": "f1", "correlationId": "c-1"}}
    )
    assert error_codes(conflict) == ["conflict"]
    bad = await gql(
        client, tenant_keys.headers, CREATE_RUN, {"input": {"flowId": "f1", "provider": "zapier"}}
    )
    assert error_codes(bad) == ["validation_error"]
    assert len(await runs_in_db(db)) == 1


@pytest.mark.parametrize(
    ("tenant", "key_of", "status", "code"),
    [
        ("acme", None, 401, "unauthenticated"),
        ("globex", "acme", 403, "tenant_forbidden"),
        ("nobody", "acme", 403, "tenant_forbidden"),
    ],
)
async def test_http_level_refusals_use_http_statuses_and_a_graphql_body(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    tenant: str,
    key_of: str | None,
    status: int,
    code: str,
) -> None:
    headers = tenant_keys.headers if key_of else {"Authorization": "Bearer afk_nope"}
    response = await client.post(
        GRAPHQL.format(tenant), json={"query": "{ latestReport { slug } }"}, headers=headers
    )
    assert response.status_code == status
    [error] = response.json()["errors"]
    assert set(response.json()) == {"errors"}
    assert error["extensions"] == {"code": code, "requestId": response.headers["x-request-id"]}
    assert error["message"]


async def test_queries_over_get_and_mutations_refused_over_get(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    ok = await client.get(
        GRAPHQL.format("acme"),
        params={"query": "{ latestReport { slug } }"},
        headers=tenant_keys.headers,
    )
    assert ok.status_code == 200
    assert without_cost(ok.json()) == {"data": {"latestReport": None}}
    refused = await client.get(
        GRAPHQL.format("acme"),
        params={
            "query": 'mutation { upsertReports(input: [{slug: "a", title: "A"}]) '
            "{ summary { created } } }"
        },
        headers=tenant_keys.headers,
    )
    assert refusal_code(refused, 405) == "method_not_allowed"
    assert refused.headers["allow"] == "GET, POST"
    assert refused.json()["errors"][0]["message"] == "Mutations need POST."


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ([{"query": "{ latestReport { slug } }"}] * 2, 422, "validation_error"),
        ({}, 422, "validation_error"),
        ({"query": "{ latestReport { slug } }", "variables": [1]}, 422, "validation_error"),
        ({"query": SUBSCRIPTION}, 422, "validation_error"),
        ({"query": "{", "operationName": False}, 422, "validation_error"),
        ({"query": "{ latestReport { slug } }", "operationName": 7}, 422, "validation_error"),
    ],
)
async def test_requests_that_are_not_one_graphql_operation_are_refused(
    client: httpx.AsyncClient, tenant_keys: Keys, body: object, status: int, code: str
) -> None:
    response = await client.post(GRAPHQL.format("acme"), json=body, headers=tenant_keys.headers)
    assert refusal_code(response, status) == code


async def test_a_body_that_is_not_json_is_415(client: httpx.AsyncClient, tenant_keys: Keys) -> None:
    response = await client.post(
        GRAPHQL.format("acme"),
        content=b"{ latestReport { slug } }",
        headers={**tenant_keys.headers, "content-type": "text/plain"},
    )
    assert refusal_code(response, 415) == "unsupported_media_type"


def nested(depth: int) -> str:
    """A document whose depth, as QueryDepthLimiter counts it, is `depth` (at most 4 here)."""
    shapes = {
        1: "{ latestReport { slug } }",
        2: "{ reports { pageInfo { hasNextPage } } }",
        3: "{ reports { edges { node { slug } } } }",
    }
    return shapes[depth]


@pytest.mark.parametrize(("limit", "depth", "passes"), [(2, 2, True), (2, 3, False), (3, 3, True)])
async def test_depth_limit_is_inclusive(
    database_url: str, redis_url: str, tenant_keys: Keys, limit: int, depth: int, passes: bool
) -> None:
    async with serve(make_settings(database_url, redis_url, graphql_max_depth=limit)) as client:
        body = await gql(client, tenant_keys.headers, nested(depth))
    assert ("errors" not in body) is passes
    if not passes:
        assert error_codes(body) == ["validation_error"]
        assert body.get("data") is None


async def test_alias_limit(
    client: httpx.AsyncClient, tenant_keys: Keys, settings: Settings
) -> None:
    def aliased(count: int) -> str:
        return "{ " + " ".join(f"a{i}: latestReport {{ slug }}" for i in range(count)) + " }"

    assert "errors" not in await gql(
        client, tenant_keys.headers, aliased(settings.graphql_max_aliases)
    )
    too_many = await gql(client, tenant_keys.headers, aliased(settings.graphql_max_aliases + 1))
    assert error_codes(too_many) == ["validation_error"]


async def test_token_limit(database_url: str, redis_url: str, tenant_keys: Keys) -> None:
    async with serve(make_settings(database_url, redis_url, graphql_max_tokens=10)) as client:
        small = await gql(client, tenant_keys.headers, "{ latestReport { slug } }")  # 6 tokens
        large = await gql(
            client,
            tenant_keys.headers,
            "{ latestReport { slug title summary content id createdAt } }",
        )
    assert "errors" not in small
    assert error_codes(large) == ["validation_error"]


async def test_introspection_follows_the_setting(
    database_url: str, redis_url: str, tenant_keys: Keys
) -> None:
    query = "{ __schema { queryType { name } } }"
    async with serve(make_settings(database_url, redis_url)) as client:
        on = await gql(client, tenant_keys.headers, query)
    async with serve(make_settings(database_url, redis_url, graphql_introspection=False)) as client:
        off = await gql(client, tenant_keys.headers, query)
        suggestion = await gql(client, tenant_keys.headers, "{ latestRepor { slug } }")
    assert on["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    assert set(error_codes(off)) == {"validation_error"}
    assert "Did you mean" not in suggestion["errors"][0]["message"]


async def test_unexpected_errors_are_masked(client: httpx.AsyncClient, tenant_keys: Keys) -> None:
    from graphql import GraphQLError

    from schema.errors import INTERNAL_MESSAGE, with_code

    masked = with_code(
        GraphQLError("boom", path=["x"], original_error=RuntimeError("SELECT secret")),
        hide_suggestions=False,
    )
    assert masked.message == INTERNAL_MESSAGE
    assert masked.extensions is not None
    assert masked.extensions["code"] == "internal_error"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'"just a string"', 422, "validation_error"),
        (b"42", 422, "validation_error"),
        (b"\xff\xfe", 400, "invalid_json"),
        (b"{", 400, "invalid_json"),
        (b"", 400, "invalid_json"),
        (b'{"query": "{ latestReport { slug } }", "v": 1e400}', 400, "invalid_json"),
    ],
)
async def test_a_body_that_is_not_a_json_object_is_refused(
    client: httpx.AsyncClient, tenant_keys: Keys, body: bytes, status: int, code: str
) -> None:
    response = await client.post(
        GRAPHQL.format("acme"),
        content=body,
        headers={**tenant_keys.headers, "content-type": "application/json"},
    )
    assert refusal_code(response, status) == code


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (UPSERT, {"input": [{"slug": "a", "title": "A", "publishedAt": "0001-01-01T00:00+01:00"}]}),
        (
            'mutation { upsertReports(input: [{slug: "a", title: "A", content: {n: 1e400}}]) '
            "{ summary { created } } }",
            None,
        ),
        ('mutation { createAutomationRun(input: {flowId: "f", input: {n: 1e400}}) { id } }', None),
    ],
)
async def test_values_the_database_cannot_hold_are_validation_errors(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    db: Database,
    query: str,
    variables: dict[str, Any] | None,
) -> None:
    body = await gql(client, tenant_keys.headers, query, variables)
    assert error_codes(body) == ["validation_error"]
    assert await count_reports(db) == 0
    assert await runs_in_db(db) == []


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer afk_nope"}])
async def test_an_oversized_body_is_413_before_the_key_is_checked(
    database_url: str, redis_url: str, headers: dict[str, str]
) -> None:
    settings = make_settings(database_url, redis_url, max_body_bytes=2048)
    query = "{ latestReport { slug } }" + " " * 4096
    async with serve(settings) as client:
        response = await client.post(GRAPHQL.format("acme"), json={"query": query}, headers=headers)
    assert refusal_code(response, 413) == "payload_too_large"


async def test_a_report_slug_that_cannot_exist_is_null(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    body = await gql(client, tenant_keys.headers, '{ report(slug: "a\\u0000b") { slug } }')
    assert body == {"data": {"report": None}}
