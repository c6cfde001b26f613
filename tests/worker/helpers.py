"""Shared pieces of the worker tests: settings, events, relaying, reading deliveries."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from app.core.config import Settings
from app.outbox import service as outbox
from app.outbox.events import NewEvent
from app.outbox.relay import relay_batch
from db.models.tenant import Tenant
from db.models.webhook_delivery import WebhookDelivery
from db.session import Database
from tests.conftest import make_settings

DELIVERY_OVERRIDES: dict[str, Any] = {
    "webhook_allow_http": True,
    "webhook_allow_private_targets": True,
    "webhook_retry_schedule": [0, 1, 1],
    "sweep_interval_seconds": 0.5,
}


def delivery_settings(database_url: str, redis_url: str, **overrides: Any) -> Settings:
    return make_settings(database_url, redis_url, **{**DELIVERY_OVERRIDES, **overrides})


async def record_event(
    db: Database, tenant: Tenant, event_type: str = "report.created", **payload: Any
) -> uuid.UUID:
    async with db.unit_of_work() as session:
        [event_id] = await outbox.record(
            session, [NewEvent(tenant.id, event_type, {"slug": "a", **payload}, "corr-1")]
        )
    return event_id


async def relay(db: Database) -> list[uuid.UUID]:
    async with db.unit_of_work() as session:
        _, delivery_ids = await relay_batch(session)
    return delivery_ids


async def delivery(db: Database, delivery_id: uuid.UUID) -> WebhookDelivery:
    async with db.unit_of_work() as session:
        row = await session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id))
    assert row is not None
    return row


async def all_deliveries(db: Database) -> list[WebhookDelivery]:
    async with db.unit_of_work() as session:
        return list(await session.scalars(select(WebhookDelivery)))
