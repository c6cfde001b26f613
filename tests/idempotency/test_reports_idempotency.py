"""CONTRACT.md §4 through the reports batch: replay, reuse, format, in progress, concurrency."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.time import utc_now
from app.idempotency import service as idempotency
from app.idempotency.service import IdempotentRequest, StoredResponse, fingerprint
from db.models.idempotency_key import IdempotencyKey
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.factories import Keys, bearer
from tests.live import live_server
from tests.reports.helpers import REPORTS, batch, count_reports, item, outbox_events

URL = REPORTS.format("acme")
BODY = batch(item("a", content={"x": 1, "y": 2}), item("b"))


def with_key(keys: Keys, key: str) -> dict[str, str]:
    return {**keys.headers, "Idempotency-Key": key}


async def stored_keys(db: Database) -> int:
    async with db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(IdempotencyKey)) or 0)


async def test_replay_returns_the_same_bytes_and_marks_it(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    first = await client.post(URL, json=BODY, headers=with_key(tenant_keys, "k-1"))
    await client.post(
        URL, json=batch(item("a", title="changed meanwhile")), headers=tenant_keys.headers
    )
    replay = await client.post(URL, json=BODY, headers=with_key(tenant_keys, "k-1"))
    assert first.status_code == replay.status_code == 200
    assert "idempotent-replayed" not in first.headers
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content
    assert len(await outbox_events(db)) == 3  # 2 created + 1 updated; the replay added none


async def test_key_order_and_whitespace_do_not_matter(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    first = await client.post(URL, json=BODY, headers=with_key(tenant_keys, "k"))
    reordered = json.dumps(
        {
            "reports": [
                {"content": {"y": 2, "x": 1}, "title": "Title a", "slug": "a"},
                {"title": "Title b", "slug": "b"},
            ]
        },
        indent=4,
    )
    replay = await client.post(
        URL,
        content=reordered,
        headers={**with_key(tenant_keys, "k"), "content-type": "application/json"},
    )
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content


async def test_quoted_and_bare_forms_are_the_same_key(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await client.post(URL, json=BODY, headers=with_key(tenant_keys, "abc-123"))
    replay = await client.post(URL, json=BODY, headers=with_key(tenant_keys, '"abc-123"'))
    assert replay.headers["idempotent-replayed"] == "true"


async def test_slug_and_uuid_paths_are_one_request(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await client.post(URL, json=BODY, headers=with_key(tenant_keys, "k"))
    by_uuid = REPORTS.format(tenant_keys.tenant.id)
    replay = await client.post(by_uuid, json=BODY, headers=with_key(tenant_keys, "k"))
    assert replay.headers["idempotent-replayed"] == "true"


async def test_same_key_with_another_body_is_422_and_writes_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await client.post(URL, json=BODY, headers=with_key(tenant_keys, "k"))
    response = await client.post(URL, json=batch(item("other")), headers=with_key(tenant_keys, "k"))
    assert_error(response, 422, "idempotency_key_reused")
    assert "idempotent-replayed" not in response.headers
    assert await count_reports(db) == 2


@pytest.mark.parametrize(
    "key",
    ["", "x" * 256, '"unterminated', '"a"b"', '""', "tab\there", '"bad\\q"'],
)
async def test_malformed_key_is_400_and_writes_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, key: str
) -> None:
    response = await client.post(URL, json=BODY, headers=with_key(tenant_keys, key))
    assert_error(response, 400, "invalid_idempotency_key")
    assert await count_reports(db) == 0


async def test_non_ascii_key_is_400(client: httpx.AsyncClient, tenant_keys: Keys) -> None:
    response = await client.post(
        URL,
        json=BODY,
        headers=[
            (b"Authorization", f"Bearer {tenant_keys.key}".encode()),
            (b"Idempotency-Key", "clé".encode()),
        ],
    )
    assert_error(response, 400, "invalid_idempotency_key")


async def test_key_of_255_characters_is_accepted(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    response = await client.post(URL, json=BODY, headers=with_key(tenant_keys, "k" * 255))
    assert response.status_code == 200


async def test_invalid_json_is_reported_before_a_malformed_key(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    response = await client.post(
        URL,
        content=b"{",
        headers={**with_key(tenant_keys, ""), "content-type": "application/json"},
    )
    assert_error(response, 400, "invalid_json")
    invalid_body = await client.post(URL, json={"reports": []}, headers=with_key(tenant_keys, ""))
    assert_error(invalid_body, 400, "invalid_idempotency_key")


async def test_repeat_while_the_first_runs_is_409_with_retry_after(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    lock = text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))")
    async with db.unit_of_work() as first_request:
        await first_request.execute(lock, {"name": f"idempotency:{tenant_keys.tenant.id}:k"})
        response = await client.post(URL, json=BODY, headers=with_key(tenant_keys, "k"))
    error = assert_error(response, 409, "idempotency_key_in_progress")
    assert response.headers["retry-after"] == "1"
    assert error["details"] is None
    assert await count_reports(db) == 0
    after = await client.post(URL, json=BODY, headers=with_key(tenant_keys, "k"))
    assert after.status_code == 200
    assert "idempotent-replayed" not in after.headers


async def test_keys_are_scoped_to_the_tenant(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await client.post(URL, json=BODY, headers=with_key(tenant_keys, "shared"))
    other = await client.post(
        REPORTS.format("globex"),
        json=batch(item("z")),
        headers={**bearer(tenant_keys.other_key), "Idempotency-Key": "shared"},
    )
    assert other.status_code == 200
    assert "idempotent-replayed" not in other.headers
    assert await count_reports(db) == 3


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (batch(item("a", title="")), {}, 422),
        (batch(item("a")), {"Authorization": "Bearer nope"}, 401),
    ],
)
async def test_rejected_request_leaves_the_key_free(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    db: Database,
    body: dict[str, Any],
    headers: dict[str, str],
    status: int,
) -> None:
    rejected = await client.post(URL, json=body, headers={**with_key(tenant_keys, "k"), **headers})
    assert rejected.status_code == status
    assert await stored_keys(db) == 0
    accepted = await client.post(URL, json=BODY, headers=with_key(tenant_keys, "k"))
    assert accepted.status_code == 200
    assert "idempotent-replayed" not in accepted.headers


async def test_expired_key_is_free_again(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await client.post(URL, json=BODY, headers=with_key(tenant_keys, "k"))
    async with db.unit_of_work() as session:
        await session.execute(
            update(IdempotencyKey).values(expires_at=utc_now() - timedelta(seconds=1))
        )
    response = await client.post(URL, json=batch(item("c")), headers=with_key(tenant_keys, "k"))
    assert response.status_code == 200
    assert "idempotent-replayed" not in response.headers


async def test_twenty_concurrent_requests_have_one_effect(
    settings: Settings, tenant_keys: Keys, db: Database
) -> None:
    body = batch(*[item(f"c-{i}", publishedAt="2026-01-01T00:00:00Z") for i in range(50)])
    async with live_server(settings) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        responses = await asyncio.gather(
            *[http.post(URL, json=body, headers=with_key(tenant_keys, "once")) for _ in range(20)]
        )
        replay = await http.post(URL, json=body, headers=with_key(tenant_keys, "once"))
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {200, 409}, statuses
    assert statuses.count(200) >= 1
    successes = [r for r in responses if r.status_code == 200]
    assert len({r.content for r in successes}) == 1
    assert sum("idempotent-replayed" not in r.headers for r in successes) == 1
    for response in responses:
        if response.status_code == 409:
            assert response.json()["error"]["code"] == "idempotency_key_in_progress"
    assert replay.content == successes[0].content
    assert await count_reports(db) == 50
    assert len(await outbox_events(db)) == 100
    assert await stored_keys(db) == 1


async def test_an_effect_that_fails_stores_nothing(tenant_keys: Keys, db: Database) -> None:
    request = IdempotentRequest(tenant_keys.tenant.id, "k", fingerprint("POST", "/x", {}))

    async def failing(session: AsyncSession) -> StoredResponse:
        await session.execute(text("SELECT 1"))
        raise RuntimeError("boom")

    async def succeeding(session: AsyncSession) -> StoredResponse:
        return StoredResponse(201, b'{"data":{}}', {"Location": "/x/1"})

    with pytest.raises(RuntimeError):
        await idempotency.execute(db, request, failing, ttl_seconds=60)
    assert await stored_keys(db) == 0
    first = await idempotency.execute(db, request, succeeding, ttl_seconds=60)
    again = await idempotency.execute(db, request, _never_called(), ttl_seconds=60)
    assert (first.replayed, again.replayed) == (False, True)
    assert again.response == StoredResponse(201, b'{"data":{}}', {"Location": "/x/1"})


def _never_called() -> Callable[[AsyncSession], Awaitable[StoredResponse]]:
    async def effect(session: AsyncSession) -> StoredResponse:
        raise AssertionError("a replay must not run the effect")

    return effect


async def test_purge_deletes_only_expired_keys(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await client.post(URL, json=BODY, headers=with_key(tenant_keys, "old"))
    await client.post(URL, json=batch(item("n")), headers=with_key(tenant_keys, "new"))
    async with db.unit_of_work() as session:
        await session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.key == "old")
            .values(expires_at=utc_now() - timedelta(seconds=1))
        )
    async with db.unit_of_work() as session:
        assert await idempotency.purge_expired(session) == 1
    async with db.unit_of_work() as session:
        assert [row.key for row in await session.scalars(select(IdempotencyKey))] == ["new"]
