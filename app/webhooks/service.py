"""Webhook endpoints (CONTRACT.md §8): create, read, change, delete, rotate the secret; the
delivery log and the retry of a dead delivery. Sending is app/webhooks/delivery.py's job."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import Conflict, NotFound
from app.core.pagination import Page, Position
from app.webhooks import repository
from app.webhooks.repository import DeliveryLogEntry
from app.webhooks.schemas import DeliveryStatus, EndpointIn, EndpointPatchIn
from app.webhooks.secrets import SecretBox, generate_secret
from app.webhooks.ssrf import validate_webhook_url
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import AfterCommit, after_commit

# How long a rotated-out secret keeps signing beside the new one.
PREVIOUS_SECRET_TTL = timedelta(hours=24)
ENDPOINTS_ORDERING = "webhook-endpoints"
_ENDPOINT = "webhook endpoint"
_DELIVERY = "webhook delivery"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


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
    # Only the canonical form: uuid.UUID alone would also take braces, `urn:uuid:` and bare hex.
    if not _UUID.match(value):
        raise NotFound(what)
    return uuid.UUID(value)


def secret_box(settings: Settings) -> SecretBox:
    return SecretBox.from_keys(settings.data_encryption_key)


def deliveries_ordering(status: DeliveryStatus | None) -> str:
    """The cursor ordering of a delivery log: a cursor only continues the list it came from."""
    return f"webhook-deliveries.{status.value if status else 'all'}"


async def check_url(url: str, settings: Settings) -> None:
    """Refuse (422) a URL the delivery worker would refuse to call, under these settings."""
    await validate_webhook_url(
        url,
        allow_http=settings.webhook_allow_http,
        allow_private=settings.webhook_allow_private_targets,
    )


async def create_endpoint(
    session: AsyncSession, *, tenant_id: uuid.UUID, data: EndpointIn, box: SecretBox
) -> WebhookEndpoint:
    """A new enabled endpoint with a fresh secret, stored only encrypted (`box` opens it)."""
    return await repository.insert_endpoint(
        session,
        tenant_id=tenant_id,
        url=data.url,
        event_types=data.event_types,
        description=data.description,
        secret_encrypted=box.encrypt(generate_secret()),
    )


async def list_endpoints(
    session: AsyncSession, *, tenant_id: uuid.UUID, after: Position | None, limit: int
) -> Page[WebhookEndpoint]:
    """One page of the tenant's endpoints, oldest first."""
    rows = list(await repository.list_endpoints(session, tenant_id, after=after, limit=limit + 1))
    if len(rows) <= limit:
        return Page(rows, None)
    last = rows[limit - 1]
    return Page(rows[:limit], Position(ENDPOINTS_ORDERING, last.created_at, last.id))


async def get_endpoint(
    session: AsyncSession, *, tenant_id: uuid.UUID, endpoint_id: uuid.UUID
) -> WebhookEndpoint:
    """The tenant's endpoint, or NotFound."""
    endpoint = await repository.find_endpoint(session, tenant_id, endpoint_id)
    if endpoint is None:
        raise NotFound(_ENDPOINT)
    return endpoint


async def update_endpoint(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    changes: EndpointPatchIn,
) -> WebhookEndpoint:
    """Apply the fields present in the request that differ from the stored ones (nothing else,
    updatedAt included, changes). An endpoint enabled again restarts enabled_since, so events
    that occurred while it was disabled never reach it."""
    endpoint = await repository.find_endpoint(session, tenant_id, endpoint_id, lock=True)
    if endpoint is None:
        raise NotFound(_ENDPOINT)
    present: dict[str, Any] = changes.model_dump(include=changes.model_fields_set)
    values = {name: value for name, value in present.items() if getattr(endpoint, name) != value}
    if not values:
        return endpoint
    updated = await repository.update_endpoint(
        session,
        tenant_id,
        endpoint_id,
        values,
        reenable=values.get("enabled") is True,
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
    endpoint = await repository.rotate_secret(
        session,
        tenant_id,
        endpoint_id,
        secret_encrypted=box.encrypt(generate_secret()),
        overlap=PREVIOUS_SECRET_TTL,
    )
    if endpoint is None:
        raise NotFound(_ENDPOINT)
    return endpoint


async def list_deliveries(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    status: DeliveryStatus | None,
    after: Position | None,
    limit: int,
) -> Page[DeliveryLogEntry]:
    """One page of an endpoint's deliveries, newest first; NotFound for an unknown endpoint."""
    await get_endpoint(session, tenant_id=tenant_id, endpoint_id=endpoint_id)
    rows = await repository.list_deliveries(
        session, tenant_id, endpoint_id, status, after=after, limit=limit + 1
    )
    if len(rows) <= limit:
        return Page(rows, None)
    last = rows[limit - 1]
    return Page(rows[:limit], Position(deliveries_ordering(status), last.created_at, last.id))


async def retry_delivery(
    session: AsyncSession, *, tenant_id: uuid.UUID, delivery_id: uuid.UUID
) -> DeliveryLogEntry:
    """Send a dead delivery again from the start of the schedule (attempts keep counting).

    Conflict when it is not dead, NotFound when the tenant has no such delivery.
    """
    revived = await repository.revive_dead_delivery(session, tenant_id, delivery_id)
    if revived is not None:
        after_commit(session, DeliveryDue(delivery_id))
        return revived
    if await repository.delivery_exists(session, tenant_id, delivery_id):
        raise Conflict("Only a dead delivery can be retried.")
    raise NotFound(_DELIVERY)
