"""Turn a bearer token (ours or an external OpenID Connect issuer's) into a Principal, or
raise Unauthenticated.

Our tokens name their session (`jti`); its state is read from the database and trusted from
memory for at most SESSION_CACHE_SECONDS, and evicted at once when a revocation is announced
(app/sessions/revocations.py).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from jwt import PyJWK

from app.core.config import Settings
from app.core.errors import NotFound, Unauthenticated
from app.core.ids import parse_id
from app.core.oidc_issuers import OidcIssuer
from app.core.time import utc_now
from app.sessions import repository, tokens
from app.sessions.oidc import ExternalIssuers
from app.sessions.repository import SessionState
from app.sessions.schemas import GRANTABLE_SCOPES
from app.tenants import service as tenants
from app.tenants.auth import Principal
from db.session import Database

SESSION_CACHE_SECONDS = 1.0
# Tenants named by external tokens are looked up at most this often (ids and slugs are fixed).
TENANT_CACHE_SECONDS = 60.0
MAX_CACHED = 10_000
# External issuers' clocks may run a little ahead of ours (`iat`) or behind (`exp`).
EXTERNAL_LEEWAY_SECONDS = 30


class TokenVerifier:
    def __init__(
        self, db: Database, settings: Settings, *, cache_seconds: float = SESSION_CACHE_SECONDS
    ) -> None:
        self._db = db
        self._keys = settings.signing_keys
        self._issuer = settings.session_issuer
        self._external = ExternalIssuers(settings.external_issuers)
        # External tokens carry no origins of ours: the origins the API serves browsers.
        self._external_origins = frozenset(settings.cors_allowed_origins)
        self._cache_seconds = cache_seconds
        self._sessions: dict[uuid.UUID, tuple[SessionState, float]] = {}
        self._tenants: dict[str, tuple[tuple[uuid.UUID, str] | None, float]] = {}
        self._evictions = 0

    async def verify(self, token: str) -> Principal:
        issuer, kid = tokens.unverified_issuer_and_kid(token)
        if issuer == self._issuer:
            return await self._verify_own(token, kid)
        external = self._external.get(issuer)
        if external is None:
            raise Unauthenticated
        key = await external.find(kid)
        if key is None:
            raise Unauthenticated
        return await self._verify_external(token, key, external.issuer)

    def forget(self, session_id: str) -> None:
        """Drop a session's state from this process's cache (on revocation)."""
        self._evictions += 1
        if (parsed := parse_id(session_id)) is not None:
            self._sessions.pop(parsed, None)

    def forget_all(self) -> None:
        self._evictions += 1
        self._sessions.clear()

    async def close(self) -> None:
        await self._external.close()

    async def _verify_own(self, token: str, kid: str) -> Principal:
        key = self._keys.by_kid.get(kid)
        if key is None:
            raise Unauthenticated
        claims = tokens.verified_claims(
            token, key, issuer=self._issuer, audience=None, required=("aud", "jti", "scope")
        )
        session_id = _uuid_claim(claims, "jti")
        tenant_id = _uuid_claim(claims, "aud")
        state = await self._session_state(session_id)
        if (
            state is None
            or state.tenant_id != tenant_id
            or state.revoked_at is not None
            or state.expires_at <= utc_now()
        ):
            raise Unauthenticated
        origins = claims.get("origins")
        if not isinstance(origins, list) or not all(isinstance(o, str) for o in origins):
            raise Unauthenticated
        return Principal(
            tenant_id=tenant_id,
            tenant_slug=state.tenant_slug,
            scopes=_scopes(claims["scope"]),
            expires_at=state.expires_at,
            subject=_text_claim(claims, "sub"),
            session_id=str(session_id),
            origins=frozenset(origins),
        )

    async def _verify_external(self, token: str, key: PyJWK, issuer: OidcIssuer) -> Principal:
        claims = tokens.verified_claims(
            token,
            key,
            issuer=issuer.issuer,
            audience=issuer.audience,
            required=("aud",),
            leeway_seconds=EXTERNAL_LEEWAY_SECONDS,
        )
        reference = claims.get(issuer.tenant_claim)
        tenant = await self._tenant(reference) if isinstance(reference, str) else None
        if tenant is None:
            raise Unauthenticated
        jti = claims.get("jti")
        return Principal(
            tenant_id=tenant[0],
            tenant_slug=tenant[1],
            scopes=_scopes(claims.get(issuer.scopes_claim)),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            subject=_text_claim(claims, "sub"),
            session_id=jti if isinstance(jti, str) else None,
            origins=self._external_origins,
        )

    async def _session_state(self, session_id: uuid.UUID) -> SessionState | None:
        now = time.monotonic()
        cached = self._sessions.get(session_id)
        if cached is not None and now - cached[1] < self._cache_seconds:
            return cached[0]
        evictions = self._evictions
        async with self._db.unit_of_work() as session:
            state = await repository.find_state(session, session_id)
        # An eviction during the load may be a revocation committed after the row was read.
        if state is not None and evictions == self._evictions and self._cache_seconds > 0:
            if len(self._sessions) >= MAX_CACHED:
                self._sessions.clear()
            self._sessions[session_id] = (state, now)
        return state

    async def _tenant(self, reference: str) -> tuple[uuid.UUID, str] | None:
        now = time.monotonic()
        cached = self._tenants.get(reference)
        if cached is not None and now - cached[1] < TENANT_CACHE_SECONDS:
            return cached[0]
        try:
            async with self._db.unit_of_work() as session:
                tenant = await tenants.resolve_tenant(session, reference)
            found: tuple[uuid.UUID, str] | None = (tenant.id, tenant.slug)
        except NotFound:
            found = None
        if len(self._tenants) >= MAX_CACHED:
            self._tenants.clear()
        self._tenants[reference] = (found, now)
        return found


def _uuid_claim(claims: dict[str, Any], name: str) -> uuid.UUID:
    value = claims.get(name)
    parsed = parse_id(value) if isinstance(value, str) else None
    if parsed is None:
        raise Unauthenticated
    return parsed


def _text_claim(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value:
        raise Unauthenticated
    return value


def _scopes(claim: object, grantable: Collection[str] = GRANTABLE_SCOPES) -> frozenset[str]:
    """The scopes a token holds: a space-separated string or a list; names that are not API
    scopes (`openid`, `profile`) are ignored, and `sessions:write` is never held."""
    if isinstance(claim, str):
        names: list[Any] = claim.split()
    elif isinstance(claim, list):
        names = claim
    else:
        names = []
    return frozenset(name for name in names if isinstance(name, str) and name in grantable)
