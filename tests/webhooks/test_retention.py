"""CONTRACT.md §14 retention: finished deliveries past WEBHOOK_RETENTION_DAYS are deleted in
bounded batches, then relayed events of that age left without deliveries; index-backed."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.webhooks import retention, retention_repository
from db.models.outbox_event import OutboxEvent
from db.models.webhook_delivery import WebhookDelivery
from db.session import Database
from tests.factories import Keys, make_delivery, make_endpoint
from tests.tenants.test_cli import aetherflow, ok_json

URL = "https://hooks.example.com/x"
NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=31)
RECENT = NOW - timedelta(days=29)
THIRTY_DAYS = timedelta(days=30)


async def aged(
    db: Database, keys: Keys, endpoint_id: uuid.UUID, status: str, finished_at: datetime
) -> uuid.UUID:
    """A delivery last changed at `finished_at`, its event relayed then."""
    delivery_id = await make_delivery(db, endpoint_id, keys.tenant, status=status)
    async with db.unit_of_work() as session:
        event_id = await session.scalar(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(updated_at=finished_at, created_at=finished_at)
            .returning(WebhookDelivery.event_id)
        )
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == event_id)
            .values(relayed_at=finished_at, occurred_at=finished_at)
        )
    return delivery_id


async def remaining(db: Database) -> tuple[set[uuid.UUID], int]:
    async with db.unit_of_work() as session:
        deliveries = set(await session.scalars(select(WebhookDelivery.id)))
        events = len((await session.scalars(select(OutboxEvent.id))).all())
    return deliveries, events


def transactions(db: Database) -> Callable[[Callable[[AsyncSession], Awaitable[int]]], Any]:
    async def in_transaction(work: Callable[[AsyncSession], Awaitable[int]]) -> int:
        async with db.unit_of_work() as session:
            return await work(session)

    return in_transaction


@pytest.fixture
async def history(db: Database, settings: Settings, tenant_keys: Keys) -> dict[str, uuid.UUID]:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    rows = {}
    for status in ("delivered", "dead", "skipped", "pending"):
        rows[f"old {status}"] = await aged(db, tenant_keys, endpoint.id, status, OLD)
        rows[f"recent {status}"] = await aged(db, tenant_keys, endpoint.id, status, RECENT)
    return rows


async def test_prune_deletes_only_old_finished_deliveries_and_their_events(
    db: Database, history: dict[str, uuid.UUID]
) -> None:
    dry = await _count(db)
    pruned = await retention.prune(transactions(db), older_than=THIRTY_DAYS)
    assert pruned == dry == retention.Pruned(deliveries=3, events=3)
    deliveries, events = await remaining(db)
    assert deliveries == {
        history["old pending"],
        history["recent delivered"],
        history["recent dead"],
        history["recent skipped"],
        history["recent pending"],
    }
    # The old pending delivery keeps its event.
    assert events == 5
    assert await retention.prune(transactions(db), older_than=THIRTY_DAYS) == retention.Pruned(0, 0)


async def _count(db: Database) -> retention.Pruned:
    async with db.unit_of_work() as session:
        return await retention.count_prunable(session, older_than=THIRTY_DAYS)


async def test_each_statement_deletes_at_most_its_batch(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    for _ in range(5):
        await aged(db, tenant_keys, endpoint.id, "delivered", OLD)
    async with db.unit_of_work() as session:
        assert (
            await retention_repository.delete_old_deliveries(
                session, older_than=THIRTY_DAYS, limit=2
            )
            == 2
        )
    assert len((await remaining(db))[0]) == 3
    counted: list[int] = []

    async def counting(work: Callable[[AsyncSession], Awaitable[int]]) -> int:
        async with db.unit_of_work() as session:
            deleted = await work(session)
        counted.append(deleted)
        return deleted

    pruned = await retention.prune(counting, older_than=THIRTY_DAYS, batch_size=2)
    assert pruned == retention.Pruned(deliveries=3, events=5)
    # Deliveries 2, 1 (then done); events 2, 2, 1.
    assert counted == [2, 1, 2, 2, 1]
    assert max(counted) <= 2
    # max_batches bounds a sweep's share.
    for _ in range(3):
        await aged(db, tenant_keys, endpoint.id, "dead", OLD)
    partial = await retention.prune(
        transactions(db), older_than=THIRTY_DAYS, batch_size=1, max_batches=2
    )
    assert partial.deliveries == 2


async def test_prunes_read_through_the_age_indexes(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    """The statements a prune sends, planned over 40,000 deliveries and events spread over 40
    days: no sequential scan, the partial indexes on age, deletes by primary key."""
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    async with db.unit_of_work() as session:
        await session.execute(
            text(
                "INSERT INTO outbox_events (id, tenant_id, event_type, payload, relayed_at) "
                "SELECT gen_random_uuid(), :tenant, 'report.created', '{}', "
                "now() - make_interval(days => g % 40) FROM generate_series(1, 40000) AS g"
            ),
            {"tenant": tenant_keys.tenant.id},
        )
        await session.execute(
            text(
                "INSERT INTO webhook_deliveries "
                "(id, tenant_id, endpoint_id, event_id, status, updated_at, created_at) "
                "SELECT gen_random_uuid(), tenant_id, :endpoint, id, "
                "(ARRAY['delivered', 'dead', 'skipped', 'pending'])[1 + (random() * 3)::int], "
                "relayed_at, relayed_at FROM outbox_events"
            ),
            {"endpoint": endpoint.id},
        )
        await session.execute(text("ANALYZE webhook_deliveries"))
        await session.execute(text("ANALYZE outbox_events"))
    for statement, index in (
        (
            retention_repository.deleting_old_deliveries(THIRTY_DAYS, 1000),
            "ix_webhook_deliveries_finished",
        ),
        (
            retention_repository.deleting_old_events(THIRTY_DAYS, 1000),
            "ix_outbox_events_relayed",
        ),
    ):
        async with db.unit_of_work() as session:
            connection = await session.connection()
            compiled = statement.compile(dialect=connection.dialect)
            params = tuple(compiled.params[name] for name in compiled.positiontup or [])
            plan = "\n".join(
                row[0]
                for row in await connection.exec_driver_sql(f"EXPLAIN {compiled.string}", params)
            )
        assert "Seq Scan" not in plan, plan
        assert index in plan, plan
        assert re.search(r"Index Scan (using|on) pk_", plan), plan


async def test_the_sweep_prunes_with_the_retention_setting(
    db: Database, history: dict[str, uuid.UUID], settings: Settings
) -> None:
    from app.bootstrap import Runtime
    from jobs.retention import prune_old_deliveries

    runtime = await Runtime.start(settings.model_copy(update={"webhook_retention_days": 30}))
    try:
        assert await prune_old_deliveries(runtime) == retention.Pruned(3, 3)
    finally:
        await runtime.close()
    runtime = await Runtime.start(settings.model_copy(update={"webhook_retention_days": 28}))
    try:
        # Now the recent finished ones are old too.
        assert await prune_old_deliveries(runtime) == retention.Pruned(3, 3)
    finally:
        await runtime.close()


async def test_cli_prune_dry_run_counts_and_changes_nothing(
    db: Database, history: dict[str, uuid.UUID], cli_env: dict[str, str]
) -> None:
    before = await remaining(db)
    dry = ok_json(cli_env, "webhooks", "prune", "--older-than", "30", "--dry-run")
    assert dry == {"data": {"deliveries": 3, "events": 3, "dryRun": True}}
    assert await remaining(db) == before
    text_result = aetherflow(cli_env, "webhooks", "prune", "--older-than", "30", "--dry-run")
    assert text_result.stdout.strip() == (
        "dry run: 3 deliveries and 3 events would be deleted; nothing changed"
    )
    assert ok_json(cli_env, "webhooks", "prune", "--older-than", "30") == {
        "data": {"deliveries": 3, "events": 3, "dryRun": False}
    }
    assert len((await remaining(db))[0]) == 5
    bad = aetherflow(cli_env, "webhooks", "prune", "--older-than", "0")
    assert bad.returncode == 2
    assert "--older-than" in bad.stderr
    assert "Traceback" not in bad.stderr
