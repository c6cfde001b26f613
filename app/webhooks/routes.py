"""REST routes for webhook endpoints and deliveries (CONTRACT.md §8): parse, call the service,
render."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from typing import Annotated, NamedTuple

from fastapi import APIRouter, Depends, Query, Security
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from app.api.body import json_body, optional_json_body
from app.api.deps import RuntimeDep, api_key
from app.api.idempotency import Idempotency, respond
from app.api.operation_docs import documented
from app.api.paging import Paging
from app.core.errors import Conflict, NotFound
from app.http.paths import TENANT_PREFIX
from app.idempotency.service import Outcome, StoredResponse, stored_json
from app.outbox.events import EventOrigin
from app.tenants.auth import Principal
from app.webhooks import recovery as recoveries
from app.webhooks import service as webhooks
from app.webhooks import stats as delivery_stats
from app.webhooks.delivery_filters import DeliveryFilters
from app.webhooks.recovery_schemas import (
    RecoverIn,
    RecoveryEnvelope,
    RecoveryOut,
    RecoveryPreviewEnvelope,
    RecoveryPreviewOut,
)
from app.webhooks.schemas import (
    DeliveryEnvelope,
    DeliveryOut,
    DeliveryPageOut,
    DeliveryStatsEnvelope,
    DeliveryStatsOut,
    EndpointCreatedEnvelope,
    EndpointEnvelope,
    EndpointIn,
    EndpointOut,
    EndpointPageOut,
    EndpointPatchIn,
    EndpointWithSecretOut,
    EventType,
    NoInput,
    RequestId,
    Rfc3339,
    SecretRotationEnvelope,
    SecretRotationOut,
)
from app.webhooks.secrets import SecretBox
from app.webhooks.ssrf import CheckedUrl
from db.models.webhook_delivery import DeliveryStatus
from db.models.webhook_endpoint import WebhookEndpoint

router = APIRouter(prefix=TENANT_PREFIX, tags=["webhooks"])
ENDPOINTS = "/webhook-endpoints"
ENDPOINT = f"{ENDPOINTS}/{{endpoint_id}}"
RECOVERIES = "/webhook-recoveries"

WebhooksReader = Annotated[Principal, Security(api_key, scopes=["webhooks:read"])]
WebhooksWriter = Annotated[Principal, Security(api_key, scopes=["webhooks:write"])]
NoBody = Annotated[NoInput, Depends(optional_json_body(NoInput))]


class _NewEndpoint(NamedTuple):
    body: EndpointIn
    url: CheckedUrl


class _EndpointChanges(NamedTuple):
    body: EndpointPatchIn
    url: CheckedUrl | None


async def _new_endpoint(
    body: Annotated[EndpointIn, Depends(json_body(EndpointIn))], runtime: RuntimeDep
) -> _NewEndpoint:
    return _NewEndpoint(body, await webhooks.check_url(body.url, runtime.settings))


async def _endpoint_changes(
    body: Annotated[EndpointPatchIn, Depends(json_body(EndpointPatchIn))], runtime: RuntimeDep
) -> _EndpointChanges:
    if body.url is None:
        return _EndpointChanges(body, None)
    return _EndpointChanges(body, await webhooks.check_url(body.url, runtime.settings))


# The URL check resolves the host: it runs with validation, before any transaction is open.
NewEndpoint = Annotated[_NewEndpoint, Depends(_new_endpoint)]
EndpointChanges = Annotated[_EndpointChanges, Depends(_endpoint_changes)]


@router.post(ENDPOINTS, status_code=201, response_model=EndpointCreatedEnvelope)
@documented(success_headers=("Location",))
async def create_webhook_endpoint(
    who: WebhooksWriter, idempotent: Idempotency, new: NewEndpoint, runtime: RuntimeDep
) -> Response:
    """Register an endpoint. Its signing secret is shown in this response only."""
    box = webhooks.secret_box(runtime.settings)

    async def effect(session: AsyncSession) -> StoredResponse:
        endpoint = await webhooks.create_endpoint(
            session,
            tenant_id=who.tenant_id,
            url=new.url,
            event_types=new.body.event_types,
            description=new.body.description,
            ordering=new.body.ordering,
            max_deliveries_per_second=new.body.max_deliveries_per_second,
            box=box,
        )
        # The secret goes in sealed (its Fernet token); _revealing_secret opens it when sent.
        created = EndpointWithSecretOut(
            **EndpointOut.model_validate(endpoint).model_dump(), secret=endpoint.secret_encrypted
        )
        location = f"/v1/tenants/{who.tenant_id}{ENDPOINTS}/{endpoint.id}"
        return stored_json(201, EndpointCreatedEnvelope(data=created), {"Location": location})

    outcome = await idempotent.run(effect)
    return respond(_revealing_secret(outcome, box))


@router.get(ENDPOINTS)
async def list_webhook_endpoints(
    who: WebhooksReader,
    runtime: RuntimeDep,
    paging: Paging,
) -> EndpointPageOut:
    """The tenant's endpoints, oldest first (by createdAt, then id)."""
    async with runtime.db.unit_of_work() as session:
        page = await webhooks.list_endpoints(session, tenant_id=who.tenant_id, page=paging)
    return EndpointPageOut.of(page)


