"""CONTRACT.md §9: failed authentication is limited per client address, a good key still passes."""

from __future__ import annotations

import httpx

from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.factories import Keys, bearer
from tests.rate_limit.helpers import assert_no_rate_limit_fields, limited_client, rate_limit_field
from tests.reports.helpers import REPORTS

BAD_KEY = bearer("afk_abcdefgh_not-a-real-secret-0123456789abcdef")


async def get(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.get(REPORTS.format("acme"), headers=headers)


async def test_an_address_past_its_failures_gets_429_and_a_good_key_still_passes(
    limited: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    client = limited
    for _ in range(3):
        failed = await get(client, BAD_KEY)
        assert_error(failed, 401, "unauthenticated")
        assert_no_rate_limit_fields(failed)
    refused = await get(client, BAD_KEY)
    assert_error(refused, 429, "rate_limited")
    assert refused.headers["ratelimit-policy"] == '"auth";q=3;w=60'
    field = rate_limit_field(refused)
    assert (field.group, field.remaining) == ("auth", 0)
    assert refused.headers["retry-after"] == str(field.reset)
    assert int(refused.headers["retry-after"]) >= 1
    missing = await get(client, {})
    assert_error(missing, 429, "rate_limited")

    good = await get(client, tenant_keys.headers)
    assert good.status_code == 200, good.text
    assert rate_limit_field(good).group == "read"
    assert_error(await get(client, BAD_KEY), 429, "rate_limited")


async def test_forwarded_for_is_ignored_without_trusted_hops(limited: httpx.AsyncClient) -> None:
    client = limited
    for index in range(3):
        spoofed = {**BAD_KEY, "X-Forwarded-For": f"203.0.113.{index}"}
        assert_error(await get(client, spoofed), 401, "unauthenticated")
    spoofed = {**BAD_KEY, "X-Forwarded-For": "198.51.100.9"}
    assert_error(await get(client, spoofed), 429, "rate_limited")


async def test_forwarded_for_names_the_client_behind_one_trusted_proxy(
    database_url: str, redis_url: str, db: Database
) -> None:
    async with limited_client(database_url, redis_url, trusted_proxy_hops=1) as client:
        for _ in range(3):
            attacker = {**BAD_KEY, "X-Forwarded-For": "203.0.113.7"}
            assert_error(await get(client, attacker), 401, "unauthenticated")
        assert_error(await get(client, attacker), 429, "rate_limited")
        # Entries left of the one the proxy appended are the client's own words.
        forged = {**BAD_KEY, "X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
        assert_error(await get(client, forged), 429, "rate_limited")
        neighbour = {**BAD_KEY, "X-Forwarded-For": "198.51.100.9"}
        assert_error(await get(client, neighbour), 401, "unauthenticated")
