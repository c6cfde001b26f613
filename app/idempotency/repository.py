"""SQL for stored idempotent responses."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.idempotency_key import IdempotencyKey


async def try_lock(session: AsyncSession, tenant_id: uuid.UUID, key: str) -> bool:
    """Take the key's transaction-scoped advisory lock, without waiting."""
    locked = await session.scalar(
        text("SELECT pg_try_advisory_xact_lock(hashtextextended(:lock_name, 0))"),
        {"lock_name": f"idempotency:{tenant_id}:{key}"},
    )
    return bool(locked)


async def find(session: AsyncSession, tenant_id: uuid.UUID, key: str) -> IdempotencyKey | None:
    return await session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.tenant_id == tenant_id, IdempotencyKey.key == key
        )
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