@router.get(ENDPOINT)
@documented(raises=(NotFound,))
async def get_webhook_endpoint(
    endpoint_id: str, who: WebhooksReader, runtime: RuntimeDep
) -> EndpointEnvelope:
    """One endpoint."""
    async with runtime.db.unit_of_work() as session:
        endpoint = await webhooks.get_endpoint(
            session, tenant_id=who.tenant_id, endpoint_id=webhooks.parse_endpoint_id(endpoint_id)
        )
    return _envelope(endpoint)


@router.patch(ENDPOINT)
@documented(raises=(NotFound,))
async def update_webhook_endpoint(
    endpoint_id: str, who: WebhooksWriter, changes: EndpointChanges, runtime: RuntimeDep
) -> EndpointEnvelope:
    """Change the fields present in the body (url, eventTypes, description, enabled, ordering,
    maxDeliveriesPerSecond). `enabled: false` disables the endpoint by hand (disabledAt, reason
    `manual`); `enabled: true` clears both."""
    async with runtime.db.unit_of_work() as session:
        endpoint = await webhooks.update_endpoint(
            session,
            tenant_id=who.tenant_id,
            endpoint_id=webhooks.parse_endpoint_id(endpoint_id),
            changes=changes.body,
            url=changes.url,
        )
    return _envelope(endpoint)


@router.delete(ENDPOINT, status_code=204)
@documented(raises=(NotFound,))
async def delete_webhook_endpoint(
    endpoint_id: str, who: WebhooksWriter, runtime: RuntimeDep
) -> Response:
    """Delete an endpoint and its delivery log."""
    async with runtime.db.unit_of_work() as session:
        await webhooks.delete_endpoint(
            session, tenant_id=who.tenant_id, endpoint_id=webhooks.parse_endpoint_id(endpoint_id)
        )
    return Response(status_code=204)


@router.post(f"{ENDPOINT}/rotate-secret", response_model=SecretRotationEnvelope)
@documented(raises=(NotFound,))
async def rotate_webhook_secret(
    endpoint_id: str,
    who: WebhooksWriter,
    idempotent: Idempotency,
    no_input: NoBody,
    runtime: RuntimeDep,
) -> Response:
    """A new signing secret; the previous one keeps signing beside it for 24 hours."""
    box = webhooks.secret_box(runtime.settings)

    async def effect(session: AsyncSession) -> StoredResponse:
        endpoint = await webhooks.rotate_secret(
            session,
            tenant_id=who.tenant_id,
            endpoint_id=webhooks.parse_endpoint_id(endpoint_id),
            box=box,
        )
        assert endpoint.previous_secret_expires_at is not None
        # Sealed like the secret of a new endpoint.
        rotation = SecretRotationOut(
            secret=endpoint.secret_encrypted,
            previous_secret_expires_at=endpoint.previous_secret_expires_at,
        )
        return stored_json(200, SecretRotationEnvelope(data=rotation))

    outcome = await idempotent.run(effect)
    return respond(_revealing_secret(outcome, box))


