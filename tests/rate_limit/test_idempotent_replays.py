"""CONTRACT.md §9: idempotent replays use no quota, and are served when the quota is used up."""

from __future__ import annotations

import httpx

from tests.api.test_http_conventions import assert_error
from tests.factories import Keys
from tests.rate_limit.helpers import rate_limit_field
from tests.reports.helpers import REPORTS, batch, item


async def post(
    client: httpx.AsyncClient, keys: Keys, slug: str, key: str | None = None
) -> httpx.Response:
    headers = {**keys.headers, **({"Idempotency-Key": key} if key else {})}
    return await client.post(REPORTS.format("acme"), json=batch(item(slug)), headers=headers)


async def test_a_replay_gives_its_unit_back(limited: httpx.AsyncClient, tenant_keys: Keys) -> None:
    first = await post(limited, tenant_keys, "a", key="k-1")
    assert first.status_code == 200
    assert rate_limit_field(first).remaining == 2
    replay = await post(limited, tenant_keys, "a", key="k-1")
    assert replay.status_code == 200
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content
    replayed = rate_limit_field(replay)
    assert (replayed.group, replayed.remaining) == ("write", 2)
    assert 55 <= replayed.reset <= 60
    # Two more writes fit: the replay used nothing.
    assert rate_limit_field(await post(limited, tenant_keys, "b")).remaining == 1
    assert rate_limit_field(await post(limited, tenant_keys, "c")).remaining == 0


async def test_a_replay_is_served_when_the_quota_is_used_up(
    limited: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    first = await post(limited, tenant_keys, "a", key="k-1")
    await post(limited, tenant_keys, "b")
    await post(limited, tenant_keys, "c")
    assert_error(await post(limited, tenant_keys, "d"), 429, "rate_limited")
    replay = await post(limited, tenant_keys, "a", key="k-1")
    assert replay.status_code == 200, replay.text
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content
    field = rate_limit_field(replay)
    assert (field.group, field.remaining) == ("write", 0)
    assert "retry-after" not in replay.headers
    # ...and still frees nothing for new work.
    assert_error(await post(limited, tenant_keys, "e"), 429, "rate_limited")


async def test_a_new_key_over_quota_is_refused(
    limited: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    for slug in ("a", "b", "c"):
        await post(limited, tenant_keys, slug)
    refused = await post(limited, tenant_keys, "d", key="never-used")
    assert_error(refused, 429, "rate_limited")


async def test_a_reused_key_over_quota_is_answered_from_the_store(
    limited: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await post(limited, tenant_keys, "a", key="k-1")
    await post(limited, tenant_keys, "b")
    await post(limited, tenant_keys, "c")
    reused = await post(limited, tenant_keys, "other", key="k-1")
    assert_error(reused, 422, "idempotency_key_reused")
    assert rate_limit_field(reused).remaining == 0
