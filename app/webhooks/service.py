"""Webhook endpoints (CONTRACT.md §8, §14): create, read, change, delete, rotate the secret, send
a test event; the delivery logs (an endpoint's, the tenant's) and the retry of a dead delivery.
Sending is app/webhooks/delivery.py's job."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import Conflict, NotFound
from app.core.ids import parse_id
from app.core.pagination import Page, PageRequest, Position
from app.outbox import service as outbox
from app.outbox.events import WEBHOOK_TEST, EventOrigin
from app.webhooks import repository
from app.webhooks.delivery_filters import DeliveryFilters
from app.webhooks.live import DeliveryChanged
from app.webhooks.repository import DeliveryLogEntry
from app.webhooks.schemas import EndpointPatchIn, TestEventData
from app.webhooks.secrets import SecretBox, generate_secret
from app.webhooks.ssrf import CheckedUrl, validate_webhook_url
from db.models.webhook_delivery import DeliveryStatus
from db.models.webhook_endpoint import Ordering, WebhookEndpoint
from db.session import AfterCommit, after_commit

# How long a rotated-out secret keeps signing beside the new one.
PREVIOUS_SECRET_TTL = timedelta(hours=24)
_ENDPOINTS_ORDERING = "webhook-endpoints"
_ENDPOINT = "webhook endpoint"
_DELIVERY = "webhook delivery"


@dataclass(frozen=True)
class DeliveryDue(AfterCommit):
    """A delivery was made due now by hand (a retry): enqueue its attempt after the commit."""

    delivery_id: uuid.UUID


def parse_endpoint_id(value: str) -> uuid.UUID:
    """A path id as a UUID; anything else names no endpoint (404, never 422)."""
    return _parse_id(value, _ENDPOINT)


def parse_delivery_id(value: str) -> uuid.UUID:
    """A path id as a UUID; anything else names no delivery (404, never 422)."""
    return _parse_id(value, _DELIVERY)


def _parse_id(value: str, what: str) -> uuid.UUID:
    parsed = parse_id(value)
    if parsed is None:
        raise NotFound(what)
    return parsed


def secret_box(settings: Settings) -> SecretBox:
    return SecretBox.from_keys(settings.data_encryption_key)


def _deliveries_ordering(status: DeliveryStatus | None) -> str:
    """The cursor ordering of a delivery log: a cursor only continues the list it came from."""
    return f"webhook-deliveries.{status.value if status else 'all'}"


async def check_url(url: str, settings: Settings) -> CheckedUrl:
    """The URL, if the delivery worker would call it under these settings; 422 otherwise.

    It resolves the host: faces call it before they open a transaction, and hand the result
    to create_endpoint or update_endpoint, which take no other form of URL.
    """
    return await validate_webhook_url(
        url,
        allow_http=settings.webhook_allow_http,
        allow_private=settings.webhook_allow_private_targets,
    )


def _stored_url(url: CheckedUrl) -> str:
    # The type checker already refuses anything else; this stops callers it does not see.
    if not isinstance(url, CheckedUrl):
        raise TypeError("A webhook URL must come from check_url.")
    return url.text


async def create_endpoint(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    url: CheckedUrl,
    event_types: list[str] | None,
    description: str | None,
    ordering: Ordering = Ordering.NONE,
    max_deliveries_per_second: int | None = None,
    box: SecretBox,
) -> WebhookEndpoint:
    """A new enabled endpoint with a fresh secret, stored only encrypted (`box` opens it)."""
    return await repository.insert_endpoint(
        session,
        tenant_id=tenant_id,
        url=_stored_url(url),
        event_types=event_types,
        description=description,
        ordering=ordering,
        max_deliveries_per_second=max_deliveries_per_second,
        secret_encrypted=box.encrypt(generate_secret()),
    )


async def list_endpoints(
    session: AsyncSession, *, tenant_id: uuid.UUID, page: PageRequest
) -> Page[WebhookEndpoint]:
    """One page of the tenant's endpoints, oldest first."""
    return await page.for_list(_ENDPOINTS_ORDERING).fetch(
        partial(repository.list_endpoints, session, tenant_id), _created_place
    )