@router.get(f"{ENDPOINT}/deliveries")
@documented(raises=(NotFound,))
async def list_webhook_deliveries(
    endpoint_id: str,
    who: WebhooksReader,
    runtime: RuntimeDep,
    *,
    status: DeliveryStatus | None = None,
    paging: Paging,
) -> DeliveryPageOut:
    """The endpoint's deliveries, newest first (by createdAt, then id), optionally by status."""
    async with runtime.db.unit_of_work() as session:
        page = await webhooks.list_deliveries(
            session,
            tenant_id=who.tenant_id,
            endpoint_id=endpoint_id,
            status=status,
            page=paging,
        )
    return DeliveryPageOut.of(page)


@router.get("/webhook-deliveries")
async def list_tenant_webhook_deliveries(
    who: WebhooksReader,
    runtime: RuntimeDep,
    *,
    endpoint_id: Annotated[uuid.UUID | None, Query(alias="endpointId")] = None,
    status: DeliveryStatus | None = None,
    event_type: Annotated[EventType | None, Query(alias="eventType")] = None,
    event_id: Annotated[uuid.UUID | None, Query(alias="eventId")] = None,
    request_id: Annotated[
        RequestId | None,
        Query(alias="requestId", description="The X-Request-Id of the request that caused it."),
    ] = None,
    resource_id: Annotated[
        uuid.UUID | None,
        Query(alias="resourceId", description="The report or run its event is about."),
    ] = None,
    since: Annotated[
        Rfc3339 | None, Query(description="Created at or after this moment (RFC 3339).")
    ] = None,
    until: Annotated[
        Rfc3339 | None, Query(description="Created before this moment (RFC 3339).")
    ] = None,
    paging: Paging,
) -> DeliveryPageOut:
    """The tenant's deliveries to all its endpoints, newest first (by createdAt, then id),
    filtered by every parameter given. `requestId` finds the deliveries of the events one API
    request caused (its `X-Request-Id`); `resourceId` those about one report or run."""
    filters = DeliveryFilters(
        endpoint_id, status, event_type, event_id, request_id, resource_id, since, until
    )
    async with runtime.db.unit_of_work() as session:
        page = await webhooks.list_tenant_deliveries(
            session, tenant_id=who.tenant_id, filters=filters, page=paging
        )
    return DeliveryPageOut.of(page)


@router.get(f"{ENDPOINT}/stats")
@documented(raises=(NotFound,))
async def get_webhook_endpoint_stats(
    endpoint_id: str,
    who: WebhooksReader,
    runtime: RuntimeDep,
    window: delivery_stats.StatsWindow = delivery_stats.StatsWindow.HOUR,
) -> DeliveryStatsEnvelope:
    """The endpoint's delivery statistics over the last hour (`1h`) or day (`24h`): attempts,
    successes, failures, success rate, p50/p95 latency, the backlog and its oldest delivery's
    age, the last success and failure (docs/WEBHOOKS.md, "Delivery statistics")."""
    async with runtime.db.unit_of_work() as session:
        stats = await delivery_stats.endpoint_stats(
            session,
            tenant_id=who.tenant_id,
            endpoint_id=webhooks.parse_endpoint_id(endpoint_id),
            window=window,
        )
    return DeliveryStatsEnvelope(data=DeliveryStatsOut.model_validate(stats))


@router.post(
    "/webhook-deliveries/{delivery_id}/retry", status_code=202, response_model=DeliveryEnvelope
)
@documented(raises=(NotFound, Conflict))
async def retry_webhook_delivery(
    delivery_id: str,
    who: WebhooksWriter,
    idempotent: Idempotency,
    no_input: NoBody,
    runtime: RuntimeDep,
) -> Response:
    """Send a dead delivery again, from the start of the retry schedule."""
    parsed_id = webhooks.parse_delivery_id(delivery_id)

    async def effect(session: AsyncSession) -> StoredResponse:
        delivery = await webhooks.retry_delivery(
            session, tenant_id=who.tenant_id, delivery_id=parsed_id
        )
        return stored_json(202, DeliveryEnvelope(data=DeliveryOut.model_validate(delivery)))

    outcome = await idempotent.run(effect)
    return respond(outcome)


