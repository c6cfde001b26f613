"""Webhook endpoints and recoveries in GraphQL: queries, through app.webhooks' services."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from app.core.errors import NotFound
from app.core.ids import parse_id
from app.webhooks import recovery as recoveries
from app.webhooks import service as webhooks
from app.webhooks.recovery_schemas import RecoverIn
from schema import described
from schema.context import Context
from schema.inputs import camel_dict
from schema.pagination import After, Before, First, Last
from schema.types import (
    WebhookDeliveryConnection,
    WebhookDeliveryFilter,
    WebhookEndpoint,
    delivery_connection,
)
from schema.webhook_inputs import validated_input
from schema.webhook_types import (
    EndpointId,
    RecoverWebhookEndpointInput,
    WebhookRecovery,
    WebhookRecoveryPreview,
)


@strawberry.type
class WebhookQueries:
    @described.field("Every webhook endpoint of the tenant, oldest first. Needs webhooks:read.")
    async def webhook_endpoints(self, info: Info[Context, None]) -> list[WebhookEndpoint]:
        who = info.context.require("webhooks:read")
        async with info.context.runtime.db.unit_of_work() as session:
            rows = await webhooks.all_endpoints(session, tenant_id=who.tenant_id)
        return [WebhookEndpoint.of(row) for row in rows]

    @described.field(
        description="One of the tenant's webhook endpoints; null when it has none with this id."
    )
    async def webhook_endpoint(
        self, info: Info[Context, None], id: EndpointId
    ) -> WebhookEndpoint | None:
        who = info.context.require("webhooks:read")
        if (endpoint_id := parse_id(str(id))) is None:
            return None
        async with info.context.runtime.db.unit_of_work() as session:
            try:
                row = await webhooks.get_endpoint(
                    session, tenant_id=who.tenant_id, endpoint_id=endpoint_id
                )
            except NotFound:
                return None
        return WebhookEndpoint.of(row)

    @described.field(
        description="A recovery of deliveries (recoverWebhookEndpoint started it); null when "
        "the tenant has none with this id."
    )
    async def webhook_recovery(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The recovery's id.")],
    ) -> WebhookRecovery | None:
        who = info.context.require("webhooks:read")
        if (recovery_id := parse_id(str(id))) is None:
            return None
        async with info.context.runtime.db.unit_of_work() as session:
            try:
                row = await recoveries.get_recovery(
                    session, tenant_id=who.tenant_id, recovery_id=recovery_id
                )
            except NotFound:
                return None
        return WebhookRecovery.of(row)

    @described.field(
        description="A dry run of recoverWebhookEndpoint: how many deliveries it would send "
        "back to pending now, and a sample of their ids. Changes nothing; needs "
        "webhooks:write, as the REST dry run. An unknown endpoint is not_found, a disabled "
        "one a conflict."
    )
    async def webhook_recovery_preview(
        self,
        info: Info[Context, None],
        endpoint_id: EndpointId,
        input: Annotated[
            RecoverWebhookEndpointInput,
            strawberry.argument(description="The deliveries a recovery would take."),
        ],
    ) -> WebhookRecoveryPreview:
        who = info.context.require("webhooks:write")
        body = validated_input(RecoverIn, {**camel_dict(input), "dryRun": True})
        window = recoveries.window(
            webhooks.parse_endpoint_id(str(endpoint_id)),
            since=body.since,
            until=body.until,
            statuses=body.delivery_statuses,
        )
        async with info.context.runtime.db.unit_of_work() as session:
            preview = await recoveries.preview_recovery(
                session, tenant_id=who.tenant_id, window=window
            )
        return WebhookRecoveryPreview.of(preview)

    @described.field(
        "The tenant's webhook deliveries, newest first (by createdAt, then id), "
        "filtered as the REST list `GET /v1/tenants/{t}/webhook-deliveries` is. "
        "Needs webhooks:read."
    )
    async def webhook_deliveries(
        self,
        info: Info[Context, None],
        *,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            WebhookDeliveryFilter | None,
            strawberry.argument(description="Filters; every one given must hold."),
        ] = None,
    ) -> WebhookDeliveryConnection:
        return await delivery_connection(info.context, filter, (first, after, last, before))