async def all_endpoints(session: AsyncSession, *, tenant_id: uuid.UUID) -> list[WebhookEndpoint]:
    """Every endpoint of the tenant, oldest first."""
    return list(await repository.list_endpoints(session, tenant_id, after=None, limit=None))


async def get_endpoint(
    session: AsyncSession, *, tenant_id: uuid.UUID, endpoint_id: uuid.UUID
) -> WebhookEndpoint:
    """The tenant's endpoint, or NotFound."""
    return _found(await repository.find_endpoint(session, tenant_id, endpoint_id))


async def update_endpoint(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    changes: EndpointPatchIn,
    url: CheckedUrl | None,
) -> WebhookEndpoint:
    """Apply the fields present in the request that differ from the stored ones (nothing else,
    updatedAt included, changes). Disabling it by hand sets disabledAt and the reason `manual`;
    enabling it again clears them and restarts enabled_since: events that occurred while it was
    disabled are recorded as skipped deliveries, sent only if recovered.

    The URL changes only through `url`, the checked form of `changes.url`: the unchecked text
    in `changes` is never stored.
    """
    if ("url" in changes.model_fields_set) != (url is not None):
        raise TypeError("A changed webhook URL must come from check_url, and only then.")
    present: dict[str, Any] = changes.model_dump(include=changes.model_fields_set - {"url"})
    if url is not None:
        present["url"] = _stored_url(url)
    endpoint = _found(await repository.find_endpoint(session, tenant_id, endpoint_id, lock=True))
    values = {name: value for name, value in present.items() if getattr(endpoint, name) != value}
    if not values:
        return endpoint
    updated = await repository.update_endpoint(
        session,
        tenant_id,
        endpoint_id,
        values,
        enabled=values.get("enabled"),
    )
    assert updated is not None  # the row is locked
    return updated


async def delete_endpoint(
    session: AsyncSession, *, tenant_id: uuid.UUID, endpoint_id: uuid.UUID
) -> None:
    """Delete the endpoint and its delivery log, or NotFound."""
    if not await repository.delete_endpoint(session, tenant_id, endpoint_id):
        raise NotFound(_ENDPOINT)


async def rotate_secret(
    session: AsyncSession, *, tenant_id: uuid.UUID, endpoint_id: uuid.UUID, box: SecretBox
) -> WebhookEndpoint:
    """A new secret (stored encrypted); the current one keeps signing beside it for 24 hours
    and an older previous one is dropped."""
    rotated = await repository.rotate_secret(
        session,
        tenant_id,
        endpoint_id,
        secret_encrypted=box.encrypt(generate_secret()),
        overlap=PREVIOUS_SECRET_TTL,
    )
    return _found(rotated)


async def list_deliveries(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    endpoint_id: str,
    status: DeliveryStatus | None,
    page: PageRequest,
) -> Page[DeliveryLogEntry]:
    """One page of an endpoint's deliveries, newest first. NotFound for an unknown (or
    malformed) endpoint id, once the cursor has passed validation."""
    pager = page.for_list(_deliveries_ordering(status))
    parsed_id = parse_endpoint_id(endpoint_id)
    await get_endpoint(session, tenant_id=tenant_id, endpoint_id=parsed_id)
    return await pager.fetch(
        partial(repository.list_deliveries, session, tenant_id, parsed_id, status), _created_place
    )


async def list_tenant_deliveries(
    session: AsyncSession, *, tenant_id: uuid.UUID, filters: DeliveryFilters, page: PageRequest
) -> Page[DeliveryLogEntry]:
    """One page of the tenant's deliveries that pass the filters, newest first (by createdAt,
    then id); a cursor continues only the list with the same filters (422 otherwise)."""
    return await page.for_list(filters.ordering()).fetch(
        partial(repository.list_tenant_deliveries, session, tenant_id, filters), _created_place
    )


