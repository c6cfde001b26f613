"""CONTRACT.md §3: API keys, tenants from the path, scopes, revocation, expiry, lastUsedAt."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import event, select, update

from app.core.config import Settings
from app.core.time import utc_now
from app.tenants import repository
from app.tenants import service as tenants
from db.models.api_key import ApiKey
from db.session import Database
from tests.api.probe import mount_probe
from tests.api.test_http_conventions import assert_error
from tests.asgi import runtime_of, serve
from tests.conftest import make_settings
from tests.factories import Keys, bearer, make_key

PROBE = "/v1/tenants/{}/probe/database"


@pytest.fixture
async def probe(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(settings, customize=mount_probe) as client:
        yield client


async def test_key_works_with_tenant_slug_and_uuid(
    probe: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    tenant_id = tenant_keys.tenant.id
    for reference in ("acme", str(tenant_id), str(tenant_id).upper()):
        response = await probe.get(PROBE.format(reference), headers=tenant_keys.headers)
        assert response.status_code == 200, (reference, response.text)


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Basic abc",
        "Bearer afk_short_x",
        "Bearer afk_abcdefgh_" + "A" * 43,
        "Token afk_abcdefgh_" + "A" * 43,
    ],
)
async def test_missing_or_malformed_or_unknown_key_is_401(
    probe: httpx.AsyncClient, tenant_keys: Keys, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await probe.get(PROBE.format("acme"), headers=headers)
    error = assert_error(response, 401, "unauthenticated")
    assert error["message"] == "A valid API key is required."


async def test_wrong_secret_with_a_real_prefix_is_401(
    probe: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    prefix = tenant_keys.key.split("_")[1]
    forged = f"afk_{prefix}_" + "B" * 43
    response = await probe.get(PROBE.format("acme"), headers=bearer(forged))
    assert_error(response, 401, "unauthenticated")


async def test_revoked_key_is_401(
    probe: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    key = await make_key(db, settings, tenant_keys.tenant)
    async with db.unit_of_work() as session:
        await tenants.revoke_key(session, tenant_id=tenant_keys.tenant.id, prefix=key.split("_")[1])
    response = await probe.get(PROBE.format("acme"), headers=bearer(key))
    error = assert_error(response, 401, "unauthenticated")
    assert error["message"] == "A valid API key is required."


async def test_expired_key_is_401(
    probe: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    """Expiry is checked on load; a key cached before it expired is covered by the cache test."""
    key = await make_key(db, settings, tenant_keys.tenant, expires_in_days=1)
    assert (await probe.get(PROBE.format("acme"), headers=bearer(key))).status_code == 200
    async with db.unit_of_work() as session:
        await session.execute(
            update(ApiKey)
            .where(ApiKey.prefix == key.split("_")[1])
            .values(expires_at=utc_now() - timedelta(seconds=1))
        )
    async with serve(settings, customize=mount_probe) as other_process:
        response = await other_process.get(PROBE.format("acme"), headers=bearer(key))
    assert_error(response, 401, "unauthenticated")


async def test_other_tenant_is_forbidden_whether_or_not_it_exists(
    probe: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    answers = []
    for reference in (
        "globex",
        str(tenant_keys.other_tenant.id),
        "no-such-tenant",
        str(uuid.uuid4()),
        "NOT_A_SLUG!",
        "x",
    ):
        response = await probe.get(PROBE.format(reference), headers=tenant_keys.headers)
        error = assert_error(response, 403, "tenant_forbidden")
        answers.append((error["message"], error["details"]))
    assert len(set(answers)) == 1


async def test_only_the_canonical_uuid_form_names_the_keys_tenant(
    probe: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    tenant_id = tenant_keys.tenant.id
    answers = []
    for reference in ("globex", f"{{{tenant_id}}}", tenant_id.hex, f"urn:uuid:{tenant_id}"):
        response = await probe.get(PROBE.format(reference), headers=tenant_keys.headers)
        error = assert_error(response, 403, "tenant_forbidden")
        answers.append((error["message"], error["details"]))
    assert len(set(answers)) == 1


async def test_missing_scope_is_403_naming_the_scope(
    probe: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    reader = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:read"])
    response = await probe.post(
        "/v1/tenants/acme/probe", json={"probeItems": []}, headers=bearer(reader)
    )
    error = assert_error(response, 403, "insufficient_scope")
    assert error["details"] == {"requiredScope": "reports:write"}


async def test_write_scope_does_not_imply_read(
    probe: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    writer = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:write"])
    response = await probe.post(
        "/v1/tenants/acme/probe", json={"probeItems": []}, headers=bearer(writer)
    )
    assert response.status_code == 200


async def test_verified_key_is_served_from_cache_without_a_query(
    probe: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    statements: list[str] = []
    app_engine = runtime_of(probe).db.engine

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(app_engine.sync_engine, "before_cursor_execute", record)
    try:
        await probe.get(PROBE.format("acme"), headers=tenant_keys.headers)
        first = len(statements)
        statements.clear()
        await probe.get(PROBE.format("acme"), headers=tenant_keys.headers)
    finally:
        event.remove(app_engine.sync_engine, "before_cursor_execute", record)
    assert first >= 3  # key lookup, lastUsedAt, the route's own query
    assert statements == ["SELECT 1"]


async def test_revocation_by_another_process_applies_within_the_cache_bound(
    database_url: str, redis_url: str, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    bound = 0.5
    quick = make_settings(database_url, redis_url, api_key_cache_seconds=bound)
    async with serve(quick, customize=mount_probe) as api:
        assert (await api.get(PROBE.format("acme"), headers=tenant_keys.headers)).status_code == 200
        async with db.unit_of_work() as session:  # another process: the CLI, say
            await tenants.revoke_key(
                session, tenant_id=tenant_keys.tenant.id, prefix=tenant_keys.key.split("_")[1]
            )
        await asyncio.sleep(bound + 0.1)
        response = await api.get(PROBE.format("acme"), headers=tenant_keys.headers)
    assert_error(response, 401, "unauthenticated")


async def test_last_used_at_is_recorded_at_most_once_a_minute(
    probe: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    prefix = tenant_keys.key.split("_")[1]

    async def last_used() -> object:
        async with db.unit_of_work() as session:
            return await session.scalar(select(ApiKey.last_used_at).where(ApiKey.prefix == prefix))

    assert await last_used() is None
    await probe.get(PROBE.format("acme"), headers=tenant_keys.headers)
    first = await last_used()
    assert first is not None
    await probe.get(PROBE.format("acme"), headers=tenant_keys.headers)
    assert await last_used() == first


async def test_last_used_write_is_skipped_when_another_process_wrote_recently(
    tenant_keys: Keys, db: Database
) -> None:
    prefix = tenant_keys.key.split("_")[1]
    now = utc_now()
    async with db.unit_of_work() as session:
        key = await session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        assert key is not None
        await repository.touch_last_used(session, key.id, now, not_since=now - timedelta(minutes=1))
        later = now + timedelta(seconds=30)
        await repository.touch_last_used(
            session, key.id, later, not_since=later - timedelta(minutes=1)
        )
        await session.refresh(key)
        assert key.last_used_at == now
