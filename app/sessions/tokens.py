"""Session tokens (CONTRACT.md §15): compact JWS signed with the first SESSION_SIGNING_KEYS key.

Signing and checking are PyJWT's; this module only fixes the claims and which algorithm a key
may be checked with (the key's own, never the one a token names).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import jwt
from jwt import PyJWK
from jwt.exceptions import PyJWTError

from app.core.errors import Unauthenticated
from app.core.session_keys import SigningKeys

# A compact JWS of a JSON header starts with the base64url of `{"`: the cheap test that tells a
# token from an API key (`afk_...`) before any work.
JWS_START = "eyJ"


def looks_like_token(credential: str) -> bool:
    return credential.startswith(JWS_START) and credential.count(".") == 2


def sign(
    keys: SigningKeys,
    *,
    issuer: str,
    tenant_id: uuid.UUID,
    session_id: uuid.UUID,
    subject: str,
    scopes: Sequence[str],
    origins: Sequence[str],
    issued_at: datetime,
    expires_at: datetime,
) -> str:
    key = keys.signing
    claims = {
        "iss": issuer,
        "aud": str(tenant_id),
        "sub": subject,
        "scope": " ".join(scopes),
        "origins": list(origins),
        "jti": str(session_id),
        "iat": int(issued_at.timestamp()),
        "exp": int(expires_at.timestamp()),
    }
    return jwt.encode(claims, key.key, algorithm=key.algorithm_name, headers={"kid": key.key_id})


def unverified_issuer_and_kid(token: str) -> tuple[str, str]:
    """The `iss` and the header's `kid`, read before any check to choose the key: nothing
    read here is trusted until `verified_claims` has checked the signature."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except PyJWTError:
        raise Unauthenticated from None
    issuer, kid = claims.get("iss"), header.get("kid")
    if not isinstance(issuer, str) or not isinstance(kid, str):
        raise Unauthenticated
    return issuer, kid


def verified_claims(
    token: str,
    key: PyJWK,
    *,
    issuer: str,
    audience: str | None,
    required: Sequence[str],
    leeway_seconds: float = 0,
) -> dict[str, Any]:
    """The claims of a token signed by `key` with the key's own algorithm, from `issuer`, for
    `audience` (None: the caller checks `aud`), unexpired; Unauthenticated otherwise."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[key.algorithm_name],
            issuer=issuer,
            audience=audience,
            leeway=leeway_seconds,
            options={
                "require": ["iss", "sub", "exp", "iat", *required],
                "verify_aud": audience is not None,
            },
        )
    except PyJWTError:
        raise Unauthenticated from None
    return claims
