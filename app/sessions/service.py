"""Browser sessions (CONTRACT.md §15): mint a token for a browser, revoke it, check what a key
may grant."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound, ValidationFailed
from app.core.ids import parse_id
from app.core.session_keys import SigningKeys
from app.core.time import utc_now
from app.sessions import repository, tokens
from app.sessions.revocations import SessionRevoked
from app.sessions.schemas import SessionIn
from db.models.browser_session import BrowserSession
from db.session import after_commit


@dataclass(frozen=True)
class MintedSession:
    """A new session and its token: the only moment the token exists on the server."""

    record: BrowserSession
    token: str


def check_grantable(requested: Sequence[str], held: Collection[str]) -> None:
    """A key grants only scopes it holds: ValidationFailed naming each one it lacks."""
    missing = [
        {"path": f"scopes.{position}", "message": f"the API key does not hold the scope {scope}"}
        for position, scope in enumerate(requested)
        if scope not in held
    ]
    if missing:
        raise ValidationFailed(details=missing)


async def create_session(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    key_id: uuid.UUID | None,
    request: SessionIn,
    keys: SigningKeys,
    issuer: str,
) -> MintedSession:
    """Record a session and sign its token (the token itself is not stored)."""
    now = utc_now()
    # Whole seconds: `exp` is in seconds, and expiresAt must say when the token stops working.
    issued_at = now.replace(microsecond=0)
    record = BrowserSession(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        key_id=key_id,
        subject=request.subject,
        scopes=list(request.scopes),
        origins=list(request.origins),
        expires_at=issued_at + timedelta(seconds=request.ttl_seconds),
    )
    await repository.add_session(session, record)
    token = tokens.sign(
        keys,
        issuer=issuer,
        tenant_id=tenant_id,
        session_id=record.id,
        subject=record.subject,
        scopes=record.scopes,
        origins=record.origins,
        issued_at=issued_at,
        expires_at=record.expires_at,
    )
    return MintedSession(record, token)


async def revoke_session(session: AsyncSession, *, tenant_id: uuid.UUID, session_id: str) -> None:
    """Revoke the tenant's session (again is fine); NotFound for another tenant's or none."""
    parsed = parse_id(session_id)
    found = (
        await repository.revoke(session, tenant_id=tenant_id, session_id=parsed, at=utc_now())
        if parsed is not None
        else None
    )
    if found is None:
        raise NotFound("session")
    after_commit(session, SessionRevoked(str(found.id)))