async def list_endpoint_filtered_deliveries(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    filters: DeliveryFilters,
    page: PageRequest,
) -> Page[DeliveryLogEntry]:
    """The tenant list (`list_tenant_deliveries`) within one endpoint's deliveries; filters
    that name another endpoint pass none."""
    if filters.endpoint_id not in {None, endpoint_id}:
        return await page.for_list(filters.ordering()).fetch(_no_deliveries, _created_place)
    within = replace(filters, endpoint_id=endpoint_id)
    return await list_tenant_deliveries(session, tenant_id=tenant_id, filters=within, page=page)


async def _no_deliveries(
    *, after: Position | None, limit: int, reverse: bool
) -> list[DeliveryLogEntry]:
    return []


async def last_response_excerpt(
    session: AsyncSession, *, tenant_id: uuid.UUID, delivery_id: uuid.UUID
) -> str | None:
    """The start of the body the endpoint answered the delivery's last attempt with; None
    before any answer (and for a delivery the tenant does not have)."""
    return await repository.last_response_body(session, tenant_id, delivery_id)


async def retry_delivery(
    session: AsyncSession, *, tenant_id: uuid.UUID, delivery_id: uuid.UUID
) -> DeliveryLogEntry:
    """Send a dead delivery again from the start of the schedule (attempts keep counting).

    Conflict when it is not dead, NotFound when the tenant has no such delivery.
    """
    revived = await repository.revive_dead_delivery(session, tenant_id, delivery_id)
    if revived is not None:
        after_commit(session, DeliveryDue(delivery_id), DeliveryChanged(tenant_id, revived))
        return revived
    if await repository.delivery_exists(session, tenant_id, delivery_id):
        raise Conflict("Only a dead delivery can be retried.")
    raise NotFound(_DELIVERY)


async def retry_dead_deliveries(
    session: AsyncSession, *, tenant_id: uuid.UUID, delivery_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """Send the dead ones among these deliveries again, as `retry_delivery` does one; the ids
    of those sent."""
    revived = await repository.revive_dead_deliveries(session, tenant_id, delivery_ids)
    for delivery in revived:
        after_commit(session, DeliveryDue(delivery.id), DeliveryChanged(tenant_id, delivery))
    return [delivery.id for delivery in revived]


async def send_test_event(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    origin: EventOrigin,
) -> DeliveryLogEntry:
    """Send a `webhook.test` event to this endpoint only, whatever its eventTypes, through the
    delivery path: an event (relayed already, so no other endpoint gets it) and its one
    delivery, due now; a worker is nudged after the commit.

    NotFound for an unknown endpoint, Conflict for a disabled one.
    """
    endpoint = _found(await repository.find_endpoint(session, tenant_id, endpoint_id, lock=True))
    if not endpoint.enabled:
        raise Conflict("A disabled endpoint cannot be sent a test event; enable it first.")
    payload = TestEventData(endpoint_id=endpoint_id).model_dump(mode="json")
    event = origin.event(tenant_id, WEBHOOK_TEST, payload, resource_id=endpoint_id)
    [event_id] = await outbox.record(session, [event])
    delivery = await repository.insert_relayed_delivery(
        session,
        tenant_id=tenant_id,
        endpoint_id=endpoint_id,
        event_id=event_id,
        event_type=WEBHOOK_TEST,
    )
    after_commit(session, DeliveryDue(delivery.id), DeliveryChanged(tenant_id, delivery))
    return delivery


def _created_place(row: WebhookEndpoint | DeliveryLogEntry) -> tuple[datetime, uuid.UUID]:
    return row.created_at, row.id


def _found(endpoint: WebhookEndpoint | None) -> WebhookEndpoint:
    if endpoint is None:
        raise NotFound(_ENDPOINT)
    return endpoint
