"""CONTRACT.md §4 on the webhook POSTs: create, rotate-secret and retry replay their response."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select

from app.core.config import Settings
from app.webhooks.secrets import SecretBox
from db.models.idempotency_key import IdempotencyKey
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.factories import PUBLIC_WEBHOOK_URL, Keys, make_delivery

URL = "/v1/tenants/acme/webhook-endpoints"
BODY = {"url": PUBLIC_WEBHOOK_URL, "eventTypes": ["report.created"]}


def with_key(keys: Keys, key: str) -> dict[str, str]:
    return {**keys.headers, "Idempotency-Key": key}


async def count(db: Database, model: Any) -> int:
    async with db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def stored_bodies(db: Database) -> list[bytes]:
    async with db.unit_of_work() as session:
        return list(await session.scalars(select(IdempotencyKey.response_body)))


async def test_create_replay_returns_the_same_bytes_secret_and_location(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    first = await client.post(URL, json=BODY, headers=with_key(tenant_keys, "create-1"))
    replay = await client.post(URL, json=BODY, headers=with_key(tenant_keys, "create-1"))
    assert first.status_code == replay.status_code == 201
    assert "idempotent-replayed" not in first.headers
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content
    assert replay.headers["location"] == first.headers["location"]
    assert replay.headers["content-type"] == "application/json"
    assert await count(db, WebhookEndpoint) == 1

    secret = first.json()["data"]["secret"]
    [kept] = await stored_bodies(db)
    assert secret.encode() not in kept
    async with db.unit_of_work() as session:
        row = await session.get(WebhookEndpoint, uuid.UUID(first.json()["data"]["id"]))
    assert row is not None
    assert SecretBox.from_keys(settings.data_encryption_key).decrypt(row.secret_encrypted) == secret


async def test_create_with_a_used_key_and_another_body_is_422(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await client.post(URL, json=BODY, headers=with_key(tenant_keys, "k"))
    other = {**BODY, "description": "another"}
    response = await client.post(URL, json=other, headers=with_key(tenant_keys, "k"))
    assert_error(response, 422, "idempotency_key_reused")
    refused_url = await client.post(
        URL, json={"url": "https://127.0.0.1/"}, headers=with_key(tenant_keys, "k")
    )
    error = assert_error(refused_url, 422, "validation_error")
    assert [detail["path"] for detail in error["details"]] == ["url"]
    assert await count(db, WebhookEndpoint) == 1


async def test_a_refused_create_leaves_the_key_free(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    refused = await client.post(
        URL, json={"url": "https://10.0.0.1/"}, headers=with_key(tenant_keys, "k")
    )
    assert_error(refused, 422, "validation_error")
    assert await count(db, IdempotencyKey) == 0
    accepted = await client.post(URL, json=BODY, headers=with_key(tenant_keys, "k"))
    assert accepted.status_code == 201
    assert "idempotent-replayed" not in accepted.headers


async def test_rotation_replay_returns_the_same_secret_and_rotates_once(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    created = (await client.post(URL, json=BODY, headers=tenant_keys.headers)).json()["data"]
    path = f"{URL}/{created['id']}/rotate-secret"
    first = await client.post(path, headers=with_key(tenant_keys, "rotate"))
    replay = await client.post(path, json={}, headers=with_key(tenant_keys, "rotate"))
    assert first.status_code == replay.status_code == 200
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content
    rotated = first.json()["data"]["secret"]
    assert all(rotated.encode() not in body for body in await stored_bodies(db))
    async with db.unit_of_work() as session:
        row = await session.get(WebhookEndpoint, uuid.UUID(created["id"]))
    assert row is not None
    box = SecretBox.from_keys(settings.data_encryption_key)
    assert box.decrypt(row.secret_encrypted) == rotated
    assert row.previous_secret_encrypted is not None
    assert box.decrypt(row.previous_secret_encrypted) == created["secret"]


async def test_retry_replay_returns_the_first_answer(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    created = (await client.post(URL, json=BODY, headers=tenant_keys.headers)).json()["data"]
    delivery_id = await make_delivery(
        db, uuid.UUID(created["id"]), tenant_keys.tenant, status="dead"
    )
    path = f"/v1/tenants/acme/webhook-deliveries/{delivery_id}/retry"
    first = await client.post(path, headers=with_key(tenant_keys, "retry"))
    replay = await client.post(path, headers=with_key(tenant_keys, "retry"))
    assert first.status_code == replay.status_code == 202
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content
    without_key = await client.post(path, headers=tenant_keys.headers)
    assert_error(without_key, 409, "conflict")
