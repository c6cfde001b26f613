"""Repeated documents are parsed and validated once; what they answer does not change."""

from __future__ import annotations

import httpx

from schema.document_cache import CACHEABLE_DOCUMENT_CHARS, parsed, validated
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import Keys
from tests.graphql.helpers import error_codes, gql

LIST = "{ reports(first: 2) { edges { node { slug } } } }"
UNKNOWN_FIELD = "{ reports { edges { node { noSuchField } } } }"


async def test_a_repeated_document_is_parsed_and_validated_once(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    first = await gql(client, tenant_keys.headers, LIST)
    parses, validations = parsed.cache_info(), validated.cache_info()
    second = await gql(client, tenant_keys.headers, LIST)
    assert second == first
    assert "errors" not in first
    assert parsed.cache_info().misses == parses.misses
    assert parsed.cache_info().hits == parses.hits + 1
    assert validated.cache_info().misses == validations.misses
    assert validated.cache_info().hits == validations.hits + 1


async def test_a_cached_refusal_is_coded_for_each_request(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    answers = [await gql(client, tenant_keys.headers, UNKNOWN_FIELD) for _ in range(2)]
    assert [error_codes(body) for body in answers] == [["validation_error"]] * 2
    request_ids = {body["errors"][0]["extensions"]["requestId"] for body in answers}
    assert len(request_ids) == 2


async def test_a_document_that_does_not_parse_is_refused_every_time(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    for _ in range(2):
        body = await gql(client, tenant_keys.headers, "{ reports { ")
        assert error_codes(body) == ["validation_error"]
        assert body.get("data") is None


async def test_each_schema_applies_its_own_limits_to_a_cached_document(
    database_url: str, redis_url: str, tenant_keys: Keys
) -> None:
    document = "{ reports { edges { node { slug title } } } }"  # depth 3, 14 tokens
    answers = []
    for overrides in ({}, {"graphql_max_depth": 2}, {"graphql_max_tokens": 10}, {}):
        async with serve(make_settings(database_url, redis_url, **overrides)) as client:
            answers.append(set(error_codes(await gql(client, tenant_keys.headers, document))))
    assert answers == [set(), {"validation_error"}, {"validation_error"}, set()]


async def test_a_long_document_is_answered_without_being_kept(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    padding = " " * CACHEABLE_DOCUMENT_CHARS
    short = await gql(client, tenant_keys.headers, LIST)
    parses, validations = parsed.cache_info(), validated.cache_info()
    long = await gql(client, tenant_keys.headers, LIST + padding)
    refused = await gql(client, tenant_keys.headers, UNKNOWN_FIELD + padding)
    assert long == short
    assert error_codes(refused) == ["validation_error"]
    assert parsed.cache_info() == parses
    assert validated.cache_info() == validations
