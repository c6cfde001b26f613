"""SESSION_SIGNING_KEYS (CONTRACT.md §15): a JSON Web Key Set of private keys, parsed once.

The first key signs new session tokens; every listed key verifies, so a key is rotated by
adding the new one first and dropping the old one once its tokens have expired.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jwt import PyJWK
from jwt.exceptions import PyJWTError

# Each supported key kind and the one algorithm it signs with (never taken from a token).
ALGORITHMS: dict[tuple[object, object], str] = {
    ("OKP", "Ed25519"): "EdDSA",
    ("EC", "P-256"): "ES256",
}


@dataclass(frozen=True)
class SigningKeys:
    """The parsed key set: `signing` signs, `by_kid` finds any key for verification."""

    signing: PyJWK
    by_kid: dict[str, PyJWK]
    public_jwks: dict[str, Any]


def parse_signing_keys(text: str) -> SigningKeys:
    """The key set in `text`, or ValueError saying (without any key material) what is wrong."""
    return _parse(text)


@lru_cache(maxsize=8)
def _parse(text: str) -> SigningKeys:
    try:
        document = json.loads(text)
    except ValueError:
        raise ValueError('must be a JSON Web Key Set: {"keys": [...]}') from None
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list) or not keys:
        raise ValueError('must be a JSON Web Key Set with at least one key: {"keys": [...]}')
    by_kid: dict[str, PyJWK] = {}
    public: list[dict[str, Any]] = []
    for position, jwk in enumerate(keys, start=1):
        parsed, public_jwk = _private_key(jwk, position)
        kid = public_jwk["kid"]
        if kid in by_kid:
            raise ValueError(f"key {position}: kid {kid!r} is used by an earlier key")
        by_kid[kid] = parsed
        public.append(public_jwk)
    return SigningKeys(
        signing=next(iter(by_kid.values())), by_kid=by_kid, public_jwks={"keys": public}
    )


def _private_key(jwk: Any, position: int) -> tuple[PyJWK, dict[str, Any]]:
    where = f"key {position}"
    if not isinstance(jwk, dict):
        raise ValueError(f"{where}: must be a JSON object (a JWK)")
    algorithm = ALGORITHMS.get((jwk.get("kty"), jwk.get("crv")))
    if algorithm is None:
        raise ValueError(f"{where}: must be an OKP Ed25519 or an EC P-256 key")
    kid = jwk.get("kid")
    if not isinstance(kid, str) or not kid:
        raise ValueError(f"{where}: must have a kid")
    if jwk.get("alg") not in (None, algorithm):
        raise ValueError(f"{where}: alg must be {algorithm} for this key type")
    if "d" not in jwk:
        raise ValueError(f"{where}: must be a private key (with d)")
    try:
        parsed = PyJWK(jwk, algorithm)
    except PyJWTError:
        raise ValueError(f"{where}: is not a valid {algorithm} private key") from None
    # Published from the public half derived from the private key: never `d`, and never an
    # `x`/`y` that does not belong to it.
    public_jwk: dict[str, Any] = parsed.Algorithm.to_jwk(parsed.key.public_key(), as_dict=True)
    public_jwk.update(kid=kid, alg=algorithm, use="sig")
    return parsed, public_jwk
