"""SQL for tenants and API keys."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.api_key import ApiKey
from db.models.tenant import Tenant


async def find_tenant(session: AsyncSession, reference: uuid.UUID | str) -> Tenant | None:
    """A tenant by id or by slug."""
    column = Tenant.id if isinstance(reference, uuid.UUID) else Tenant.slug
    return await session.scalar(select(Tenant).where(column == reference))


async def list_tenants(session: AsyncSession) -> Sequence[Tenant]:
    return (await session.scalars(select(Tenant).order_by(Tenant.slug))).all()


async def find_key_with_tenant(session: AsyncSession, prefix: str) -> tuple[ApiKey, Tenant] | None:
    row = (
        await session.execute(
            select(ApiKey, Tenant)
            .join(Tenant, Tenant.id == ApiKey.tenant_id)
            .where(ApiKey.prefix == prefix)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def list_keys(session: AsyncSession, tenant_id: uuid.UUID) -> Sequence[ApiKey]:
    result = await session.scalars(
        select(ApiKey).where(ApiKey.tenant_id == tenant_id).order_by(ApiKey.created_at, ApiKey.id)
    )
    return result.all()


async def revoke_key(
    session: AsyncSession, tenant_id: uuid.UUID, prefix: str, at: datetime
) -> ApiKey | None:
    """Mark the key revoked (keeping the first revocation time); None when there is no such key."""
    key = await session.scalar(
        select(ApiKey).where(ApiKey.tenant_id == tenant_id, ApiKey.prefix == prefix)
    )
    if key is not None and key.revoked_at is None:
        key.revoked_at = at
        await session.flush()
    return key


async def touch_last_used(
    session: AsyncSession, key_id: uuid.UUID, at: datetime, not_since: datetime
) -> None:
    """Record use, unless another process already did within the last interval."""
    await session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key_id,
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < not_since),
        )
        .values(last_used_at=at)
    )
