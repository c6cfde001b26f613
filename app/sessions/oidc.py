"""The signing keys of external OpenID Connect issuers (OIDC_ISSUERS), fetched from each
issuer's JWKS URL and cached: an unknown `kid` fetches the set again, at most once a minute
per issuer, and a set older than an hour is fetched again on its next use."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from jwt import PyJWK
from jwt.exceptions import PyJWTError
from loguru import logger

from app.core.oidc_issuers import OidcIssuer

REFETCH_INTERVAL_SECONDS = 60.0
MAX_AGE_SECONDS = 3600.0
FETCH_TIMEOUT_SECONDS = 5.0
# Public-key algorithms only: a key set can never make a shared secret (HS*) acceptable.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class IssuerKeys:
    """One issuer's verification keys by `kid`."""

    def __init__(
        self,
        issuer: OidcIssuer,
        http: httpx.AsyncClient,
        *,
        refetch_interval: float = REFETCH_INTERVAL_SECONDS,
    ) -> None:
        self.issuer = issuer
        self._http = http
        self._refetch_interval = refetch_interval
        self._by_kid: dict[str, PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def find(self, kid: str) -> PyJWK | None:
        """The key named `kid`, fetching the set when it is unknown (rate-limited) or old."""
        if (key := self._by_kid.get(kid)) is not None and not self._stale():
            return key
        async with self._lock:
            if self._may_fetch(kid):
                await self._fetch()
        return self._by_kid.get(kid)

    def _stale(self) -> bool:
        return self._fetched_at is None or time.monotonic() - self._fetched_at >= MAX_AGE_SECONDS

    def _may_fetch(self, kid: str) -> bool:
        if self._fetched_at is None:
            return True
        age = time.monotonic() - self._fetched_at
        if kid in self._by_kid:
            return age >= MAX_AGE_SECONDS
        return age >= self._refetch_interval

    async def _fetch(self) -> None:
        # Counted as a fetch even when it fails: a failing issuer is asked once a minute.
        self._fetched_at = time.monotonic()
        try:
            response = await self._http.get(self.issuer.jwks_url)
            response.raise_for_status()
            self._by_kid = _usable_keys(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            # Keys fetched earlier stay in use until a fetch succeeds.
            logger.warning(
                "JWKS of issuer {} not fetched ({})", self.issuer.issuer, type(exc).__name__
            )


def _usable_keys(document: Any) -> dict[str, PyJWK]:
    """The public signing keys of a JWKS document that have a `kid` and a public-key algorithm;
    others are skipped."""
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list):
        raise ValueError("not a JSON Web Key Set")
    usable: dict[str, PyJWK] = {}
    for jwk in keys:
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
            continue
        if jwk.get("use", "sig") != "sig" or jwk.get("kty") == "oct":
            continue
        try:
            key = PyJWK(jwk)
        except PyJWTError:
            continue
        if key.algorithm_name in ASYMMETRIC_ALGORITHMS:
            usable[jwk["kid"]] = key
    return usable


class ExternalIssuers:
    """Every configured issuer's keys, by issuer name; owns the HTTP client that fetches them."""

    def __init__(self, issuers: tuple[OidcIssuer, ...]) -> None:
        # No client at all (no connection pool) when no issuer is configured.
        self._http = (
            httpx.AsyncClient(timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=False)
            if issuers
            else None
        )
        self._issuers = {
            issuer.issuer: IssuerKeys(issuer, self._http)
            for issuer in issuers
            if self._http is not None
        }

    def get(self, issuer: str) -> IssuerKeys | None:
        return self._issuers.get(issuer)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
