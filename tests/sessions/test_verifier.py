"""The session cache of one process: an announced revocation evicts at once, and a state read
while an eviction arrives is not kept (it may predate the revocation)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.asyncio import Redis
from sqlalchemy import text

from app.core.config import Settings
from app.core.errors import Unauthenticated
from app.sessions import service as sessions
from app.sessions.revocations import SESSION_CHANNEL
from app.sessions.schemas import SessionIn
from app.sessions.verifier import TokenVerifier
from app.tenants.auth import KeyVerifier
from app.tenants.revocations import RevocationListener
from db.session import Database
from tests.factories import Keys
from tests.tenants.test_revocation import _until_a_query_waits_for


async def _minted(db: Database, settings: Settings, keys: Keys) -> tuple[str, uuid.UUID]:
    request = SessionIn.model_validate(
        {"subject": "u", "scopes": ["reports:read"], "origins": ["https://a.example"]}
    )
    async with db.unit_of_work() as session:
        minted = await sessions.create_session(
            session,
            tenant_id=keys.tenant.id,
            key_id=None,
            request=request,
            keys=settings.signing_keys,
            issuer=settings.session_issuer,
        )
    return minted.token, minted.record.id


async def _revoke_unannounced(db: Database, keys: Keys, session_id: uuid.UUID) -> None:
    # The test database has no after-commit handlers (only a Runtime's has): nobody is told.
    async with db.unit_of_work() as session:
        await sessions.revoke_session(session, tenant_id=keys.tenant.id, session_id=str(session_id))


async def test_a_state_loaded_while_an_eviction_arrives_is_not_cached(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    verifier = TokenVerifier(db, settings, cache_seconds=60)
    token, session_id = await _minted(db, settings, tenant_keys)
    async with db.unit_of_work() as blocker:
        await blocker.execute(text("LOCK TABLE browser_sessions IN ACCESS EXCLUSIVE MODE"))
        loading = asyncio.create_task(verifier.verify(token))
        await _until_a_query_waits_for(db, "browser_sessions")
        verifier.forget(str(session_id))
    assert (await loading).session_id == str(session_id)
    await _revoke_unannounced(db, tenant_keys, session_id)
    with pytest.raises(Unauthenticated):
        await verifier.verify(token)
    await verifier.close()


async def test_an_announced_revocation_evicts_the_session_at_once(
    db: Database, settings: Settings, tenant_keys: Keys, redis: Redis
) -> None:
    verifier = TokenVerifier(db, settings, cache_seconds=60)
    listener = RevocationListener(
        redis,
        KeyVerifier(db, pepper=settings.pepper, cache_seconds=60),
        others={SESSION_CHANNEL: verifier},
    )
    await listener.start()
    try:
        token, session_id = await _minted(db, settings, tenant_keys)
        assert (await verifier.verify(token)).subject == "u"
        await _revoke_unannounced(db, tenant_keys, session_id)
        # Cached for 60 s here: only the announcement can explain a refusal now.
        assert (await verifier.verify(token)).subject == "u"
        await redis.publish(SESSION_CHANNEL, str(session_id))
        async with asyncio.timeout(10):
            while True:
                try:
                    await verifier.verify(token)
                except Unauthenticated:
                    break
                await asyncio.sleep(0.02)
    finally:
        await listener.close()
        await verifier.close()
