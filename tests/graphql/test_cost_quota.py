"""GRAPHQL_MAX_COST and the quota in points (CONTRACT.md §15, docs/RATE-LIMITS.md "GraphQL
points"): refusals before execution, the `RateLimit` fields and `extensions.cost` in points."""

from __future__ import annotations

from typing import Any

import httpx
from redis.asyncio import Redis

from db.session import Database
from schema.document_cache import CACHEABLE_DOCUMENT_CHARS
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import Keys
from tests.graphql.helpers import GRAPHQL, refusal_code
from tests.rate_limit.helpers import rate_limit_field
from tests.reports.helpers import count_reports

LATEST = "{ latestReport { slug } }"  # 2 points
PAGE = "query P($n: Int!) { reports(first: $n) { edges { node { slug } } } }"  # n * 3 + 1
# The mutation 1, results 20 * (result, report, slug) + 1, summary 2: 64 points.
UPSERT = (
    'mutation { upsertReports(input: [{slug: "a", title: "A"}]) '
    "{ results { result report { slug } } summary { created } } }"
)


async def post(
    client: httpx.AsyncClient, keys: Keys, query: str, variables: dict[str, Any] | None = None
) -> httpx.Response:
    return await client.post(
        GRAPHQL.format("acme"),
        json={"query": query, "variables": variables or {}},
        headers=keys.headers,
    )


async def test_a_document_over_the_maximum_is_refused_before_it_runs(
    database_url: str, redis_url: str, tenant_keys: Keys, db: Database, redis: Redis
) -> None:
    settings = make_settings(
        database_url, redis_url, graphql_max_cost=63, rate_limit_graphql_points_per_minute=100
    )
    async with serve(settings) as client:
        refused = await post(client, tenant_keys, UPSERT)
        over_by_variables = await post(client, tenant_keys, PAGE, {"n": 21})
        within = await post(client, tenant_keys, PAGE, {"n": 20})
    assert refused.status_code == 200
    body = refused.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == "The query costs 64 points; at most 63 are allowed."
    assert error["extensions"] == {
        "code": "query_too_expensive",
        "requestId": refused.headers["x-request-id"],
        "details": {"requested": 64, "limit": 63},
        "cost": {"requested": 64, "limit": 63},
    }
    # Nothing ran, and the refusal spent one point, not its cost.
    assert await count_reports(db) == 0
    assert body["extensions"]["cost"] == {"requested": 64, "remaining": 99, "resetSeconds": 60}
    assert rate_limit_field(refused).remaining == 99
    assert over_by_variables.json()["errors"][0]["extensions"]["cost"]["requested"] == 64
    assert rate_limit_field(over_by_variables).remaining == 98
    # 20 * 3 + 1 = 61: within the maximum, it runs and spends its cost.
    assert within.json()["data"] == {"reports": {"edges": []}}
    assert within.json()["extensions"]["cost"] == {
        "requested": 61,
        "remaining": 37,
        "resetSeconds": 60,
    }
    assert rate_limit_field(within).remaining == 37


async def test_the_rate_limit_fields_count_points_and_a_costly_query_runs_out_sooner(
    database_url: str, redis_url: str, tenant_keys: Keys, redis: Redis
) -> None:
    settings = make_settings(database_url, redis_url, rate_limit_graphql_points_per_minute=100)
    async with serve(settings) as client:
        cheap = [await post(client, tenant_keys, LATEST) for _ in range(3)]
        costly = [await post(client, tenant_keys, PAGE, {"n": 10}) for _ in range(3)]
        refused = await post(client, tenant_keys, PAGE, {"n": 10})
        still_fits = await post(client, tenant_keys, LATEST)
    assert cheap[0].headers["ratelimit-policy"] == '"graphql";q=100;w=60'
    assert [rate_limit_field(r).remaining for r in cheap] == [98, 96, 94]
    assert [r.json()["extensions"]["cost"]["remaining"] for r in cheap] == [98, 96, 94]
    # 31 points each: 63, 32, 1 left; the fourth does not fit, a 2-point query still does not.
    assert [rate_limit_field(r).remaining for r in costly] == [63, 32, 1]
    assert refusal_code(refused, 429) == "rate_limited"
    assert refused.json()["extensions"] == {
        "cost": {
            "requested": 31,
            "remaining": 0,
            "resetSeconds": int(refused.headers["retry-after"]),
        }
    }
    assert rate_limit_field(refused).remaining == 0
    assert int(refused.headers["retry-after"]) >= 1
    assert refusal_code(still_fits, 429) == "rate_limited"


