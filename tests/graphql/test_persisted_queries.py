"""Automatic Persisted Queries over POST and GET (CONTRACT.md §15, docs/GRAPHQL-PERSISTED.md)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
from redis.asyncio import Redis

from schema.persisted import KEY_PREFIX, TTL_SECONDS, PersistedQueries, Resolved, Source
from schema.trusted_documents import TrustedDocuments
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import Keys
from tests.graphql.helpers import GRAPHQL, without_cost
from tests.live import free_port
from tests.rate_limit.helpers import rate_limit_field

QUERY = "query Latest { latestReport { slug } }"
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()


def persisted(digest: str = DIGEST, version: int = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


async def post(
    client: httpx.AsyncClient, keys: Keys, body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    response = await client.post(GRAPHQL.format("acme"), json=body, headers=keys.headers)
    return response.status_code, response.json()


async def get(
    client: httpx.AsyncClient, keys: Keys, params: dict[str, str]
) -> tuple[int, dict[str, Any]]:
    response = await client.get(
        GRAPHQL.format("acme"),
        params=params,
        # What Apollo Client sends; `*/*` must not get the GraphiQL page either.
        headers={**keys.headers, "accept": "*/*"},
    )
    return response.status_code, response.json()


def not_found(body: dict[str, Any]) -> bool:
    [error] = body["errors"]
    return (
        error["message"] == "PersistedQueryNotFound"
        and error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        and body["data"] is None
    )


async def test_a_miss_then_the_query_then_hits_over_post(
    client: httpx.AsyncClient, tenant_keys: Keys, redis: Redis, settings: Any
) -> None:
    miss = await post(client, tenant_keys, {"extensions": persisted()})
    sent = await post(client, tenant_keys, {"query": QUERY, "extensions": persisted()})
    hit = await post(client, tenant_keys, {"extensions": persisted(), "variables": {}})
    assert miss[0] == 200
    assert not_found(miss[1])
    # The miss spent the minimum point, and says so.
    assert miss[1]["extensions"]["cost"]["requested"] == 1
    assert without_cost(sent[1]) == {"data": {"latestReport": None}}
    assert without_cost(hit[1]) == {"data": {"latestReport": None}}
    assert hit[1]["extensions"]["cost"]["requested"] == 2
    assert await redis.get(KEY_PREFIX + DIGEST) == QUERY.encode()
    assert 0 < await redis.ttl(KEY_PREFIX + DIGEST) <= TTL_SECONDS
    # Another process (a new app, nothing in its memory) finds it in Redis.
    async with serve(settings) as other:
        again = await post(other, tenant_keys, {"extensions": persisted()})
    assert without_cost(again[1]) == {"data": {"latestReport": None}}


async def test_a_miss_then_the_query_then_hits_over_get(
    client: httpx.AsyncClient, tenant_keys: Keys, redis: Redis
) -> None:
    extensions = json.dumps(persisted())
    miss = await get(client, tenant_keys, {"extensions": extensions})
    sent = await get(client, tenant_keys, {"query": QUERY, "extensions": extensions})
    hit = await get(client, tenant_keys, {"extensions": extensions, "operationName": "Latest"})
    assert miss[0] == 200
    assert not_found(miss[1])
    assert without_cost(sent[1]) == {"data": {"latestReport": None}}
    assert hit == (200, {**hit[1], "data": {"latestReport": None}})
    assert await redis.exists(KEY_PREFIX + DIGEST) == 1


async def test_a_hash_that_is_not_the_querys_is_refused_and_not_stored(
    client: httpx.AsyncClient, tenant_keys: Keys, redis: Redis
) -> None:
    other = hashlib.sha256(b"{ __typename }").hexdigest()
    status, body = await post(client, tenant_keys, {"query": QUERY, "extensions": persisted(other)})
    assert status == 200
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "validation_error"
    assert error["message"] == (
        "`extensions.persistedQuery.sha256Hash` is not the sha256 of the query."
    )
    assert await redis.keys(KEY_PREFIX + "*") == []
    assert not_found((await post(client, tenant_keys, {"extensions": persisted(other)}))[1])


async def test_malformed_persisted_query_extensions_are_validation_errors(
    client: httpx.AsyncClient, tenant_keys: Keys, redis: Redis
) -> None:
    for extensions in (
        persisted(version=2),
        persisted(digest=DIGEST.upper()),
        persisted(digest="abc"),
        {"persistedQuery": "yes"},
    ):
        status, body = await post(client, tenant_keys, {"query": QUERY, "extensions": extensions})
        assert status == 200
        assert [e["extensions"]["code"] for e in body["errors"]] == ["validation_error"]
    assert await redis.keys(KEY_PREFIX + "*") == []


async def test_an_invalid_document_is_not_stored(
    client: httpx.AsyncClient, tenant_keys: Keys, redis: Redis
) -> None:
    invalid = "{ noSuchField }"
    digest = hashlib.sha256(invalid.encode()).hexdigest()
    _, body = await post(client, tenant_keys, {"query": invalid, "extensions": persisted(digest)})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["validation_error"]
    assert await redis.keys(KEY_PREFIX + "*") == []


async def test_a_persisted_query_spends_its_cost_and_a_miss_one_point(
    database_url: str, redis_url: str, tenant_keys: Keys, redis: Redis
) -> None:
    settings = make_settings(database_url, redis_url, rate_limit_graphql_points_per_minute=10)
    async with serve(settings) as client:
        miss = await client.post(
            GRAPHQL.format("acme"), json={"extensions": persisted()}, headers=tenant_keys.headers
        )
        sent = await client.post(
            GRAPHQL.format("acme"),
            json={"query": QUERY, "extensions": persisted()},
            headers=tenant_keys.headers,
        )
        hit = await client.post(
            GRAPHQL.format("acme"), json={"extensions": persisted()}, headers=tenant_keys.headers
        )
    assert [rate_limit_field(r).remaining for r in (miss, sent, hit)] == [9, 7, 5]


async def test_redis_down_is_a_miss_and_a_query_still_runs() -> None:
    """A Redis nobody listens on: a lookup is a miss (the client resends the query), a store is
    skipped, the document is still answered."""
    store = PersistedQueries(TrustedDocuments.none(), trusted_only=False, redis_timeout=0.5)
    down = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0")
    try:
        lookup = await store.resolve(down, None, persisted())
        resolved = await store.resolve(down, QUERY, persisted())
        assert isinstance(resolved, Resolved)
        await store.store(down, DIGEST, QUERY)
        again = await store.resolve(down, None, persisted())
    finally:
        await down.aclose()
    assert getattr(lookup, "code", None) == "PERSISTED_QUERY_NOT_FOUND"
    assert (resolved.query, resolved.source, resolved.store_hash) == (
        QUERY,
        Source.PERSISTED,
        DIGEST,
    )
    assert getattr(again, "code", None) == "PERSISTED_QUERY_NOT_FOUND"
