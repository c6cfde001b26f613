"""Webhook endpoints in GraphQL (read-only: the front end manages them through REST)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.webhooks import service as webhooks
from schema.context import Context
from schema.types import WebhookEndpoint


@strawberry.type
class WebhookQueries:
    @strawberry.field
    async def webhook_endpoints(self, info: Info[Context, None]) -> list[WebhookEndpoint]:
        who = info.context.require("webhooks:read")
        async with info.context.runtime.db.unit_of_work() as session:
            rows = await webhooks.all_endpoints(session, tenant_id=who.tenant_id)
        return [WebhookEndpoint.of(row) for row in rows]
