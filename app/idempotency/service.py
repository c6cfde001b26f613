"""One idempotency mechanism for every creating POST and GraphQL mutation (CONTRACT.md §4).

The stored response is written in the transaction of the effect; a transaction-scoped advisory
lock on (tenant, key) makes concurrent repeats wait for nothing: they get 409 while the first
runs, and the stored response once it committed. So N identical requests have one effect.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import IdempotencyKeyInProgress, IdempotencyKeyReused
from app.core.time import utc_now
from app.idempotency import repository
from db.models.idempotency_key import IdempotencyKey
from db.session import Database

PURGE_BATCH = 1000


@dataclass(frozen=True)
class StoredResponse:
    """A response exactly as first sent: status, body bytes and the headers worth repeating."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IdempotentRequest:
    tenant_id: uuid.UUID
    key: str
    fingerprint: bytes


@dataclass(frozen=True)
class Outcome:
    response: StoredResponse
    replayed: bool


def fingerprint(method: str, path: str, body: Any) -> bytes:
    """SHA-256 over method, path and the body as canonical JSON (key order, spacing ignored)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method.upper()}\n{path}\n{canonical}".encode()).digest()


async def execute(
    db: Database,
    request: IdempotentRequest | None,
    effect: Callable[[AsyncSession], Awaitable[StoredResponse]],
    *,
    ttl_seconds: int,
) -> Outcome:
    """Run `effect` in one transaction, or replay the response stored under the key.

    An effect that raises stores nothing, so the key stays free for a corrected retry.
    """
    async with db.unit_of_work() as session:
        if request is not None:
            stored = await _reserve(session, request)
            if stored is not None:
                return Outcome(stored, replayed=True)
        response = await effect(session)
        if request is not None and response.status < 500:
            session.add(
                IdempotencyKey(
                    tenant_id=request.tenant_id,
                    key=request.key,
                    fingerprint=request.fingerprint,
                    response_status=response.status,
                    response_body=response.body,
                    response_headers=response.headers,
                    expires_at=utc_now() + timedelta(seconds=ttl_seconds),
                )
            )
            await session.flush()
        return Outcome(response, replayed=False)


async def _reserve(session: AsyncSession, request: IdempotentRequest) -> StoredResponse | None:
    if not await repository.try_lock(session, request.tenant_id, request.key):
        raise IdempotencyKeyInProgress
    row = await repository.find(session, request.tenant_id, request.key)
    if row is None:
        return None
    if row.expires_at <= utc_now():
        await session.delete(row)
        await session.flush()
        return None
    if row.fingerprint != request.fingerprint:
        raise IdempotencyKeyReused
    return StoredResponse(row.response_status, row.response_body, dict(row.response_headers))


async def has_stored_response(db: Database, tenant_id: uuid.UUID, key: str) -> bool:
    """Whether a live response is stored under the key, so a repeat will not run the effect.

    Read before the rate-limit step counts a request: replays do not use quota.
    """
    async with db.unit_of_work() as session:
        stored = await repository.find(session, tenant_id, key)
    return stored is not None and stored.expires_at > utc_now()


async def purge_expired(session: AsyncSession) -> int:
    """Delete a batch of expired keys; the number deleted."""
    return await repository.purge_expired(session, utc_now(), batch=PURGE_BATCH)
