"""Webhook mutations: thin resolvers over app.webhooks' services, each idempotent by its
`idempotencyKey` through the store REST uses (CONTRACT.md §4, §15).

Each answer is stored as the REST route stores its own (the same envelope, a secret sealed),
under a fingerprint of `GRAPHQL`, the mutation's name and its arguments: a key already used on
REST (or by another mutation, or with other arguments) is `idempotency_key_reused`.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from app.idempotency.idempotent import Idempotent
from app.idempotency.service import StoredResponse, stored_json
from app.outbox.events import EventOrigin
from app.tenants.auth import Principal
from app.webhooks import recovery as recoveries
from app.webhooks import service as webhooks
from app.webhooks.recovery_schemas import RecoverIn, RecoveryEnvelope, RecoveryOut
from app.webhooks.schemas import (
    DeliveryEnvelope,
    DeliveryOut,
    EndpointCreatedEnvelope,
    EndpointEnvelope,
    EndpointIn,
    EndpointOut,
    EndpointPatchIn,
    EndpointWithSecretOut,
    SecretRotationEnvelope,
    SecretRotationOut,
)
from app.webhooks.secrets import SecretBox
from schema import described
from schema.context import Context
from schema.inputs import IDEMPOTENCY_KEY, camel_dict, idempotent_mutation, run_idempotent
from schema.types import WebhookDelivery, WebhookEndpoint
from schema.webhook_inputs import canonical_id, checked_url, given_fields, validated_input
from schema.webhook_types import (
    CreateWebhookEndpointInput,
    CreateWebhookEndpointPayload,
    DeleteWebhookEndpointPayload,
    EndpointId,
    RecoverWebhookEndpointInput,
    RotateWebhookEndpointSecretPayload,
    UpdateWebhookEndpointInput,
    WebhookRecovery,
)

WRITE = "webhooks:write"
IdempotencyKey = Annotated[str | None, IDEMPOTENCY_KEY]


def _revealed(document: dict[str, Any], box: SecretBox) -> str:
    """The plain secret of a stored answer, which holds only its sealed form."""
    secret: str = box.decrypt(document["data"]["secret"])
    return secret


def _write_once(
    context: Context, operation: str, document: dict[str, Any], idempotency_key: str | None
) -> tuple[Principal, Idempotent]:
    """The caller, who needs webhooks:write, and the mutation's run once per idempotency key."""
    who = context.require(WRITE)
    idempotent = idempotent_mutation(
        context, operation=operation, document=document, idempotency_key=idempotency_key
    )
    return who, idempotent