@router.post(f"{ENDPOINT}/test", status_code=202, response_model=DeliveryEnvelope)
@documented(raises=(NotFound, Conflict))
async def send_webhook_test_event(
    endpoint_id: str,
    who: WebhooksWriter,
    idempotent: Idempotency,
    no_input: NoBody,
    runtime: RuntimeDep,
) -> Response:
    """Send a signed `webhook.test` event (`data`: `{"endpointId"}`) to this endpoint only,
    whatever its eventTypes, through the real delivery path; the answer is its delivery, to
    follow in the delivery log. A disabled endpoint is a conflict."""
    parsed_id = webhooks.parse_endpoint_id(endpoint_id)

    async def effect(session: AsyncSession) -> StoredResponse:
        delivery = await webhooks.send_test_event(
            session,
            tenant_id=who.tenant_id,
            endpoint_id=parsed_id,
            origin=EventOrigin.of_request(idempotent.key),
        )
        return stored_json(202, DeliveryEnvelope(data=DeliveryOut.model_validate(delivery)))

    outcome = await idempotent.run(effect)
    return respond(outcome)


@router.post(
    f"{ENDPOINT}/recover",
    status_code=202,
    response_model=RecoveryEnvelope,
    responses={200: {"model": RecoveryPreviewEnvelope, "description": "A dry run's count."}},
)
@documented(raises=(NotFound, Conflict), success_headers=("Location",))
async def recover_webhook_deliveries(
    endpoint_id: str,
    who: WebhooksWriter,
    idempotent: Idempotency,
    body: Annotated[RecoverIn, Depends(json_body(RecoverIn))],
    runtime: RuntimeDep,
) -> Response:
    """Send the endpoint's dead and skipped deliveries created in [since, until) back to
    pending, each from the start of its schedule. The worker does it in batches: follow the
    recovery at its `Location`. With `dryRun`, only count them (200)."""
    parsed_id = webhooks.parse_endpoint_id(endpoint_id)
    window = recoveries.window(
        parsed_id, since=body.since, until=body.until, statuses=body.delivery_statuses
    )

    async def effect(session: AsyncSession) -> StoredResponse:
        if body.dry_run:
            preview = await recoveries.preview_recovery(
                session, tenant_id=who.tenant_id, window=window
            )
            out = RecoveryPreviewOut(count=preview.count, sample=preview.sample)
            return stored_json(200, RecoveryPreviewEnvelope(data=out))
        recovery = await recoveries.start_recovery(session, tenant_id=who.tenant_id, window=window)
        location = f"/v1/tenants/{who.tenant_id}{RECOVERIES}/{recovery.id}"
        envelope = RecoveryEnvelope(data=RecoveryOut.model_validate(recovery))
        return stored_json(202, envelope, {"Location": location})

    outcome = await idempotent.run(effect)
    return respond(outcome)


@router.get(f"{RECOVERIES}/{{recovery_id}}")
@documented(raises=(NotFound,))
async def get_webhook_recovery(
    recovery_id: str, who: WebhooksReader, runtime: RuntimeDep
) -> RecoveryEnvelope:
    """A recovery's progress: `done` of `total` sent back to pending so far."""
    async with runtime.db.unit_of_work() as session:
        recovery = await recoveries.get_recovery(
            session,
            tenant_id=who.tenant_id,
            recovery_id=recoveries.parse_recovery_id(recovery_id),
        )
    return RecoveryEnvelope(data=RecoveryOut.model_validate(recovery))


def _envelope(endpoint: WebhookEndpoint) -> EndpointEnvelope:
    return EndpointEnvelope(data=EndpointOut.model_validate(endpoint))


def _revealing_secret(outcome: Outcome, box: SecretBox) -> Outcome:
    """The outcome with `data.secret` decrypted.

    The response kept for idempotent replays holds the secret as its Fernet token, so the
    plain secret is never at rest; first responses and replays are opened the same way and so
    stay byte-identical.
    """
    document = json.loads(outcome.response.body)
    document["data"]["secret"] = box.decrypt(document["data"]["secret"])
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    return replace(outcome, response=replace(outcome.response, body=body))
