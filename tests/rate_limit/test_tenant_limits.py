"""CONTRACT.md §9: per-tenant quotas per route group, their headers, and where the step sits."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.core.config import Settings
from app.rate_limit import policy
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.factories import Keys, bearer, make_key
from tests.rate_limit.helpers import (
    assert_no_rate_limit_fields,
    limited_client,
    rate_limit_field,
)
from tests.reports.helpers import REPORTS, batch, item


async def write(
    client: httpx.AsyncClient, keys: Keys, slug: str = "a", tenant: str = "acme"
) -> httpx.Response:
    return await client.post(REPORTS.format(tenant), json=batch(item(slug)), headers=keys.headers)


async def test_a_write_carries_exact_policy_and_remaining_quota(
    limited: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    response = await write(limited, tenant_keys)
    assert response.status_code == 200, response.text
    assert response.headers["ratelimit-policy"] == '"write";q=3;w=60'
    # The first request opens the window: the unit comes back when it ends, 60 s later.
    assert response.headers["ratelimit"] == '"write";r=2;t=60'
    assert "retry-after" not in response.headers


async def test_a_read_is_counted_in_the_read_group(
    limited: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    response = await limited.get(REPORTS.format("acme"), headers=tenant_keys.headers)
    assert response.status_code == 200
    assert response.headers["ratelimit-policy"] == '"read";q=5;w=60'
    assert response.headers["ratelimit"] == '"read";r=4;t=60'


async def test_the_request_over_quota_is_429_with_retry_after(
    limited: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    remaining = [
        rate_limit_field(await write(limited, tenant_keys, f"s{i}")).remaining for i in range(3)
    ]
    assert remaining == [2, 1, 0]
    refused = await write(limited, tenant_keys, "s3")
    error = assert_error(refused, 429, "rate_limited")
    assert error["details"] is None
    assert refused.headers["ratelimit-policy"] == '"write";q=3;w=60'
    field = rate_limit_field(refused)
    assert (field.group, field.remaining) == ("write", 0)
    # The window opened a moment ago: a unit comes back in (just under) 60 s.
    assert 50 <= field.reset <= 60
    assert refused.headers["retry-after"] == str(field.reset)


async def test_quota_is_per_tenant(limited: httpx.AsyncClient, tenant_keys: Keys) -> None:
    for index in range(3):
        assert (await write(limited, tenant_keys, f"s{index}")).status_code == 200
    assert (await write(limited, tenant_keys, "s3")).status_code == 429
    other = await limited.post(
        REPORTS.format("globex"), json=batch(item("a")), headers=bearer(tenant_keys.other_key)
    )
    assert other.status_code == 200, other.text
    assert other.headers["ratelimit"] == '"write";r=2;t=60'


async def test_the_tenant_is_one_quota_whether_named_by_slug_or_uuid(
    limited: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await write(limited, tenant_keys, "a", tenant="acme")
    response = await write(limited, tenant_keys, "b", tenant=str(tenant_keys.tenant.id))
    assert rate_limit_field(response).remaining == 1


async def test_reads_still_pass_when_writes_are_used_up(
    limited: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    for index in range(4):
        await write(limited, tenant_keys, f"s{index}")
    read = await limited.get(REPORTS.format("acme"), headers=tenant_keys.headers)
    assert read.status_code == 200
    assert read.headers["ratelimit"] == '"read";r=4;t=60'


async def test_error_responses_after_the_limit_step_carry_the_fields(
    limited: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    missing = await limited.get(
        f"{REPORTS.format('acme')}/no-such-report", headers=tenant_keys.headers
    )
    assert_error(missing, 404, "not_found")
    assert missing.headers["ratelimit"] == '"read";r=4;t=60'
    invalid = await limited.post(
        REPORTS.format("acme"), json={"reports": []}, headers=tenant_keys.headers
    )
    assert_error(invalid, 422, "validation_error")
    assert invalid.headers["ratelimit-policy"] == '"write";q=3;w=60'
    assert invalid.headers["ratelimit"] == '"write";r=2;t=60'
    wrong_type = await limited.post(
        REPORTS.format("acme"),
        content=b"{}",
        headers={**tenant_keys.headers, "content-type": "text/plain"},
    )
    assert_error(wrong_type, 415, "unsupported_media_type")
    assert rate_limit_field(wrong_type).remaining == 1


async def test_checks_before_the_limit_step_answer_first_and_count_nothing(
    limited: httpx.AsyncClient, tenant_keys: Keys, settings: Settings, db: Database
) -> None:
    for index in range(3):
        await write(limited, tenant_keys, f"s{index}")
    unauthenticated = await limited.post(REPORTS.format("acme"), json=batch(item("x")))
    assert_error(unauthenticated, 401, "unauthenticated")
    assert_no_rate_limit_fields(unauthenticated)
    other_tenant = await write(limited, tenant_keys, "x", tenant="globex")
    assert_error(other_tenant, 403, "tenant_forbidden")
    assert_no_rate_limit_fields(other_tenant)
    reader = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:read"])
    no_scope = await limited.post(
        REPORTS.format("acme"), json=batch(item("x")), headers=bearer(reader)
    )
    assert_error(no_scope, 403, "insufficient_scope")
    assert_no_rate_limit_fields(no_scope)
    # Rate limit before media type: a refused request is 429 whatever its body.
    refused = await limited.post(
        REPORTS.format("acme"),
        content=b"{",
        headers={**tenant_keys.headers, "content-type": "text/plain"},
    )
    assert_error(refused, 429, "rate_limited")


async def test_health_ready_and_metrics_are_never_limited(
    database_url: str, redis_url: str, db: Database
) -> None:
    async with limited_client(database_url, redis_url, rate_limit_read_per_minute=1) as client:
        for _ in range(3):
            for path in ("/health", "/ready", "/metrics"):
                response = await client.get(path)
                assert response.status_code == 200, (path, response.text)
                assert_no_rate_limit_fields(response)


async def test_quota_comes_back_when_the_window_moves_on(
    database_url: str,
    redis_url: str,
    db: Database,
    tenant_keys: Keys,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Long enough that the four writes land in one window even on a loaded machine.
    monkeypatch.setattr(policy, "WINDOW_SECONDS", 5)
    async with limited_client(database_url, redis_url) as client:
        for index in range(3):
            assert (await write(client, tenant_keys, f"s{index}")).status_code == 200
        refused = await write(client, tenant_keys, "s3")
        assert refused.status_code == 429
        assert refused.headers["ratelimit-policy"] == '"write";q=3;w=5'
        retry_after = int(refused.headers["retry-after"])
        assert 1 <= retry_after <= 5
        # Waiting exactly Retry-After is enough: the refusal's `t` is never too early.
        await asyncio.sleep(retry_after)
        accepted = await write(client, tenant_keys, "s4")
    assert accepted.status_code == 200, accepted.text
