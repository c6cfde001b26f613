"""Status columns are text holding an enum's values: rows read back as members, and a value
that is no member never reaches the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from app.core.config import Settings
from db.models.webhook_delivery import DeliveryStatus, WebhookDelivery
from db.session import Database
from tests.factories import PUBLIC_WEBHOOK_URL, make_delivery, make_endpoint, make_tenant


async def test_rows_read_back_as_members(db: Database, settings: Settings) -> None:
    tenant = await make_tenant(db)
    endpoint, _ = await make_endpoint(db, settings, tenant, PUBLIC_WEBHOOK_URL)
    delivery_id = await make_delivery(db, endpoint, tenant, status="dead")
    async with db.unit_of_work() as session:
        status = await session.scalar(
            select(WebhookDelivery.status).where(WebhookDelivery.id == delivery_id)
        )
    assert status is DeliveryStatus.DEAD


async def test_a_value_that_is_no_member_is_refused(db: Database) -> None:
    async with db.unit_of_work() as session:
        with pytest.raises(StatementError, match="'lost' is not a valid DeliveryStatus"):
            await session.execute(select(WebhookDelivery).where(WebhookDelivery.status == "lost"))
