"""CONTRACT.md §15: POST and DELETE /v1/tenants/{t}/sessions, and GET /.well-known/jwks.json."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import select

from app.core.config import Settings
from db.models.browser_session import BrowserSession
from db.models.idempotency_key import IdempotencyKey
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.factories import UNKNOWN_ID, Keys, bearer, make_key
from tests.sessions.helpers import (
    APP_ORIGIN,
    count_idempotency_keys,
    count_sessions,
    mint,
    session_body,
    sessions_path,
)


async def test_mints_a_token_that_says_what_the_session_grants(
    client: httpx.AsyncClient, tenant_keys: Keys, settings: Settings
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    response = await client.post(
        sessions_path(), json=session_body(ttlSeconds=120), headers=tenant_keys.headers
    )
    assert response.status_code == 201, response.text
    assert "Idempotent-Replayed" not in response.headers
    data = response.json()["data"]
    assert set(data) == {"id", "token", "expiresAt", "subject", "scopes", "origins"}
    assert data["subject"] == "user-42"
    assert data["scopes"] == ["reports:read", "automations:read"]
    assert data["origins"] == [APP_ORIGIN]
    expires_at = datetime.fromisoformat(data["expiresAt"])
    assert data["expiresAt"].endswith("Z")
    assert before + timedelta(seconds=120) <= expires_at <= before + timedelta(seconds=125)

    token = data["token"]
    header = jwt.get_unverified_header(token)
    assert header["kid"] == "dev-session-key-1"
    assert header["alg"] == "EdDSA"
    published = (await client.get("/.well-known/jwks.json")).json()
    key = jwt.PyJWKSet.from_dict(published)[header["kid"]]
    claims = jwt.decode(
        token,
        key,
        algorithms=["EdDSA"],
        audience=str(tenant_keys.tenant.id),
        issuer="http://127.0.0.1:8000",
    )
    assert claims["sub"] == "user-42"
    assert claims["scope"] == "reports:read automations:read"
    assert claims["origins"] == [APP_ORIGIN]
    assert claims["jti"] == data["id"]
    assert claims["exp"] == int(expires_at.timestamp())
    assert claims["exp"] - claims["iat"] == 120


async def test_the_default_lifetime_is_fifteen_minutes(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    data = await mint(client, tenant_keys, subject="s")
    claims = jwt.decode(data["token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 900


async def test_repeated_scopes_and_origins_count_once_and_the_slug_path_works(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    data = await mint(
        client,
        tenant_keys,
        scopes=["reports:read", "reports:read"],
        origins=[APP_ORIGIN, APP_ORIGIN, "http://localhost:5173"],
    )
    assert data["scopes"] == ["reports:read"]
    assert data["origins"] == [APP_ORIGIN, "http://localhost:5173"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"subject": 42}, "subject"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["reports:read", "sessions:write"]}, "scopes.1"),
        ({"scopes": ["reports:delete"]}, "scopes.0"),
        ({"origins": []}, "origins"),
        ({"origins": [f"https://a{n}.example.com" for n in range(11)]}, "origins"),
        ({"origins": ["https://app.example.com/path"]}, "origins.0"),
        ({"origins": ["app.example.com"]}, "origins.0"),
        ({"origins": ["ftp://app.example.com"]}, "origins.0"),
        ({"origins": ["https://user@app.example.com"]}, "origins.0"),
        ({"ttlSeconds": 59}, "ttlSeconds"),
        ({"ttlSeconds": 43_201}, "ttlSeconds"),
        ({"ttlSeconds": "900"}, "ttlSeconds"),
        ({"extra": 1}, "extra"),
    ],
)
async def test_invalid_bodies_are_refused_with_each_problem_and_nothing_written(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, change: dict[str, Any], path: str
) -> None:
    response = await client.post(
        sessions_path(),
        json=session_body(**change),
        headers={**tenant_keys.headers, "Idempotency-Key": "k1"},
    )
    error = assert_error(response, 422, "validation_error")
    assert path in [detail["path"] for detail in error["details"]], error
    assert await count_sessions(db) == 0
    assert await count_idempotency_keys(db) == 0


async def test_the_limits_themselves_are_accepted(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    for ttl in (60, 43_200):
        await mint(
            client,
            tenant_keys,
            subject="x" * 200,
            origins=[f"https://a{n}.example.com" for n in range(10)],
            ttlSeconds=ttl,
        )


async def test_every_bad_field_is_reported_at_once(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    response = await client.post(
        sessions_path(),
        json={"subject": "", "scopes": ["nope"], "origins": ["x"], "ttlSeconds": 1},
        headers=tenant_keys.headers,
    )
    error = assert_error(response, 422, "validation_error")
    paths = {detail["path"] for detail in error["details"]}
    assert paths == {"subject", "scopes.0", "origins.0", "ttlSeconds"}


async def test_a_scope_the_key_lacks_is_a_422_naming_it(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    key = await make_key(
        db, settings, tenant_keys.tenant, scopes=["sessions:write", "reports:read"]
    )
    response = await client.post(
        sessions_path(),
        json=session_body(scopes=["reports:read", "webhooks:write", "automations:read"]),
        headers={**bearer(key), "Idempotency-Key": "k1"},
    )
    error = assert_error(response, 422, "validation_error")
    assert error["details"] == [
        {"path": "scopes.1", "message": "the API key does not hold the scope webhooks:write"},
        {"path": "scopes.2", "message": "the API key does not hold the scope automations:read"},
    ]
    assert await count_sessions(db) == 0
    assert await count_idempotency_keys(db) == 0


async def test_a_key_without_sessions_write_is_refused(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    key = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:read"])
    response = await client.post(sessions_path(), json=session_body(), headers=bearer(key))
    error = assert_error(response, 403, "insufficient_scope")
    assert error["details"] == {"requiredScope": "sessions:write"}
    assert await count_sessions(db) == 0


async def test_a_token_cannot_create_or_delete_sessions(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    token = (await mint(client, tenant_keys))["token"]
    for scopes in (["reports:read"],):
        response = await client.post(
            sessions_path(), json=session_body(scopes=scopes), headers=bearer(token)
        )
        error = assert_error(response, 403, "insufficient_scope")
        assert error["details"] == {"requiredScope": "sessions:write"}
    assert await count_sessions(db) == 1
    minted = await mint(client, tenant_keys)
    response = await client.delete(f"{sessions_path()}/{minted['id']}", headers=bearer(token))
    assert_error(response, 403, "insufficient_scope")


async def test_other_tenants_and_no_key_are_refused_before_validation(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    assert_error(
        await client.post(sessions_path("globex"), json={}, headers=tenant_keys.headers),
        403,
        "tenant_forbidden",
    )
    assert_error(await client.post(sessions_path(), json={}), 401, "unauthenticated")
    assert await count_sessions(db) == 0


async def test_an_idempotent_repeat_returns_the_same_token_never_stored_in_clear(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    headers = {**tenant_keys.headers, "Idempotency-Key": "mint-1"}
    first = await client.post(sessions_path(), json=session_body(), headers=headers)
    again = await client.post(sessions_path(), json=session_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert await count_sessions(db) == 1
    token = first.json()["data"]["token"]
    async with db.unit_of_work() as session:
        stored = (await session.scalars(select(IdempotencyKey.response_body))).one()
    assert token.encode() not in stored
    assert token.split(".")[2].encode() not in stored

    reused = await client.post(
        sessions_path(), json=session_body(subject="someone-else"), headers=headers
    )
    assert_error(reused, 422, "idempotency_key_reused")
    assert await count_sessions(db) == 1


async def test_delete_revokes_and_answers_204_again_later(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    minted = await mint(client, tenant_keys)
    path = f"{sessions_path()}/{minted['id']}"
    first = await client.delete(path, headers=tenant_keys.headers)
    assert first.status_code == 204
    assert first.content == b""
    async with db.unit_of_work() as session:
        revoked_at = (await session.scalars(select(BrowserSession.revoked_at))).one()
    assert revoked_at is not None
    again = await client.delete(path, headers=tenant_keys.headers)
    assert again.status_code == 204
    async with db.unit_of_work() as session:
        assert (await session.scalars(select(BrowserSession.revoked_at))).one() == revoked_at


async def test_delete_of_an_unknown_or_another_tenants_session_is_404(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    theirs = await client.post(
        sessions_path("globex"), json=session_body(), headers=bearer(tenant_keys.other_key)
    )
    their_id = theirs.json()["data"]["id"]
    for session_id in (UNKNOWN_ID, their_id, "not-a-uuid", their_id.upper().join("{}")):
        response = await client.delete(
            f"{sessions_path()}/{session_id}", headers=tenant_keys.headers
        )
        assert_error(response, 404, "not_found")
    async with db.unit_of_work() as session:
        assert (await session.scalars(select(BrowserSession.revoked_at))).one() is None


async def test_the_published_keys_hold_no_private_member(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=300"
    keys = response.json()["keys"]
    assert keys == [
        {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": "ArQs0AMtw4o8dKt1ZbJRYgOKHrXPqz_Y3--Y4-rkcwI",
            "kid": "dev-session-key-1",
            "alg": "EdDSA",
            "use": "sig",
        }
    ]
    assert "ZPwLenPdJV73XF5dq5zvc8eq3GLNf" not in response.text