async def test_every_request_spends_at_least_one_point(
    database_url: str, redis_url: str, tenant_keys: Keys, redis: Redis
) -> None:
    settings = make_settings(database_url, redis_url, rate_limit_graphql_points_per_minute=4)
    async with serve(settings) as client:
        free = await post(client, tenant_keys, "{ __typename }")
        invalid = await post(client, tenant_keys, "{ noSuchField }")
        not_json = await client.post(
            GRAPHQL.format("acme"),
            content=b"{",
            headers={**tenant_keys.headers, "content-type": "application/json"},
        )
        last = await post(client, tenant_keys, "{ __typename }")
        refused = await client.post(
            GRAPHQL.format("acme"),
            content=b"{",
            headers={**tenant_keys.headers, "content-type": "application/json"},
        )
    assert free.json() == {
        "data": {"__typename": "Query"},
        "extensions": {"cost": {"requested": 0, "remaining": 3, "resetSeconds": 60}},
    }
    # A document refused by validation: no cost known, one point, and the answer says so.
    assert invalid.json()["errors"][0]["extensions"]["code"] == "validation_error"
    assert invalid.json()["extensions"] == {
        "cost": {"requested": 1, "remaining": 2, "resetSeconds": 60}
    }
    assert rate_limit_field(invalid).remaining == 2
    assert refusal_code(not_json, 400) == "invalid_json"
    assert rate_limit_field(not_json).remaining == 1
    assert rate_limit_field(last).remaining == 0
    # Out of points, the 429 answers before the body is read (CONTRACT.md §1 order).
    assert refusal_code(refused, 429) == "rate_limited"


async def test_get_requests_spend_their_cost_too(
    database_url: str, redis_url: str, tenant_keys: Keys, redis: Redis
) -> None:
    settings = make_settings(database_url, redis_url, rate_limit_graphql_points_per_minute=100)
    async with serve(settings) as client:
        response = await client.get(
            GRAPHQL.format("acme"),
            params={"query": PAGE, "variables": '{"n": 5}'},
            headers={**tenant_keys.headers, "accept": "application/json"},
        )
    assert response.json()["extensions"]["cost"]["requested"] == 16
    assert rate_limit_field(response).remaining == 84


async def test_a_document_strawberry_validates_itself_is_checked_and_limited_alike(
    database_url: str, redis_url: str, tenant_keys: Keys, redis: Redis
) -> None:
    """Documents too long for the document cache take Strawberry's path (schema/app.py): the
    `CostLimit` extension checks and spends their cost the same way."""
    padding = " " * (CACHEABLE_DOCUMENT_CHARS + 1)
    settings = make_settings(
        database_url, redis_url, graphql_max_cost=63, rate_limit_graphql_points_per_minute=40
    )
    async with serve(settings) as client:
        too_expensive = await post(client, tenant_keys, PAGE + padding, {"n": 21})
        runs = await post(client, tenant_keys, PAGE + padding, {"n": 10})
        refused = await post(client, tenant_keys, PAGE + padding, {"n": 10})
    [error] = too_expensive.json()["errors"]
    assert error["extensions"]["code"] == "query_too_expensive"
    assert error["extensions"]["cost"] == {"requested": 64, "limit": 63}
    assert rate_limit_field(too_expensive).remaining == 39
    assert runs.json()["data"] == {"reports": {"edges": []}}
    assert runs.json()["extensions"]["cost"]["requested"] == 31
    assert rate_limit_field(runs).remaining == 8
    assert refusal_code(refused, 429) == "rate_limited"
    assert refused.json()["extensions"]["cost"]["requested"] == 31
