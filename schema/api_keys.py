"""The tenant's API keys in GraphQL, as `aetherflow keys list` shows them (never a hash)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.tenants import service as tenants
from schema import described
from schema.context import Context
from schema.webhook_types import ApiKey


@strawberry.type
class ApiKeyQueries:
    @described.field(
        description="The tenant's API keys, oldest first, revoked and expired ones included. "
        "Any authenticated caller of the tenant may list them: no scope is needed."
    )
    async def api_keys(self, info: Info[Context, None]) -> list[ApiKey]:
        principal = info.context.principal
        assert principal is not None, "authenticated before any resolver runs"
        async with info.context.runtime.db.unit_of_work() as session:
            rows = await tenants.list_keys(session, tenant_id=principal.tenant_id)
        return [ApiKey.of(row) for row in rows]
