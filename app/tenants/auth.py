"""Verify API keys, with an in-process cache so a known key costs no database round trip."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.errors import InsufficientScope, OriginForbidden, TenantForbidden, Unauthenticated
from app.core.ids import parse_id
from app.core.time import utc_now
from app.tenants import repository
from app.tenants.keys import hash_key, hashes_match, key_prefix
from db.session import Database

LAST_USED_INTERVAL = timedelta(minutes=1)
MAX_CACHED_KEYS = 10_000


@dataclass(frozen=True)
class Principal:
    """Who is calling for one tenant, with its scopes: an API key (`key_id`, `prefix`) or a
    session token (`subject`, `session_id` = its `jti`, and the `origins` it may be used from).
    """

    tenant_id: uuid.UUID
    tenant_slug: str
    scopes: frozenset[str]
    expires_at: datetime | None
    key_id: uuid.UUID | None = None
    prefix: str | None = None
    subject: str | None = None
    session_id: str | None = None
    # None: not bound to origins (an API key).
    origins: frozenset[str] | None = None

    def check_tenant(self, reference: str) -> None:
        """Raise TenantForbidden unless the path's tenant (UUID or slug) is the caller's."""
        if reference != self.tenant_slug and parse_id(reference) != self.tenant_id:
            raise TenantForbidden

    def check_origin(self, origin: str | None) -> None:
        """Raise OriginForbidden when a token is used from an Origin it does not allow.

        A request without an Origin header is not a browser's cross-origin call (curl, a
        server): the token is accepted, as it would be by any client holding it.
        """
        if self.origins is not None and origin is not None and origin not in self.origins:
            raise OriginForbidden

    def require(self, scope: str) -> None:
        if scope not in self.scopes:
            raise InsufficientScope(scope)


@dataclass
class _CacheEntry:
    principal: Principal
    verified_at: float


class KeyVerifier:
    """Turns an API key (the bearer credential) into a Principal or raises Unauthenticated.

    A verified key is trusted from memory for `cache_seconds`. Revocations are announced on
    Redis and evicted at once (app/tenants/revocations.py); `cache_seconds` is the bound only
    for a revocation this process could not hear of (Redis down).
    """

    def __init__(self, db: Database, *, pepper: bytes, cache_seconds: float) -> None:
        self._db = db
        self._pepper = pepper
        self._cache_seconds = cache_seconds
        self._cache: dict[bytes, _CacheEntry] = {}
        self._last_used_written: dict[uuid.UUID, float] = {}
        self._evictions = 0

    async def verify(self, key: str | None) -> Principal:
        """The principal of `key` (the bearer credential, `bearer_token`'s answer)."""
        prefix = key_prefix(key) if key else None
        if key is None or prefix is None:
            raise Unauthenticated
        digest = hash_key(self._pepper, key)
        principal = self._cached(digest)
        if principal is None:
            evictions = self._evictions
            principal = await self._load(prefix, digest)
            # An eviction during the load may be a revocation committed after the row was read.
            if evictions == self._evictions:
                self._remember(digest, principal)
        assert principal.key_id is not None
        await self._record_use(principal.key_id)
        return principal

    def forget(self, prefix: str) -> None:
        """Drop a key from this process's cache at once (used on revocation)."""
        self._evictions += 1
        for digest, entry in list(self._cache.items()):
            if entry.principal.prefix == prefix:
                del self._cache[digest]

    def forget_all(self) -> None:
        """Drop every cached key (when revocations may have been missed)."""
        self._evictions += 1
        self._cache.clear()

    def _cached(self, digest: bytes) -> Principal | None:
        entry = self._cache.get(digest)
        if entry is None:
            return None
        if time.monotonic() - entry.verified_at >= self._cache_seconds or _expired(
            entry.principal.expires_at
        ):
            del self._cache[digest]
            return None
        return entry.principal

    def _remember(self, digest: bytes, principal: Principal) -> None:
        if self._cache_seconds <= 0:
            return
        if len(self._cache) >= MAX_CACHED_KEYS:
            self._cache.clear()
        self._cache[digest] = _CacheEntry(principal, time.monotonic())

    async def _load(self, prefix: str, digest: bytes) -> Principal:
        async with self._db.unit_of_work() as session:
            found = await repository.find_key_with_tenant(session, prefix)
        if found is None:
            raise Unauthenticated
        key, tenant = found
        if (
            not hashes_match(key.key_hash, digest)
            or key.revoked_at is not None
            or _expired(key.expires_at)
        ):
            raise Unauthenticated
        return Principal(
            key_id=key.id,
            prefix=key.prefix,
            tenant_id=tenant.id,
            tenant_slug=tenant.slug,
            scopes=frozenset(key.scopes),
            expires_at=key.expires_at,
        )

    async def _record_use(self, key_id: uuid.UUID) -> None:
        """Write lastUsedAt at most once a minute per key (across processes too)."""
        now = time.monotonic()
        written = self._last_used_written.get(key_id)
        if written is not None and now - written < LAST_USED_INTERVAL.total_seconds():
            return
        self._last_used_written[key_id] = now
        moment = utc_now()
        async with self._db.unit_of_work() as session:
            await repository.touch_last_used(
                session, key_id, moment, not_since=moment - LAST_USED_INTERVAL
            )


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _expired(expires_at: datetime | None) -> bool:
    return expires_at is not None and expires_at <= utc_now()
