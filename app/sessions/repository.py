"""SQL for browser sessions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.browser_session import BrowserSession
from db.models.tenant import Tenant


@dataclass(frozen=True)
class SessionState:
    """What verifying a token needs of its session: whose it is and whether it still holds."""

    tenant_id: uuid.UUID
    tenant_slug: str
    expires_at: datetime
    revoked_at: datetime | None


async def add_session(session: AsyncSession, browser_session: BrowserSession) -> BrowserSession:
    session.add(browser_session)
    await session.flush()
    return browser_session


async def find_state(session: AsyncSession, session_id: uuid.UUID) -> SessionState | None:
    row = (
        await session.execute(
            select(
                BrowserSession.tenant_id,
                Tenant.slug,
                BrowserSession.expires_at,
                BrowserSession.revoked_at,
            )
            .join(Tenant, Tenant.id == BrowserSession.tenant_id)
            .where(BrowserSession.id == session_id)
        )
    ).first()
    return SessionState(*row) if row is not None else None


async def revoke(
    session: AsyncSession, *, tenant_id: uuid.UUID, session_id: uuid.UUID, at: datetime
) -> BrowserSession | None:
    """Mark the tenant's session revoked (keeping the first time); None when there is none."""
    found = await session.scalar(
        select(BrowserSession).where(
            BrowserSession.tenant_id == tenant_id, BrowserSession.id == session_id
        )
    )
    if found is not None and found.revoked_at is None:
        found.revoked_at = at
        await session.flush()
    return found
