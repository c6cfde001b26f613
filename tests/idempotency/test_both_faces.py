"""One fingerprint for REST and GraphQL (docs/IDEMPOTENCY.md): the same input gets the same
decision in either face, the key is checked before the input, replays use no quota."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.factories import Keys
from tests.graphql.helpers import GRAPHQL
from tests.rate_limit.helpers import limited_client, rate_limit_field
from tests.reports.helpers import REPORTS

RUNS = "/v1/tenants/{}/automation-runs"
FACES = ["rest", "graphql"]
UPSERT = """
mutation Upsert($input: [ReportInput!]!, $key: String) {
  upsertReports(input: $input, idempotencyKey: $key) { summary { created } }
}
"""
CREATE_RUN = """
mutation Create($input: CreateAutomationRunInput!, $key: String) {
  createAutomationRun(input: $input, idempotencyKey: $key) { id }
}
"""


@dataclass(frozen=True)
class Answer:
    """What a face answered, in terms both faces share."""

    response: httpx.Response
    replayed: bool
    error: str | None


async def send(
    client: httpx.AsyncClient,
    keys: Keys,
    face: str,
    operation: str,
    document: Any,
    key: str,
    *,
    indent: int | None = None,
) -> Answer:
    """`document` (a REST body, or the mutation's `input`) as JSON text laid out by `indent`."""
    if face == "rest":
        url = (REPORTS if operation == "upsertReports" else RUNS).format("acme")
        headers = {**keys.headers, "Idempotency-Key": key}
        body = document
    else:
        url = GRAPHQL.format("acme")
        headers = keys.headers
        query = UPSERT if operation == "upsertReports" else CREATE_RUN
        variables = {"input": document["reports"] if operation == "upsertReports" else document}
        body = {"query": query, "variables": {**variables, "key": key}}
    response = await client.post(
        url,
        content=json.dumps(body, indent=indent),
        headers={**headers, "content-type": "application/json"},
    )
    result = response.json()
    if face == "rest":
        error = result["error"]["code"] if response.status_code >= 400 else None
        replayed = response.headers.get("idempotent-replayed") == "true"
    else:
        assert response.status_code == 200, response.text
        error = result["errors"][0]["extensions"]["code"] if result.get("errors") else None
        replayed = result.get("extensions", {}).get("idempotentReplayed", False)
    return Answer(response, replayed, error)


@pytest.mark.parametrize("face", FACES)
async def test_key_order_and_whitespace_do_not_matter_in_either_face(
    client: httpx.AsyncClient, tenant_keys: Keys, face: str
) -> None:
    report = {"slug": "a", "title": "A", "content": {"x": 1, "y": [1, {"p": 2, "q": 3}]}}
    reordered = {"content": {"y": [1, {"q": 3, "p": 2}], "x": 1}, "title": "A", "slug": "a"}
    first = await send(client, tenant_keys, face, "upsertReports", {"reports": [report]}, "k")
    again = await send(
        client, tenant_keys, face, "upsertReports", {"reports": [reordered]}, "k", indent=4
    )
    assert (first.error, first.replayed) == (None, False)
    assert (again.error, again.replayed) == (None, True)


@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize(
    ("operation", "document", "equal_once_validated"),
    [
        ("createAutomationRun", {"flowId": "f1"}, {"flowId": "f1", "provider": "activepieces"}),
        (
            "upsertReports",
            {"reports": [{"slug": "a", "title": "A", "publishedAt": "2026-01-01T10:00:00+02:00"}]},
            {"reports": [{"slug": "a", "title": "A", "publishedAt": "2026-01-01T08:00:00+00:00"}]},
        ),
    ],
)
async def test_inputs_equal_only_once_validated_are_another_request_in_either_face(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    face: str,
    operation: str,
    document: dict[str, Any],
    equal_once_validated: dict[str, Any],
) -> None:
    """The fingerprint covers the input as sent, before validation fills in or normalises."""
    first = await send(client, tenant_keys, face, operation, document, "k")
    other = await send(client, tenant_keys, face, operation, equal_once_validated, "k")
    assert first.error is None
    assert (other.error, other.replayed) == ("idempotency_key_reused", False)


async def test_a_literal_and_a_variable_are_the_same_graphql_input(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    literal = (
        'mutation { upsertReports(input: [{slug: "a", title: "A", content: {x: 1}}], '
        'idempotencyKey: "k") { summary { created } } }'
    )
    first = await client.post(
        GRAPHQL.format("acme"), json={"query": literal}, headers=tenant_keys.headers
    )
    replay = await send(
        client,
        tenant_keys,
        "graphql",
        "upsertReports",
        {"reports": [{"slug": "a", "title": "A", "content": {"x": 1}}]},
        "k",
    )
    assert "errors" not in first.json()
    assert (replay.error, replay.replayed) == (None, True)
    assert replay.response.json()["data"] == first.json()["data"]


@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize(
    ("operation", "invalid"),
    [
        ("upsertReports", {"reports": [{"slug": "BAD", "title": ""}]}),
        ("createAutomationRun", {"flowId": "f1", "provider": "zapier"}),
    ],
)
async def test_a_malformed_key_is_answered_before_invalid_input(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    face: str,
    operation: str,
    invalid: dict[str, Any],
) -> None:
    answer = await send(client, tenant_keys, face, operation, invalid, "tab\there")
    assert answer.error == "invalid_idempotency_key"
    if face == "rest":
        assert answer.response.status_code == 400


@pytest.mark.parametrize("face", FACES)
async def test_a_replay_uses_no_quota_in_either_face(
    database_url: str, redis_url: str, tenant_keys: Keys, face: str
) -> None:
    document = {"reports": [{"slug": "a", "title": "A"}]}
    # A REST write is one unit; the GraphQL mutation costs 3 points (it and its two fields).
    unit = 1 if face == "rest" else 3
    async with limited_client(
        database_url, redis_url, rate_limit_graphql_points_per_minute=3 * unit
    ) as client:
        first = await send(client, tenant_keys, face, "upsertReports", document, "k")
        replays = [
            await send(client, tenant_keys, face, "upsertReports", document, "k") for _ in range(3)
        ]
        other = await send(client, tenant_keys, face, "upsertReports", document, "another-key")
    assert rate_limit_field(first.response).remaining == 2 * unit
    assert all(replay.replayed for replay in replays)
    assert [rate_limit_field(replay.response).remaining for replay in replays] == [2 * unit] * 3
    assert (other.error, other.replayed) == (None, False)
    assert rate_limit_field(other.response).remaining == unit
    if face == "graphql":  # the body counts as the header does
        assert replays[0].response.json()["extensions"]["cost"]["remaining"] == 2 * unit