@strawberry.type
class WebhookMutations:
    @described.mutation(
        description="Register a webhook endpoint (as POST .../webhook-endpoints); its signing "
        "secret is in this answer only."
    )
    async def create_webhook_endpoint(
        self,
        info: Info[Context, None],
        input: Annotated[
            CreateWebhookEndpointInput, strawberry.argument(description="The new endpoint.")
        ],
        idempotency_key: IdempotencyKey = None,
    ) -> CreateWebhookEndpointPayload:
        context = info.context
        arguments: dict[str, Any] = {"input": camel_dict(input)}
        who, idempotent = _write_once(context, "createWebhookEndpoint", arguments, idempotency_key)
        body = validated_input(EndpointIn, arguments["input"])
        settings = context.runtime.settings
        url = await checked_url(body.url, settings)
        box = webhooks.secret_box(settings)

        async def effect(session: AsyncSession) -> StoredResponse:
            endpoint = await webhooks.create_endpoint(
                session,
                tenant_id=who.tenant_id,
                url=url,
                event_types=body.event_types,
                description=body.description,
                ordering=body.ordering,
                max_deliveries_per_second=body.max_deliveries_per_second,
                box=box,
            )
            created = EndpointWithSecretOut(
                **EndpointOut.model_validate(endpoint).model_dump(),
                secret=endpoint.secret_encrypted,
            )
            return stored_json(201, EndpointCreatedEnvelope(data=created))

        document = await run_idempotent(idempotent, effect)
        return CreateWebhookEndpointPayload(
            endpoint=WebhookEndpoint.of(document["data"]), secret=_revealed(document, box)
        )

    @described.mutation(
        description="Change the fields given (as PATCH .../webhook-endpoints/{id}); not_found "
        "for an id the tenant does not have."
    )
    async def update_webhook_endpoint(
        self,
        info: Info[Context, None],
        id: EndpointId,
        input: Annotated[
            UpdateWebhookEndpointInput, strawberry.argument(description="The changes.")
        ],
        idempotency_key: IdempotencyKey = None,
    ) -> WebhookEndpoint:
        context = info.context
        arguments: dict[str, Any] = {"id": canonical_id(id), "input": given_fields(input)}
        who, idempotent = _write_once(context, "updateWebhookEndpoint", arguments, idempotency_key)
        changes = validated_input(EndpointPatchIn, arguments["input"])
        url = (
            await checked_url(changes.url, context.runtime.settings)
            if changes.url is not None
            else None
        )
        endpoint_id = webhooks.parse_endpoint_id(str(id))

        async def effect(session: AsyncSession) -> StoredResponse:
            endpoint = await webhooks.update_endpoint(
                session,
                tenant_id=who.tenant_id,
                endpoint_id=endpoint_id,
                changes=changes,
                url=url,
            )
            return stored_json(200, EndpointEnvelope(data=EndpointOut.model_validate(endpoint)))

        document = await run_idempotent(idempotent, effect)
        return WebhookEndpoint.of(document["data"])

    @described.mutation(
        description="Delete an endpoint and its delivery log (as DELETE "
        ".../webhook-endpoints/{id}); not_found for an id the tenant does not have."
    )
    async def delete_webhook_endpoint(
        self,
        info: Info[Context, None],
        id: EndpointId,
        idempotency_key: IdempotencyKey = None,
    ) -> DeleteWebhookEndpointPayload:
        context = info.context
        who, idempotent = _write_once(
            context, "deleteWebhookEndpoint", {"id": canonical_id(id)}, idempotency_key
        )
        endpoint_id = webhooks.parse_endpoint_id(str(id))

        async def effect(session: AsyncSession) -> StoredResponse:
            await webhooks.delete_endpoint(
                session, tenant_id=who.tenant_id, endpoint_id=endpoint_id
            )
            body = json.dumps({"data": {"id": str(endpoint_id)}}).encode()
            return StoredResponse(200, body)

        document = await run_idempotent(idempotent, effect)
        return DeleteWebhookEndpointPayload(id=strawberry.ID(document["data"]["id"]))

    @described.mutation(
        description="A new signing secret for the endpoint (as POST .../rotate-secret); the "
        "previous one keeps signing beside it for 24 hours."
    )
    async def rotate_webhook_endpoint_secret(
        self,
        info: Info[Context, None],
        id: EndpointId,
        idempotency_key: IdempotencyKey = None,
    ) -> RotateWebhookEndpointSecretPayload:
        context = info.context
        who, idempotent = _write_once(
            context, "rotateWebhookEndpointSecret", {"id": canonical_id(id)}, idempotency_key
        )
        endpoint_id = webhooks.parse_endpoint_id(str(id))
        box = webhooks.secret_box(context.runtime.settings)

        async def effect(session: AsyncSession) -> StoredResponse:
            endpoint = await webhooks.rotate_secret(
                session, tenant_id=who.tenant_id, endpoint_id=endpoint_id, box=box
            )
            assert endpoint.previous_secret_expires_at is not None
            rotation = SecretRotationOut(
                secret=endpoint.secret_encrypted,
                previous_secret_expires_at=endpoint.previous_secret_expires_at,
            )
            return stored_json(200, SecretRotationEnvelope(data=rotation))

        document = await run_idempotent(idempotent, effect)
        document["data"]["secret"] = _revealed(document, box)
        return RotateWebhookEndpointSecretPayload.of(document["data"])

    @described.mutation(
        description="Send a dead delivery again from the start of its retry schedule (as POST "
        ".../webhook-deliveries/{id}/retry); a delivery that is not dead is a conflict."
    )
    async def retry_webhook_delivery(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The delivery's id.")],
        idempotency_key: IdempotencyKey = None,
    ) -> WebhookDelivery:
        context = info.context
        who, idempotent = _write_once(
            context, "retryWebhookDelivery", {"id": canonical_id(id)}, idempotency_key
        )
        delivery_id = webhooks.parse_delivery_id(str(id))

        async def effect(session: AsyncSession) -> StoredResponse:
            delivery = await webhooks.retry_delivery(
                session, tenant_id=who.tenant_id, delivery_id=delivery_id
            )
            return stored_json(202, DeliveryEnvelope(data=DeliveryOut.model_validate(delivery)))

        document = await run_idempotent(idempotent, effect)
        return WebhookDelivery.of(document["data"])

    @described.mutation(
        description="Send the endpoint's dead and skipped deliveries of a window back to "
        "pending (as POST .../recover); the worker does it in batches: follow it with "
        "webhookRecovery(id). Its dry run is the query webhookRecoveryPreview. A disabled "
        "endpoint is a conflict."
    )
    async def recover_webhook_endpoint(
        self,
        info: Info[Context, None],
        id: EndpointId,
        input: Annotated[
            RecoverWebhookEndpointInput,
            strawberry.argument(description="The deliveries to recover."),
        ],
        idempotency_key: IdempotencyKey = None,
    ) -> WebhookRecovery:
        context = info.context
        arguments: dict[str, Any] = {"id": canonical_id(id), "input": camel_dict(input)}
        who, idempotent = _write_once(context, "recoverWebhookEndpoint", arguments, idempotency_key)
        body = validated_input(RecoverIn, arguments["input"])
        window = recoveries.window(
            webhooks.parse_endpoint_id(str(id)),
            since=body.since,
            until=body.until,
            statuses=body.delivery_statuses,
        )

        async def effect(session: AsyncSession) -> StoredResponse:
            recovery = await recoveries.start_recovery(
                session, tenant_id=who.tenant_id, window=window
            )
            return stored_json(202, RecoveryEnvelope(data=RecoveryOut.model_validate(recovery)))

        document = await run_idempotent(idempotent, effect)
        return WebhookRecovery.of(document["data"])

    @described.mutation(
        description="Send a signed `webhook.test` event to this endpoint only, whatever its "
        "eventTypes (as POST .../test); the answer is its delivery. A disabled endpoint is a "
        "conflict."
    )
    async def send_test_webhook(
        self,
        info: Info[Context, None],
        id: EndpointId,
        idempotency_key: IdempotencyKey = None,
    ) -> WebhookDelivery:
        context = info.context
        who, idempotent = _write_once(
            context, "sendTestWebhook", {"id": canonical_id(id)}, idempotency_key
        )
        endpoint_id = webhooks.parse_endpoint_id(str(id))

        async def effect(session: AsyncSession) -> StoredResponse:
            delivery = await webhooks.send_test_event(
                session,
                tenant_id=who.tenant_id,
                endpoint_id=endpoint_id,
                origin=EventOrigin.of_request(idempotent.key),
            )
            return stored_json(202, DeliveryEnvelope(data=DeliveryOut.model_validate(delivery)))

        document = await run_idempotent(idempotent, effect)
        return WebhookDelivery.of(document["data"])
