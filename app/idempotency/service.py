"""The idempotency store (CONTRACT.md §4): fingerprints, stored responses, replays.

Faces reach it through `Idempotent` (app/idempotency/idempotent.py). The stored response is
written in the transaction of the effect; a transaction-scoped advisory lock on (tenant, key)
makes concurrent repeats wait for nothing: they get 409 while the first runs, and the stored
response once it committed. So N identical requests have one effect.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import request_context
from app.core.errors import IdempotencyKeyInProgress, IdempotencyKeyReused
from app.core.time import utc_now
from app.idempotency import repository
from app.idempotency.repository import StoredKey
from db.session import Database

PURGE_BATCH = 1000
_SORTED_DATETIMES_AS_TEXT = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


@dataclass(frozen=True)
class StoredResponse:
    """A response exactly as first sent: status, body bytes and the headers worth repeating."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def stored_json(
    status: int, document: BaseModel, headers: dict[str, str] | None = None
) -> StoredResponse:
    """A response whose body is `document` as JSON (by its aliases)."""
    return StoredResponse(status, document.model_dump_json().encode(), headers or {})


@dataclass(frozen=True)
class IdempotentRequest:
    tenant_id: uuid.UUID
    key: str
    fingerprint: bytes


@dataclass(frozen=True)
class Outcome:
    response: StoredResponse
    replayed: bool


def fingerprint(method: str, target: str, document: Any) -> bytes:
    """SHA-256 over what the request does and its input as canonical JSON.

    REST: the HTTP method, the path and the body. GraphQL: `GRAPHQL`, the mutation's name and
    its input. Canonical JSON has sorted keys and no whitespace, so neither matters.
    """
    digest = hashlib.sha256(f"{method.upper()}\n{target}\n".encode())
    digest.update(_canonical_json(document))
    return digest.digest()


def _canonical_json(document: Any) -> bytes:
    """orjson, or the standard module for what orjson refuses (integers beyond 64 bits)."""
    try:
        return orjson.dumps(
            document,
            default=_as_text,
            option=orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME,
        )
    except orjson.JSONEncodeError:
        text = json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_as_text
        )
        return text.encode()


def _as_text(value: object) -> str:
    """A GraphQL `DateTime` comes parsed: back to ISO 8601 text, its offset kept."""
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


async def execute(
    db: Database,
    request: IdempotentRequest | None,
    effect: Callable[[AsyncSession], Awaitable[StoredResponse]],
    *,
    ttl_seconds: int,
) -> Outcome:
    """Run `effect` in one transaction, or replay the response stored under the key.

    An effect that raises stores nothing, so the key stays free for a corrected retry. A
    replay is noted in the request's context, where the rate limiter (which gives the unit
    back) and GraphQL (which marks the response) find it.
    """
    async with db.unit_of_work() as session:
        if request is not None:
            stored = await _reserve(session, request)
            if stored is not None:
                if (context := request_context.current()) is not None:
                    context.idempotent_replay = True
                return Outcome(stored, replayed=True)
        response = await effect(session)
        if request is not None and response.status < 500:
            record = StoredKey(
                request.fingerprint,
                response.status,
                response.body,
                response.headers,
                utc_now() + timedelta(seconds=ttl_seconds),
            )
            await repository.store(session, request.tenant_id, request.key, record)
        return Outcome(response, replayed=False)


async def _reserve(session: AsyncSession, request: IdempotentRequest) -> StoredResponse | None:
    if not await repository.try_lock(session, request.tenant_id, request.key):
        raise IdempotencyKeyInProgress
    row = await repository.find(session, request.tenant_id, request.key)
    if row is None:
        return None
    if row.expires_at <= utc_now():
        await repository.remove(session, request.tenant_id, request.key)
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
