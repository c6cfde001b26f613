"""CONTRACT.md §1 on every face: JSON nested deeper than 64 levels is a 422, text that is not
valid Unicode a 400, only UTF-8 `application/json` is taken, and nothing is ever a 5xx."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.automation_runs.helpers import CALLBACK, RUNS, create_run, runs_in_db
from tests.automation_runs.test_callbacks import signed
from tests.factories import Keys
from tests.graphql.helpers import GRAPHQL, error_codes, gql, refusal_code
from tests.reports.helpers import REPORTS, batch, count_reports, item

# {"reports": [{"content": <here>}]}: the content object is the body's fourth level.
CONTENT_LEVEL = 4
CREATE_RUN = """mutation($input: CreateAutomationRunInput!) {
  createAutomationRun(input: $input) { id }
}"""


def nested(levels: int) -> dict[str, Any]:
    """An object `levels` deep: {"a": {"a": ... {"a": 1}}}."""
    value: Any = 1
    for _ in range(levels):
        value = {"a": value}
    assert isinstance(value, dict)
    return value


def deep_text(levels: int) -> str:
    """The same, as text, for depths the standard library cannot serialise."""
    return '{"a":' * levels + "1" + "}" * levels


def json_headers(keys: Keys, **extra: str) -> dict[str, str]:
    return {**keys.headers, "content-type": "application/json", **extra}


# A body this long is written back by the parser, which then tells its depth (ParsedJson).
LONG_SUMMARY = {"summary": "s" * 600}


@pytest.mark.parametrize("fields", [{}, LONG_SUMMARY], ids=["short", "long"])
async def test_depth_64_is_accepted_and_65_refused(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, fields: dict[str, str]
) -> None:
    content = nested(64 - CONTENT_LEVEL + 1)
    accepted = await client.post(
        REPORTS.format("acme"),
        json=batch(item("a", content=content, **fields)),
        headers=tenant_keys.headers,
    )
    assert accepted.status_code == 200, accepted.text
    deeper = nested(65 - CONTENT_LEVEL + 1)
    refused = await client.post(
        REPORTS.format("acme"),
        json=batch(item("b", content=deeper, **fields)),
        headers=tenant_keys.headers,
    )
    error = assert_error(refused, 422, "validation_error")
    [detail] = error["details"]
    assert detail["path"].startswith("reports.0.content.a.a")
    assert "64" in detail["message"]
    assert await count_reports(db) == 1


@pytest.mark.parametrize("levels", [65, 300, 20_000])
async def test_deep_json_is_422_on_rest_and_nothing_is_written(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, levels: int
) -> None:
    content = deep_text(levels)
    reports = await client.post(
        REPORTS.format("acme"),
        content=f'{{"reports": [{{"slug": "a", "title": "A", "content": {content}}}]}}',
        headers=json_headers(tenant_keys),
    )
    assert_error(reports, 422, "validation_error")
    runs = await client.post(
        RUNS.format("acme"),
        content=f'{{"flowId": "f", "input": {content}}}',
        headers=json_headers(tenant_keys),
    )
    assert_error(runs, 422, "validation_error")
    assert await count_reports(db) == 0
    assert await runs_in_db(db) == []


async def test_deep_json_is_422_on_callbacks(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await create_run(client, tenant_keys, correlationId="c")
    for levels in (300, 20_000):
        body = f'{{"correlationId": "c", "status": "succeeded", "output": {deep_text(levels)}}}'
        response = await client.post(CALLBACK.format("acme"), content=body, headers=signed(body))
        assert_error(response, 422, "validation_error")
    [run] = await runs_in_db(db)
    assert run.status == "queued"


async def test_deep_json_in_graphql_is_a_validation_error(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    variables = {"input": {"flowId": "f", "input": nested(300)}}
    body = await gql(client, tenant_keys.headers, CREATE_RUN, variables)
    assert error_codes(body) == ["validation_error"]
    literal = "{" + "a: {" * 70 + "a: 1" + "}" * 71
    document = (
        f'mutation {{ createAutomationRun(input: {{flowId: "f", input: {literal}}}) {{ id }} }}'
    )
    body = await gql(client, tenant_keys.headers, document)
    assert error_codes(body) == ["validation_error"]
    # Deeper than the parser goes: the request itself is refused.
    too_deep = await client.post(
        GRAPHQL.format("acme"),
        content=f'{{"query": {json.dumps(CREATE_RUN)}, "variables": {deep_text(20_000)}}}',
        headers=json_headers(tenant_keys),
    )
    assert refusal_code(too_deep, 422) == "validation_error"
    assert await runs_in_db(db) == []


async def test_the_idempotency_key_format_is_checked_before_depth(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    for levels in (300, 20_000):
        response = await client.post(
            RUNS.format("acme"),
            content=f'{{"flowId": "f", "input": {deep_text(levels)}}}',
            headers=json_headers(tenant_keys, **{"Idempotency-Key": "k" * 256}),
        )
        assert_error(response, 400, "invalid_idempotency_key")
    deep = await client.post(
        RUNS.format("acme"),
        content=f'{{"flowId": "f", "input": {deep_text(20_000)}}}',
        headers=json_headers(tenant_keys, **{"Idempotency-Key": "k-1"}),
    )
    assert_error(deep, 422, "validation_error")
    fine = await client.post(
        RUNS.format("acme"),
        json={"flowId": "f"},
        headers={**tenant_keys.headers, "Idempotency-Key": "k-1"},
    )
    assert fine.status_code == 202, "a refused request leaves its key free"
    assert "idempotent-replayed" not in fine.headers


LONE_SURROGATES = [
    '{"reports": [{"slug": "a", "title": "A", "content": {"\\ud800": 1}}]}',
    '{"reports": [{"slug": "a", "title": "A", "content": {"k": "x\\udfff"}}]}',
    '{"reports": [{"slug": "a", "title": "\\ud83d"}]}',
]


@pytest.mark.parametrize("body", LONE_SURROGATES)
async def test_lone_surrogates_are_400_invalid_json_in_valid_utf8(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, body: str
) -> None:
    response = await client.post(
        REPORTS.format("acme"), content=body, headers=json_headers(tenant_keys)
    )
    response.content.decode("utf-8")  # the answer itself is valid UTF-8
    assert_error(response, 400, "invalid_json")
    assert await count_reports(db) == 0


async def test_lone_surrogates_on_runs_callbacks_and_graphql(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    run = await client.post(
        RUNS.format("acme"),
        content='{"flowId": "f", "input": {"\\ud800": 1}}',
        headers=json_headers(tenant_keys),
    )
    assert_error(run, 400, "invalid_json")
    await create_run(client, tenant_keys, correlationId="c")
    body = '{"correlationId": "c", "status": "failed", "error": {"\\udc00": 1}}'
    callback = await client.post(CALLBACK.format("acme"), content=body, headers=signed(body))
    assert_error(callback, 400, "invalid_json")
    graphql = await client.post(
        GRAPHQL.format("acme"),
        content=f'{{"query": {json.dumps(CREATE_RUN)}, '
        '"variables": {"input": {"flowId": "f", "input": {"\\ud800": 1}}}}',
        headers=json_headers(tenant_keys),
    )
    assert refusal_code(graphql, 400) == "invalid_json"
    [row] = await runs_in_db(db)
    assert row.status == "queued"


async def test_surrogate_pairs_are_ordinary_text(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    pair = "\\ud83d\\ude00"
    response = await client.post(
        REPORTS.format("acme"),
        content=f'{{"reports": [{{"slug": "a", "title": "{pair}", "content": {{"{pair}": 1}}}}]}}',
        headers=json_headers(tenant_keys),
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"][0]["report"]["title"] == "\U0001f600"


async def test_bodies_that_are_not_utf8_are_invalid_json(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    text = json.dumps(batch(item("a")))
    for encoded in (text.encode("utf-16"), text.encode("utf-16-le"), b'{"a": "\xed\xa0\x80"}'):
        response = await client.post(
            REPORTS.format("acme"), content=encoded, headers=json_headers(tenant_keys)
        )
        assert_error(response, 400, "invalid_json")
    with_bom = await client.post(
        REPORTS.format("acme"),
        content=b"\xef\xbb\xbf" + text.encode(),
        headers=json_headers(tenant_keys),
    )
    assert with_bom.status_code == 200, with_bom.text


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json; charset=utf-16",
        "application/merge-patch+json",
        "application/vnd.api+json",
        "application/json; profile=x",
        "text/json",
    ],
)
async def test_only_utf8_application_json_is_taken(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, content_type: str
) -> None:
    body = json.dumps(batch(item("a")))
    headers = {**tenant_keys.headers, "content-type": content_type}
    reports = await client.post(REPORTS.format("acme"), content=body, headers=headers)
    assert_error(reports, 415, "unsupported_media_type")
    graphql = await client.post(
        GRAPHQL.format("acme"),
        content=json.dumps({"query": "{ latestReport { id } }"}),
        headers=headers,
    )
    assert refusal_code(graphql, 415) == "unsupported_media_type"
    assert await count_reports(db) == 0


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf-8"'])
async def test_an_explicit_utf8_charset_is_accepted(
    client: httpx.AsyncClient, tenant_keys: Keys, charset: str
) -> None:
    response = await client.post(
        REPORTS.format("acme"),
        content=json.dumps(batch(item("a"))),
        headers={**tenant_keys.headers, "content-type": f"application/json; charset={charset}"},
    )
    assert response.status_code == 200, response.text
