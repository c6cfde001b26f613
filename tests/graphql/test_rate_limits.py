"""GraphQL counts against the tenant's `graphql` group; replays are free; bad keys per address."""

from __future__ import annotations

from db.session import Database
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import Keys
from tests.graphql.helpers import GRAPHQL, refusal_code

QUERY = {"query": "{ latestReport { slug } }"}
MUTATION = {
    "query": 'mutation { upsertReports(input: [{slug: "a", title: "A"}], idempotencyKey: "k") '
    "{ summary { created } } }"
}


async def test_graphql_quota_429_and_free_replays(
    database_url: str, redis_url: str, tenant_keys: Keys, db: Database
) -> None:
    # The mutation costs 3 points, the query 2: room for the mutation and two queries.
    settings = make_settings(database_url, redis_url, rate_limit_graphql_points_per_minute=7)
    url = GRAPHQL.format("acme")
    async with serve(settings) as client:
        first = await client.post(url, json=MUTATION, headers=tenant_keys.headers)
        replay = await client.post(url, json=MUTATION, headers=tenant_keys.headers)
        second = await client.post(url, json=QUERY, headers=tenant_keys.headers)
        third = await client.post(url, json=QUERY, headers=tenant_keys.headers)
        refused = await client.post(url, json=QUERY, headers=tenant_keys.headers)
        other_tenant = await client.post(
            GRAPHQL.format("globex"),
            json=QUERY,
            headers={"Authorization": f"Bearer {tenant_keys.other_key}"},
        )
    assert [r.status_code for r in (first, replay, second, third)] == [200, 200, 200, 200]
    assert replay.json()["extensions"]["idempotentReplayed"] is True
    assert first.headers["ratelimit-policy"] == '"graphql";q=7;w=60'
    assert refusal_code(refused, 429) == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1
    assert other_tenant.status_code == 200


async def test_bad_keys_are_limited_per_address(
    database_url: str, redis_url: str, tenant_keys: Keys
) -> None:
    settings = make_settings(database_url, redis_url, rate_limit_auth_failures_per_minute=2)
    async with serve(settings) as client:
        statuses = [
            (
                await client.post(
                    GRAPHQL.format("acme"), json=QUERY, headers={"Authorization": "Bearer bad"}
                )
            ).status_code
            for _ in range(3)
        ]
        good = await client.post(GRAPHQL.format("acme"), json=QUERY, headers=tenant_keys.headers)
    assert statuses == [401, 401, 429]
    assert good.status_code == 200
