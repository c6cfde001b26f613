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
    """POST a document; the response body (asserting HTTP 200)."""
    response = await client.post(
        GRAPHQL.format(tenant), json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


def refusal_code(response: httpx.Response, status: int) -> str:
    """The code of an HTTP-level refusal, after checking its status and GraphQL body."""
    assert response.status_code == status, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]
    code: str = error["extensions"]["code"]
    return code
