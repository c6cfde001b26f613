"""Minting session tokens over HTTP, and tokens signed with keys made in the test."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwt.algorithms import ECAlgorithm, OKPAlgorithm
from sqlalchemy import func, select

from db.models.browser_session import BrowserSession
from db.models.idempotency_key import IdempotencyKey
from db.session import Database
from tests.factories import Keys, bearer

APP_ORIGIN = "https://app.example.com"


def sessions_path(tenant: str = "acme") -> str:
    return f"/v1/tenants/{tenant}/sessions"


def session_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "subject": "user-42",
        "scopes": ["reports:read", "automations:read"],
        "origins": [APP_ORIGIN],
    }
    body.update(overrides)
    return body


async def mint(client: httpx.AsyncClient, keys: Keys, **overrides: Any) -> dict[str, Any]:
    """A new session of `keys.tenant` (its `data`)."""
    response = await client.post(
        sessions_path(), json=session_body(**overrides), headers=bearer(keys.key)
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def ed25519_jwk(kid: str) -> dict[str, Any]:
    """A private Ed25519 JWK made now."""
    jwk = OKPAlgorithm.to_jwk(ed25519.Ed25519PrivateKey.generate(), as_dict=True)
    return {**jwk, "kid": kid}


def p256_jwk(kid: str) -> dict[str, Any]:
    """A private EC P-256 JWK made now."""
    jwk = ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()), as_dict=True)
    return {**jwk, "kid": kid}


def key_set(*jwks: dict[str, Any]) -> str:
    return json.dumps({"keys": list(jwks)})


def sign_with(jwk: dict[str, Any], claims: dict[str, Any], *, kid: str | None = None) -> str:
    """`claims` signed with the private `jwk`, by its own algorithm, header `kid`."""
    key = jwt.PyJWK(jwk)
    return jwt.encode(
        claims, key.key, algorithm=key.algorithm_name, headers={"kid": kid or jwk["kid"]}
    )


def new_jti() -> str:
    return str(uuid.uuid4())


async def count_sessions(db: Database) -> int:
    async with db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(BrowserSession)) or 0)


async def count_idempotency_keys(db: Database) -> int:
    async with db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(IdempotencyKey)) or 0)


def flawed_key_set(flaw: str) -> str:
    """A SESSION_SIGNING_KEYS value with one flaw."""
    good = ed25519_jwk("k")
    public = {name: value for name, value in good.items() if name != "d"}
    keys: list[dict[str, Any]] = {
        "oct": [{"kty": "oct", "k": "c2VjcmV0", "kid": "k"}],
        "P-384": [{**p256_jwk("k"), "crv": "P-384"}],
        "no kid": [{name: value for name, value in good.items() if name != "kid"}],
        "public only": [public],
        "wrong alg": [{**good, "alg": "ES256"}],
        "broken": [{**good, "d": "AAAA"}],
        "repeated kid": [good, ed25519_jwk("k")],
    }[flaw]
    return key_set(*keys)
