"""Test data through the real services; defaults filled in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.config import Settings
from app.tenants import service as tenants
from app.tenants.keys import SCOPES
from db.models.tenant import Tenant
from db.session import Database


@dataclass(frozen=True)
class Keys:
    tenant: Tenant
    key: str
    other_tenant: Tenant
    other_key: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.key)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def make_tenant(db: Database, *, slug: str = "acme", name: str | None = None) -> Tenant:
    async with db.unit_of_work() as session:
        return await tenants.create_tenant(session, slug=slug, name=name or slug.title())


async def make_key(
    db: Database,
    settings: Settings,
    tenant: Tenant,
    *,
    scopes: Sequence[str] = SCOPES,
    expires_in_days: int | None = None,
) -> str:
    async with db.unit_of_work() as session:
        issued = await tenants.issue_key(
            session,
            pepper=settings.pepper,
            tenant_id=tenant.id,
            name="test",
            scopes=scopes,
            expires_in_days=expires_in_days,
        )
    return issued.key
