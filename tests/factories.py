"""Test data through the real services; defaults filled in."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.config import Settings
from app.tenants import service as tenants
from app.tenants.keys import SCOPES
from app.webhooks.secrets import SecretBox, generate_secret
from db.models.outbox_event import OutboxEvent
from db.models.tenant import Tenant
from db.models.webhook_delivery import WebhookDelivery
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database


@dataclass(frozen=True)
class Keys:
    tenant: Tenant
    key: str
    other_tenant: Tenant
    other_key: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.key)


# A well-formed id that names nothing.
UNKNOWN_ID = "7d1c6a2e-3f4b-4e8a-9c1d-2b3a4c5d6e7f"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def make_tenant(db: Database, *, slug: str = "acme", name: str | None = None) -> Tenant:
    async with db.unit_of_work() as session:
        return await tenants.create_tenant(session, slug=slug, name=name or slug.title())


async def make_key(
    db: Database,
    settings: Settings,
    tenant: Tenant,
    *,
    scopes: Sequence[str] = SCOPES,
    expires_in_days: int | None = None,
) -> str:
    async with db.unit_of_work() as session:
        issued = await tenants.issue_key(
            session,
            pepper=settings.pepper,
            tenant_id=tenant.id,
            name="test",
            scopes=scopes,
            expires_in_days=expires_in_days,
        )
    return issued.key


async def make_endpoint(
    db: Database,
    settings: Settings,
    tenant: Tenant,
    url: str,
    *,
    event_types: Sequence[str] | None = None,
    enabled: bool = True,
) -> tuple[WebhookEndpoint, str]:
    """An endpoint row and its plain secret."""
    secret = generate_secret()
    box = SecretBox.from_keys(settings.data_encryption_key)
    async with db.unit_of_work() as session:
        endpoint = WebhookEndpoint(
            tenant_id=tenant.id,
            url=url,
            event_types=list(event_types) if event_types is not None else None,
            enabled=enabled,
            secret_encrypted=box.encrypt(secret),
        )
        session.add(endpoint)
    return endpoint, secret


# A public address literal: passes the webhook URL check without needing DNS.
PUBLIC_WEBHOOK_URL = "https://93.184.216.34/hooks/aetherflow"


async def make_delivery(
    db: Database,
    endpoint: WebhookEndpoint | uuid.UUID,
    tenant: Tenant,
    *,
    status: str = "pending",
    event_type: str = "report.created",
    attempts: int = 0,
    schedule_step: int = 0,
    created_at: datetime | None = None,
    last_status_code: int | None = None,
    last_error: str | None = None,
) -> uuid.UUID:
    """An outbox event and one delivery of it to `endpoint`, written directly; the delivery id."""
    endpoint_id = endpoint if isinstance(endpoint, uuid.UUID) else endpoint.id
    event = OutboxEvent(tenant_id=tenant.id, event_type=event_type, payload={"id": "x"})
    delivery = WebhookDelivery(
        tenant_id=tenant.id,
        endpoint_id=endpoint_id,
        status=status,
        attempts=attempts,
        schedule_step=schedule_step,
        last_status_code=last_status_code,
        last_error=last_error,
    )
    if created_at is not None:
        delivery.created_at = created_at
    async with db.unit_of_work() as session:
        session.add(event)
        await session.flush()
        delivery.event_id = event.id
        session.add(delivery)
        await session.flush()
        return delivery.id
