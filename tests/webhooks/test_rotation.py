"""CONTRACT.md §8 secret rotation: a new secret, the old one signing beside it for 24 hours."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from app.core.config import Settings
from app.core.time import utc_now
from app.webhooks.secrets import SecretBox, signing_secrets
from db.models.idempotency_key import IdempotencyKey
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.factories import PUBLIC_WEBHOOK_URL, UNKNOWN_ID, Keys, bearer

URL = "/v1/tenants/acme/webhook-endpoints"
SECRET = re.compile(r"^whsec_[A-Za-z0-9+/]{43}=$")
RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


async def create(client: httpx.AsyncClient, keys: Keys) -> tuple[str, str]:
    response = await client.post(URL, json={"url": PUBLIC_WEBHOOK_URL}, headers=keys.headers)
    assert response.status_code == 201
    data = response.json()["data"]
    return data["id"], data["secret"]


async def stored(db: Database, endpoint_id: str) -> WebhookEndpoint:
    async with db.unit_of_work() as session:
        row = await session.get(WebhookEndpoint, uuid.UUID(endpoint_id))
    assert row is not None
    return row


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def test_rotation_returns_a_new_secret_and_keeps_the_old_one_for_a_day(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint_id, original = await create(client, tenant_keys)
    before = utc_now()
    response = await client.post(f"{URL}/{endpoint_id}/rotate-secret", headers=tenant_keys.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert "location" not in response.headers
    assert "idempotent-replayed" not in response.headers
    body = response.json()
    assert set(body) == {"data"}
    assert set(body["data"]) == {"secret", "previousSecretExpiresAt"}
    rotated = body["data"]["secret"]
    assert SECRET.match(rotated)
    assert rotated != original
    assert RFC3339_Z.match(body["data"]["previousSecretExpiresAt"])
    expires_at = parse_time(body["data"]["previousSecretExpiresAt"])
    assert abs(expires_at - (before + timedelta(hours=24))) < timedelta(seconds=30)

    box = SecretBox.from_keys(settings.data_encryption_key)
    row = await stored(db, endpoint_id)
    assert rotated not in row.secret_encrypted
    assert original not in (row.previous_secret_encrypted or "")
    assert box.decrypt(row.secret_encrypted) == rotated
    assert row.previous_secret_encrypted is not None
    assert box.decrypt(row.previous_secret_encrypted) == original
    assert row.previous_secret_expires_at is not None
    assert abs(row.previous_secret_expires_at - expires_at) < timedelta(milliseconds=1)
    assert signing_secrets(row, box, utc_now()) == [rotated, original]
    after_expiry = row.previous_secret_expires_at + timedelta(seconds=1)
    assert signing_secrets(row, box, after_expiry) == [rotated]

    shown = await client.get(f"{URL}/{endpoint_id}", headers=tenant_keys.headers)
    assert rotated not in shown.text
    assert original not in shown.text


async def test_rotating_twice_drops_the_oldest_secret(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint_id, original = await create(client, tenant_keys)
    path = f"{URL}/{endpoint_id}/rotate-secret"
    first = (await client.post(path, json={}, headers=tenant_keys.headers)).json()["data"]
    second = (await client.post(path, json={}, headers=tenant_keys.headers)).json()["data"]
    assert len({original, first["secret"], second["secret"]}) == 3
    assert second["previousSecretExpiresAt"] >= first["previousSecretExpiresAt"]
    row = await stored(db, endpoint_id)
    box = SecretBox.from_keys(settings.data_encryption_key)
    assert signing_secrets(row, box, utc_now()) == [second["secret"], first["secret"]]


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        (b"", {}),
        (b"{}", {"content-type": "application/json"}),
        (b" { } ", {"content-type": "application/json; charset=utf-8"}),
    ],
)
async def test_rotation_takes_an_empty_body_or_an_empty_object(
    client: httpx.AsyncClient, tenant_keys: Keys, content: bytes, headers: dict[str, str]
) -> None:
    endpoint_id, _ = await create(client, tenant_keys)
    response = await client.post(
        f"{URL}/{endpoint_id}/rotate-secret",
        content=content,
        headers={**tenant_keys.headers, **headers},
    )
    assert response.status_code == 200, response.text


async def test_rotation_refuses_input(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    endpoint_id, _ = await create(client, tenant_keys)
    path = f"{URL}/{endpoint_id}/rotate-secret"
    error = assert_error(
        await client.post(path, json={"secret": "whsec_mine"}, headers=tenant_keys.headers),
        422,
        "validation_error",
    )
    assert [detail["path"] for detail in error["details"]] == ["secret"]
    assert_error(
        await client.post(
            path, content=b"x", headers={**tenant_keys.headers, "content-type": "text/plain"}
        ),
        415,
        "unsupported_media_type",
    )
    assert (await stored(db, endpoint_id)).previous_secret_encrypted is None


@pytest.mark.parametrize("endpoint_id", ["nope", UNKNOWN_ID])
async def test_rotating_an_unknown_endpoint_is_404_and_stores_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, endpoint_id: str
) -> None:
    response = await client.post(
        f"{URL}/{endpoint_id}/rotate-secret",
        headers={**tenant_keys.headers, "Idempotency-Key": "rotate-1"},
    )
    assert_error(response, 404, "not_found")
    async with db.unit_of_work() as session:
        assert list(await session.scalars(select(IdempotencyKey))) == []


async def test_rotating_another_tenants_endpoint_is_404(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    endpoint_id, _ = await create(client, tenant_keys)
    response = await client.post(
        f"/v1/tenants/globex/webhook-endpoints/{endpoint_id}/rotate-secret",
        headers=bearer(tenant_keys.other_key),
    )
    assert_error(response, 404, "not_found")
    assert (await stored(db, endpoint_id)).previous_secret_encrypted is None
