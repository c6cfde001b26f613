"""GraphQL over HTTP in tests."""

from __future__ import annotations

from typing import Any

import httpx

GRAPHQL = "/v1/tenants/{}/graphql"


async def gql(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    tenant: str = "acme",
) -> dict[str, Any]:
    """POST a document; the response body (asserting HTTP 200), without the `extensions.cost`
    every answer carries (tests/graphql/test_cost_quota.py checks it)."""
    response = await client.post(
        GRAPHQL.format(tenant), json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return without_cost(response.json())


def without_cost(body: dict[str, Any]) -> dict[str, Any]:
    """The body without `extensions.cost` (and without `extensions` if nothing else is left)."""
    extensions = {k: v for k, v in (body.get("extensions") or {}).items() if k != "cost"}
    rest = {k: v for k, v in body.items() if k != "extensions"}
    return {**rest, "extensions": extensions} if extensions else rest


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


def refusal_code(response: httpx.Response, status: int) -> str:
    """The code of an HTTP-level refusal, after checking its status and GraphQL body."""
    assert response.status_code == status, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]
    code: str = error["extensions"]["code"]
    return code
