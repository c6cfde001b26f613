"""Webhook endpoints in GraphQL (read-only: the front end manages them through REST)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.webhooks import repository as endpoints
from schema.context import Context
from schema.types import WebhookEndpoint

MAX_ENDPOINTS = 1000


@strawberry.type
class WebhookQueries:
    @strawberry.field
    async def webhook_endpoints(self, info: Info[Context, None]) -> list[WebhookEndpoint]:
        who = info.context.require("webhooks:read")
        async with info.context.runtime.db.unit_of_work() as session:
            rows = await endpoints.list_endpoints(
                session, who.tenant_id, after=None, limit=MAX_ENDPOINTS
            )
        return [WebhookEndpoint.of(row) for row in rows]
