"""SQL for stored idempotent responses: fixed statements, rows as plain tuples."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import json_codec
from db.models.idempotency_key import IdempotencyKey

_TRY_LOCK = "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))"
_FIND = """
SELECT fingerprint, response_status, response_body, response_headers, expires_at
  FROM idempotency_keys
 WHERE tenant_id = $1 AND key = $2"""
_DELETE = "DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2"
_INSERT = """
INSERT INTO idempotency_keys
       (tenant_id, key, fingerprint, response_status, response_body, response_headers,
        expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)"""


class StoredKey(NamedTuple):
    fingerprint: bytes
    response_status: int
    response_body: bytes
    response_headers: dict[str, Any]
    expires_at: datetime


async def try_lock(session: AsyncSession, tenant_id: uuid.UUID, key: str) -> bool:
    """Take the key's transaction-scoped advisory lock, without waiting."""
    connection = await session.connection()
    result = await connection.exec_driver_sql(_TRY_LOCK, (f"idempotency:{tenant_id}:{key}",))
    return bool(result.scalar())


async def find(session: AsyncSession, tenant_id: uuid.UUID, key: str) -> StoredKey | None:
    connection = await session.connection()
    result = await connection.exec_driver_sql(_FIND, (tenant_id, key))
    row: Sequence[Any] | None = result.first()
    return StoredKey._make(row) if row is not None else None


async def remove(session: AsyncSession, tenant_id: uuid.UUID, key: str) -> None:
    connection = await session.connection()
    await connection.exec_driver_sql(_DELETE, (tenant_id, key))


async def store(session: AsyncSession, tenant_id: uuid.UUID, key: str, stored: StoredKey) -> None:
    connection = await session.connection()
    await connection.exec_driver_sql(
        _INSERT,
        (
            tenant_id,
            key,
            stored.fingerprint,
            stored.response_status,
            stored.response_body,
            json_codec.dumps_text(stored.response_headers),
            stored.expires_at,
        ),
    )


async def purge_expired(session: AsyncSession, now: datetime, *, batch: int) -> int:
    """Delete up to `batch` expired keys (index on expires_at); the number deleted."""
    expired = (
        select(IdempotencyKey.tenant_id, IdempotencyKey.key)
        .where(IdempotencyKey.expires_at < now)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    result = await session.execute(
        delete(IdempotencyKey)
        .where(tuple_(IdempotencyKey.tenant_id, IdempotencyKey.key).in_(expired))
        .returning(IdempotencyKey.key)
    )
    return len(result.all())
