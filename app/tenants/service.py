"""Tenants and API keys: create, resolve, issue, list, revoke, seed."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.ids import parse_id, spells_a_uuid
from app.core.time import utc_now
from app.tenants import repository
from app.tenants.keys import SCOPES, generate_key, hash_key
from app.tenants.revocations import KeyRevoked
from db.models.api_key import ApiKey
from db.models.tenant import Tenant
from db.session import after_commit

TENANT_SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
DEMO_TENANT_SLUG = "demo"
PREFIX_ATTEMPTS = 3


@dataclass(frozen=True)
class IssuedKey:
    """A newly created key: the only moment the full key exists outside the client."""

    record: ApiKey
    key: str


def parse_tenant_reference(reference: str) -> uuid.UUID | str | None:
    """A tenant UUID, a slug, or None when the text can be neither."""
    if (tenant_id := parse_id(reference)) is not None:
        return tenant_id
    return reference if TENANT_SLUG_PATTERN.match(reference) else None


async def create_tenant(session: AsyncSession, *, slug: str, name: str) -> Tenant:
    """Create a tenant; raise Conflict when the slug is taken."""
    tenant = await _insert_tenant(session, slug=slug, name=name)
    if tenant is None:
        raise Conflict(f"A tenant with the slug {slug!r} already exists.")
    return tenant


async def resolve_tenant(session: AsyncSession, reference: str) -> Tenant:
    """The tenant named by UUID or slug, or NotFound."""
    parsed = parse_tenant_reference(reference)
    tenant = await repository.find_tenant(session, parsed) if parsed is not None else None
    if tenant is None:
        raise NotFound("tenant")
    return tenant


async def list_tenants(session: AsyncSession) -> Sequence[Tenant]:
    """Every tenant, by slug."""
    return await repository.list_tenants(session)


async def issue_key(
    session: AsyncSession,
    *,
    pepper: bytes,
    tenant_id: uuid.UUID,
    name: str,
    scopes: Sequence[str],
    expires_in_days: int | None = None,
) -> IssuedKey:
    """Create an API key; the full key is returned once and only its HMAC is stored."""
    problems = _key_problems(name, scopes, expires_in_days)
    if problems:
        raise ValidationFailed(details=problems)
    expires_at = utc_now() + timedelta(days=expires_in_days) if expires_in_days else None
    for attempt in range(PREFIX_ATTEMPTS):
        prefix, key = generate_key()
        record = ApiKey(
            tenant_id=tenant_id,
            name=name.strip(),
            prefix=prefix,
            key_hash=hash_key(pepper, key),
            scopes=sorted(set(scopes), key=SCOPES.index),
            expires_at=expires_at,
        )
        try:
            async with session.begin_nested():
                session.add(record)
        except IntegrityError:
            if attempt == PREFIX_ATTEMPTS - 1:
                raise
            continue
        return IssuedKey(record, key)
    raise AssertionError("unreachable")


async def list_keys(session: AsyncSession, *, tenant_id: uuid.UUID) -> Sequence[ApiKey]:
    """The tenant's keys, oldest first."""
    return await repository.list_keys(session, tenant_id)


async def revoke_key(session: AsyncSession, *, tenant_id: uuid.UUID, prefix: str) -> ApiKey:
    """Revoke the tenant's key with this prefix; revoking twice is harmless.

    Once committed, it is announced (KeyRevoked), so every API process evicts the key from
    its cache at once (app/tenants/revocations.py); a repeat announces it again.
    """
    key = await repository.revoke_key(session, tenant_id, prefix, utc_now())
    if key is None:
        raise NotFound("API key")
    after_commit(session, KeyRevoked(key.prefix))
    return key


async def seed_demo(session: AsyncSession, *, pepper: bytes) -> tuple[Tenant, IssuedKey | None]:
    """The demo tenant; a full-scope key only on the run that created the tenant."""
    created = await _insert_tenant(session, slug=DEMO_TENANT_SLUG, name="Demo")
    if created is None:
        return await resolve_tenant(session, DEMO_TENANT_SLUG), None
    issued = await issue_key(
        session, pepper=pepper, tenant_id=created.id, name="demo", scopes=SCOPES
    )
    return created, issued


async def _insert_tenant(session: AsyncSession, *, slug: str, name: str) -> Tenant | None:
    problems = []
    if not TENANT_SLUG_PATTERN.match(slug) or spells_a_uuid(slug):
        problems.append({"path": "slug", "message": "must match ^[a-z0-9][a-z0-9-]{1,62}$"})
    if not name.strip() or len(name) > 200:
        problems.append({"path": "name", "message": "must be 1 to 200 characters"})
    if problems:
        raise ValidationFailed(details=problems)
    statement = (
        insert(Tenant)
        .values(id=uuid.uuid4(), slug=slug, name=name.strip())
        .on_conflict_do_nothing(index_elements=[Tenant.slug])
        .returning(Tenant)
    )
    return await session.scalar(statement)


def _key_problems(
    name: str, scopes: Sequence[str], expires_in_days: int | None
) -> list[dict[str, str]]:
    problems = []
    if not name.strip() or len(name) > 200:
        problems.append({"path": "name", "message": "must be 1 to 200 characters"})
    unknown = sorted(set(scopes) - set(SCOPES))
    if not scopes or unknown:
        problems.append(
            {"path": "scopes", "message": f"must be a non-empty list of: {', '.join(SCOPES)}"}
        )
    if expires_in_days is not None and expires_in_days < 1:
        problems.append({"path": "expiresInDays", "message": "must be a whole number >= 1"})
    return problems
