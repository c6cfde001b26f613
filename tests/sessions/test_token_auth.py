"""CONTRACT.md §15: a session token is accepted wherever an API key is, with its own scopes;
every kind of bad token is a 401, another tenant's a 403, a foreign Origin a 403 — on REST and
on GraphQL over HTTP alike."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from app.core.config import DEV_SESSION_SIGNING_KEYS, Settings
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import Keys, bearer
from tests.sessions.helpers import (
    APP_ORIGIN,
    ed25519_jwk,
    key_set,
    mint,
    p256_jwk,
    session_body,
    sessions_path,
    sign_with,
)

REPORTS = "/v1/tenants/{}/reports"
GRAPHQL = "/v1/tenants/{}/graphql"
QUERY = {"query": "{ latestReport { slug } }"}
DEV_JWK: dict[str, Any] = json.loads(DEV_SESSION_SIGNING_KEYS)["keys"][0]
ISSUER = "http://127.0.0.1:8000"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned_parts(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"


def _claims_of(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def _hs256_with(secret: bytes, claims: dict[str, Any]) -> str:
    """The HS/asymmetric confusion: HS256 keyed with the public key (PyJWT refuses to make it)."""
    signing_input = _unsigned_parts({"alg": "HS256", "kid": DEV_JWK["kid"], "typ": "JWT"}, claims)
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


def _public_pem() -> bytes:
    key = jwt.PyJWK(DEV_JWK).key
    pem: bytes = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem


def _tampered(token: str) -> str:
    header, _, signature = token.split(".")
    claims = _claims_of(token)
    claims["scope"] += " webhooks:write"
    forged = _b64(json.dumps(claims).encode())
    return f"{header}.{forged}.{signature}"


# Each bad token, made from a valid token's claims (its session exists and is live).
BAD_TOKENS: dict[str, Callable[[str, Keys], str]] = {
    "not a JWS": lambda token, keys: "eyJhbGciOiJFZERTQSJ9.eyJub3RoaW5nIjp0cnVlfQ.AAAA",
    "three dots": lambda token, keys: token + ".extra",
    "cut short": lambda token, keys: token[:-10],
    "expired": lambda token, keys: sign_with(
        DEV_JWK, {**_claims_of(token), "iat": int(time.time()) - 120, "exp": int(time.time()) - 1}
    ),
    "alg none": lambda token, keys: jwt.encode(
        _claims_of(token), "", algorithm="none", headers={"kid": DEV_JWK["kid"]}
    ),
    "alg none, no signature part": lambda token, keys: (
        _unsigned_parts({"alg": "none", "kid": DEV_JWK["kid"]}, _claims_of(token)) + "."
    ),
    "HS256 keyed with the public key (PEM)": lambda token, keys: _hs256_with(
        _public_pem(), _claims_of(token)
    ),
    "HS256 keyed with the public key (raw x)": lambda token, keys: _hs256_with(
        base64.urlsafe_b64decode(DEV_JWK["x"] + "="), _claims_of(token)
    ),
    "ES256 under the EdDSA key's kid": lambda token, keys: sign_with(
        p256_jwk(DEV_JWK["kid"]), _claims_of(token)
    ),
    "signed by another Ed25519 key with the same kid": lambda token, keys: sign_with(
        ed25519_jwk(DEV_JWK["kid"]), _claims_of(token)
    ),
    "unknown kid": lambda token, keys: sign_with(ed25519_jwk("someone-else"), _claims_of(token)),
    "unknown kid, signed by our key": lambda token, keys: sign_with(
        DEV_JWK, _claims_of(token), kid="rotated-away"
    ),
    "tampered payload": lambda token, keys: _tampered(token),
    "wrong issuer": lambda token, keys: sign_with(
        DEV_JWK, {**_claims_of(token), "iss": "https://evil.example.com"}
    ),
    "no issuer": lambda token, keys: sign_with(
        DEV_JWK, {k: v for k, v in _claims_of(token).items() if k != "iss"}
    ),
    "wrong audience (the other tenant)": lambda token, keys: sign_with(
        DEV_JWK, {**_claims_of(token), "aud": str(keys.other_tenant.id)}
    ),
    "wrong audience (not a tenant)": lambda token, keys: sign_with(
        DEV_JWK, {**_claims_of(token), "aud": "aetherflow"}
    ),
    "session that does not exist": lambda token, keys: sign_with(
        DEV_JWK, {**_claims_of(token), "jti": "7d1c6a2e-3f4b-4e8a-9c1d-2b3a4c5d6e7f"}
    ),
}


async def _graphql_refusal(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert [error["extensions"]["code"] for error in errors] == [code]
    assert errors[0]["extensions"]["requestId"] == response.headers["x-request-id"]


async def test_a_token_works_on_rest_and_graphql_with_its_scopes(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    token = (await mint(client, tenant_keys, scopes=["reports:read"]))["token"]
    headers = {**bearer(token), "Origin": APP_ORIGIN}
    assert (await client.get(REPORTS.format("acme"), headers=headers)).status_code == 200
    by_id = REPORTS.format(tenant_keys.tenant.id)
    assert (await client.get(by_id, headers=headers)).status_code == 200
    graphql = await client.post(GRAPHQL.format("acme"), json=QUERY, headers=headers)
    assert graphql.status_code == 200
    assert graphql.json()["data"] == {"latestReport": None}

    write = await client.post(REPORTS.format("acme"), json={"reports": []}, headers={**headers})
    error = assert_error(write, 403, "insufficient_scope")
    assert error["details"] == {"requiredScope": "reports:write"}
    runs = await client.post(
        GRAPHQL.format("acme"),
        json={"query": "{ automationRuns { edges { node { id } } } }"},
        headers=headers,
    )
    assert runs.status_code == 200
    assert runs.json()["errors"][0]["extensions"]["code"] == "insufficient_scope"


@pytest.mark.parametrize("case", list(BAD_TOKENS))
async def test_bad_tokens_are_unauthenticated(
    client: httpx.AsyncClient, tenant_keys: Keys, case: str
) -> None:
    token = (await mint(client, tenant_keys))["token"]
    bad = BAD_TOKENS[case](token, tenant_keys)
    assert bad != token
    headers = {**bearer(bad), "Origin": APP_ORIGIN}
    assert_error(await client.get(REPORTS.format("acme"), headers=headers), 401, "unauthenticated")
    await _graphql_refusal(
        await client.post(GRAPHQL.format("acme"), json=QUERY, headers=headers),
        401,
        "unauthenticated",
    )
    # The valid token it was made from still works: only the change was refused.
    ok = await client.get(REPORTS.format("acme"), headers=bearer(token))
    assert ok.status_code == 200


async def test_a_revoked_token_is_unauthenticated(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    minted = await mint(client, tenant_keys)
    headers = bearer(minted["token"])
    assert (await client.get(REPORTS.format("acme"), headers=headers)).status_code == 200
    deleted = await client.delete(f"{sessions_path()}/{minted['id']}", headers=tenant_keys.headers)
    assert deleted.status_code == 204
    assert_error(await client.get(REPORTS.format("acme"), headers=headers), 401, "unauthenticated")
    await _graphql_refusal(
        await client.post(GRAPHQL.format("acme"), json=QUERY, headers=headers),
        401,
        "unauthenticated",
    )


async def test_a_valid_token_for_another_tenant_is_tenant_forbidden(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    theirs = await client.post(
        sessions_path("globex"), json=session_body(), headers=bearer(tenant_keys.other_key)
    )
    headers = bearer(theirs.json()["data"]["token"])
    for tenant in ("acme", str(tenant_keys.tenant.id), "no-such-tenant"):
        assert_error(
            await client.get(REPORTS.format(tenant), headers=headers), 403, "tenant_forbidden"
        )
        await _graphql_refusal(
            await client.post(GRAPHQL.format(tenant), json=QUERY, headers=headers),
            403,
            "tenant_forbidden",
        )
    assert (await client.get(REPORTS.format("globex"), headers=headers)).status_code == 200


async def test_the_origin_must_be_one_the_token_allows(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    token = (await mint(client, tenant_keys, origins=[APP_ORIGIN, "http://localhost:5173"]))[
        "token"
    ]
    for origin in ("https://evil.example.com", "https://app.example.com:8443", "null"):
        headers = {**bearer(token), "Origin": origin}
        assert_error(
            await client.get(REPORTS.format("acme"), headers=headers), 403, "origin_forbidden"
        )
        await _graphql_refusal(
            await client.post(GRAPHQL.format("acme"), json=QUERY, headers=headers),
            403,
            "origin_forbidden",
        )
    for origin in (APP_ORIGIN, "http://localhost:5173"):
        allowed = await client.get(
            REPORTS.format("acme"), headers={**bearer(token), "Origin": origin}
        )
        assert allowed.status_code == 200
    # No Origin at all: not a browser's cross-origin request (curl, a server).
    assert (await client.get(REPORTS.format("acme"), headers=bearer(token))).status_code == 200


async def test_an_api_key_is_not_bound_to_origins(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    headers = {**tenant_keys.headers, "Origin": "https://evil.example.com"}
    assert (await client.get(REPORTS.format("acme"), headers=headers)).status_code == 200


async def test_bad_tokens_count_against_the_address(
    database_url: str, redis_url: str, tenant_keys: Keys
) -> None:
    settings = make_settings(database_url, redis_url, rate_limit_auth_failures_per_minute=2)
    async with serve(settings) as client:
        token = (await mint(client, tenant_keys))["token"]
        forged = BAD_TOKENS["tampered payload"](token, tenant_keys)
        statuses = [
            (await client.get(REPORTS.format("acme"), headers=bearer(forged))).status_code
            for _ in range(3)
        ]
    assert statuses == [401, 401, 429]


async def test_every_listed_key_verifies_and_the_first_signs(
    database_url: str, redis_url: str, tenant_keys: Keys, db: Database
) -> None:
    new = p256_jwk("2026-12-new")
    settings: Settings = make_settings(
        database_url, redis_url, session_signing_keys=key_set(new, DEV_JWK)
    )
    async with serve(settings) as client:
        minted = await mint(client, tenant_keys)
        header = jwt.get_unverified_header(minted["token"])
        assert (header["kid"], header["alg"]) == ("2026-12-new", "ES256")
        # A token the previous key signed (before the rotation) still verifies.
        old = sign_with(DEV_JWK, _claims_of(minted["token"]))
        for token in (minted["token"], old):
            response = await client.get(REPORTS.format("acme"), headers=bearer(token))
            assert response.status_code == 200, response.text
        published = (await client.get("/.well-known/jwks.json")).json()["keys"]
    assert [(key["kid"], key["alg"]) for key in published] == [
        ("2026-12-new", "ES256"),
        ("dev-session-key-1", "EdDSA"),
    ]
    assert all("d" not in key for key in published)
    assert published[0]["crv"] == "P-256"
    assert {"x", "y"} <= set(published[0])
