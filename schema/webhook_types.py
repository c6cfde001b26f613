"""GraphQL types of the webhook management operations (CONTRACT.md §14, §15): recoveries, the
mutations' payloads and inputs, the event-type catalog and API keys.

Outputs are derived from the REST output models, whose field descriptions they carry (a
description given here instead is ignored by Strawberry's Pydantic integration). Inputs
are written out: they are validated through the REST input models (schema/webhook_inputs.py),
so their rules live there once.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.experimental.pydantic import type as from_model
from strawberry.scalars import JSON

from app.event_types.schemas import EventTypeOut
from app.tenants.schemas import ApiKeyOut
from app.webhooks.recovery_schemas import RecoveryOut, RecoveryPreviewOut
from app.webhooks.schemas import SecretRotationOut
from db.models.webhook_endpoint import Ordering
from schema.types import WebhookDeliveryStatus, WebhookEndpoint, _FromOutputModel, _FromRow

# The argument naming an endpoint, in queries and mutations alike.
EndpointId = Annotated[strawberry.ID, strawberry.argument(description="The endpoint's id.")]


@strawberry.enum(name="WebhookRecoveryStatus", description="Where a recovery of deliveries stands.")
class WebhookRecoveryStatus(Enum):
    RUNNING = strawberry.enum_value(
        "running", description="The worker is sending the matching deliveries back to pending."
    )
    COMPLETED = strawberry.enum_value(
        "completed", description="Every matching delivery was handled."
    )
    FAILED = strawberry.enum_value(
        "failed", description="The endpoint was disabled or deleted before it was done."
    )


@from_model(
    model=RecoveryOut,
    all_fields=True,
    description="A recovery of an endpoint's dead or skipped deliveries, carried out by the "
    "worker in batches.",
)
class WebhookRecovery(_FromOutputModel):
    id: strawberry.ID
    endpoint_id: strawberry.ID
    status: WebhookRecoveryStatus


@from_model(
    model=RecoveryPreviewOut,
    all_fields=True,
    description="What a recovery started now would do (a dry run): nothing is changed.",
)
class WebhookRecoveryPreview(_FromOutputModel):
    sample: list[strawberry.ID]


@strawberry.type(description="A new endpoint and its signing secret.")
class CreateWebhookEndpointPayload:
    endpoint: WebhookEndpoint = strawberry.field(description="The endpoint, enabled.")
    secret: str = strawberry.field(
        description="The endpoint's signing secret (`whsec_...`): shown in this answer (and "
        "its idempotent replays) only."
    )


@strawberry.type(description="The endpoint that was deleted, with its delivery log.")
class DeleteWebhookEndpointPayload:
    id: strawberry.ID = strawberry.field(description="The deleted endpoint's id.")


@from_model(
    model=SecretRotationOut,
    all_fields=True,
    description="An endpoint's new signing secret; the previous one signs beside it for 24 hours.",
)
class RotateWebhookEndpointSecretPayload(_FromOutputModel):
    pass


@from_model(
    model=EventTypeOut,
    all_fields=True,
    description="An event type AetherFlow sends to webhook endpoints (the catalog of GET "
    "/v1/event-types).",
)
class EventType(_FromOutputModel):
    json_schema: JSON


@from_model(
    model=ApiKeyOut,
    all_fields=True,
    description="One of the tenant's API keys: never the key nor its hash.",
)
class ApiKey(_FromRow):
    pass


@strawberry.input(description="A new webhook endpoint (as the body of the REST POST).")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description="Where deliveries are POSTed: https (http only where allowed), a public host."
    )
    event_types: list[str] | None = strawberry.field(
        default=None,
        description="The event types to send (the eventTypes catalog); null for every type.",
    )
    description: str | None = strawberry.field(
        default=None, description="What the endpoint is for (up to 1000 characters)."
    )
    ordering: Ordering | None = strawberry.field(
        default=None,
        description="PER_RESOURCE: deliveries about one resource are sent in event order. "
        "Null: NONE.",
    )
    max_deliveries_per_second: int | None = strawberry.field(
        default=None, description="A cap on the delivery rate (1..1000); null for none."
    )


@strawberry.input(
    description="Changes to an endpoint: only the fields given change (as the REST PATCH)."
)
class UpdateWebhookEndpointInput:
    url: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new URL (checked as on creation); not null."
    )
    event_types: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="The event types to send; null for every type."
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="What the endpoint is for; null clears it."
    )
    enabled: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="false disables it by hand (disabledReason MANUAL); true enables it and "
        "clears disabledAt. Not null.",
    )
    ordering: Ordering | None = strawberry.field(
        default=strawberry.UNSET, description="The delivery ordering; not null."
    )
    max_deliveries_per_second: int | None = strawberry.field(
        default=strawberry.UNSET, description="A cap on the delivery rate (1..1000); null: none."
    )


@strawberry.input(
    description="The deliveries to recover: the endpoint's deliveries created in [since, until) "
    "whose status is among `statuses`."
)
class RecoverWebhookEndpointInput:
    since: datetime = strawberry.field(description="Created at or after this moment.")
    until: datetime | None = strawberry.field(
        default=None, description="Created before this moment; null: the moment of the request."
    )
    statuses: list[WebhookDeliveryStatus] | None = strawberry.field(
        default=None, description="A non-empty subset of DEAD and SKIPPED; null: both."
    )
