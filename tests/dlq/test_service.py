"""app/dlq/service.py: sending dead letters again in batches."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.core.config import Settings
from app.dlq import service as dlq
from db.models.automation_run import AutomationRun
from db.models.webhook_delivery import WebhookDelivery
from db.session import Database
from tests.dlq.helpers import make_exhausted_run
from tests.factories import Keys, make_delivery, make_endpoint

URL = "https://hooks.example.com/x"


async def test_retry_goes_in_batches_and_leaves_what_is_no_longer_dead(
    db: Database, settings: Settings, tenant_keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dlq, "RETRY_BATCH_SIZE", 2)
    tenant = tenant_keys.tenant
    endpoint, _ = await make_endpoint(db, settings, tenant, URL)
    oldest, middle, newest = [
        await make_delivery(db, endpoint, tenant, status="dead", attempts=8) for _ in range(3)
    ]
    run_id = await make_exhausted_run(db, tenant)
    async with db.unit_of_work() as session:
        letters = await dlq.list_retryable(session, tenant_id=tenant.id)
    assert [letter.id for letter in letters] == [newest, middle, oldest, run_id]
    async with db.unit_of_work() as session:  # retried by someone else meanwhile
        await session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id == middle).values(status="pending")
        )

    batches: list[int] = []
    async with db.unit_of_work() as session:
        retried = await dlq.retry(
            session, tenant_id=tenant.id, letters=letters, on_batch=batches.append
        )
    assert batches == [2, 2]
    assert [letter.id for letter in retried] == [newest, oldest, run_id]
    async with db.unit_of_work() as session:
        deliveries = await session.execute(select(WebhookDelivery.status, WebhookDelivery.attempts))
        assert [(status, attempts) for status, attempts in deliveries] == [("pending", 8)] * 3
        run = await session.get(AutomationRun, run_id)
    assert run is not None
    assert (run.status, run.schedule_step, run.error) == ("queued", 0, None)
    async with db.unit_of_work() as session:
        assert await dlq.list_retryable(session, tenant_id=tenant.id) == []


async def test_retrying_nothing_reports_no_batch(db: Database, tenant_keys: Keys) -> None:
    batches: list[int] = []
    async with db.unit_of_work() as session:
        retried = await dlq.retry(
            session, tenant_id=tenant_keys.tenant.id, letters=[], on_batch=batches.append
        )
    assert (retried, batches) == ([], [])
