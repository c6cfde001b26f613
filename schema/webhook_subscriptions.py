"""Webhook deliveries as they change, over GraphQL subscriptions (docs/GRAPHQL-SUBSCRIPTIONS.md)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.webhooks import live
from app.webhooks import service as webhooks
from schema import described
from schema.context import Context
from schema.types import WebhookDelivery

# How long one wait for a published change lasts (Redis down: how often listening is retried).
WAIT_SECONDS = 5.0


@strawberry.type
class WebhookSubscriptions:
    @described.subscription(
        "Each change of a delivery to this endpoint, in its new state: created "
        "(PENDING, or SKIPPED while the endpoint is disabled), each attempt recorded (still "
        "PENDING with its next attempt, DELIVERED or DEAD), and sent back to PENDING by a retry "
        "or a recovery. The stream does not end on its own and sends no current state first: "
        "query the endpoint's deliveries, then apply these changes. Needs scope "
        "`webhooks:read`; an endpoint this tenant does not have is a `not_found` error."
    )
    async def webhook_delivery_updated(
        self,
        info: Info[Context, None],
        endpoint_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The id of one of the tenant's webhook endpoints."),
        ],
    ) -> AsyncGenerator[WebhookDelivery, None]:
        context = info.context
        who = context.require("webhooks:read")
        runtime = context.runtime
        parsed_id = webhooks.parse_endpoint_id(str(endpoint_id))
        # Checked before the stream starts, so an unknown endpoint (another tenant's included)
        # is the protocol's `error` message rather than a stream.
        async with runtime.db.unit_of_work() as session:
            await webhooks.get_endpoint(session, tenant_id=who.tenant_id, endpoint_id=parsed_id)
        updates = live.DeliveryUpdates(runtime.redis, who.tenant_id, parsed_id)
        await updates.open()
        return _each_change(updates)


async def _each_change(updates: live.DeliveryUpdates) -> AsyncGenerator[WebhookDelivery, None]:
    """Each delivery state published on the endpoint's channel, until the client stops
    listening."""
    try:
        while True:
            for delivery in await updates.next_changes(within=WAIT_SECONDS):
                yield WebhookDelivery.of(delivery)
    finally:
        await updates.close()
