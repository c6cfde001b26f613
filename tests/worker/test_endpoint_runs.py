"""Auto-disable, as the record statement and the follow-up see it (CONTRACT.md §14): each batch
of outcomes keeps its endpoints' runs of failures, names the endpoints past a threshold, and
the follow-up warns once, then disables, with an event for the tenant's other endpoints only."""

from __future__ import annotations

import asyncio
import io
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, text, update

from app.core.config import Settings
from app.core.metrics import exposition
from app.outbox.events import ENDPOINT_DISABLED, ENDPOINT_FAILING, REPORT_CREATED
from app.webhooks.delivery import claim_deliveries, record_attempts, send
from app.webhooks.failing import act_on_failing_endpoints
from app.webhooks.schemas import EndpointOut
from app.webhooks.sender import ClientPool
from db.models.outbox_event import OutboxEvent
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from tests.factories import Keys, make_endpoint
from tests.logs import parsed
from tests.rate_limit.helpers import metric_value
from tests.receiver import Answer, Receiver
from tests.worker.helpers import all_deliveries, delivery_settings, record_event, relay

AUTO_DISABLED = "aetherflow_webhook_endpoints_auto_disabled_total"


async def endpoint_row(db: Database, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    async with db.unit_of_work() as session:
        row = await session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id))
    assert row is not None
    return row


async def run_of(db: Database, endpoint_id: uuid.UUID) -> tuple[bool, int, bool]:
    """(failing_since set, consecutive_failures, failing_notice_at set)."""
    row = await endpoint_row(db, endpoint_id)
    noticed = row.failing_notice_at is not None
    return row.failing_since is not None, row.consecutive_failures, noticed


class Attempts:
    """Batches of attempts to one endpoint, each answered in turn by the receiver's script."""

    def __init__(
        self, db: Database, settings: Settings, keys: Keys, receiver: Receiver, clients: ClientPool
    ) -> None:
        self.db, self.settings, self.keys = db, settings, keys
        self.receiver, self.clients = receiver, clients
        self.endpoint_id: uuid.UUID | None = None

    async def endpoint(self, **options: Any) -> uuid.UUID:
        url = self.receiver.url("/hook")
        endpoint, _ = await make_endpoint(self.db, self.settings, self.keys.tenant, url, **options)
        self.endpoint_id = endpoint.id
        return endpoint.id

    async def batch(self, *statuses: int) -> set[uuid.UUID]:
        """One delivery per status, sent one after the other (answered with these statuses in
        this order), then recorded in one batch; the endpoints found past a threshold."""
        self.receiver.script("/hook", *(Answer(status) for status in statuses), Answer(599))
        for _ in statuses:
            await record_event(self.db, self.keys.tenant, REPORT_CREATED)
        new = await relay(self.db)
        claimed = await claim_deliveries(
            self.db, self.settings, limit=len(statuses), holder=None, only=new
        )
        assert len(claimed) == len(statuses)
        attempts = [await send(self.clients, self.settings, delivery) for delivery in claimed]
        assert [a.outcome.status_code for a in attempts] == list(statuses)
        recorded = await record_attempts(self.db, self.settings, attempts)
        return recorded.failing_endpoints


def attempts_fixture(
    db: Database, settings: Settings, keys: Keys, receiver: Receiver, clients: ClientPool
) -> Attempts:
    return Attempts(db, settings, keys, receiver, clients)


async def test_failed_attempts_start_a_run_and_extend_it(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, clients: ClientPool
) -> None:
    attempts = attempts_fixture(db, settings, tenant_keys, receiver, clients)
    endpoint_id = await attempts.endpoint()
    assert await attempts.batch(500, 503) == set()
    assert await run_of(db, endpoint_id) == (True, 2, False)
    started = (await endpoint_row(db, endpoint_id)).failing_since
    assert await attempts.batch(410) == set()  # a final 4xx (dead) is a failed attempt too
    row = await endpoint_row(db, endpoint_id)
    assert (row.failing_since, row.consecutive_failures) == (started, 3)


async def test_a_success_ends_the_run_and_failures_after_it_start_a_new_one(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, clients: ClientPool
) -> None:
    attempts = attempts_fixture(db, settings, tenant_keys, receiver, clients)
    endpoint_id = await attempts.endpoint()
    await attempts.batch(500, 500)
    await attempts.batch(200)
    assert await run_of(db, endpoint_id) == (False, 0, False)
    # Within a batch the attempts count in the order they finished.
    await attempts.batch(500, 200, 500)
    assert await run_of(db, endpoint_id) == (True, 1, False)
    await attempts.batch(500, 500, 200)
    assert await run_of(db, endpoint_id) == (False, 0, False)


async def test_successes_leave_an_endpoint_without_a_run_untouched(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, clients: ClientPool
) -> None:
    attempts = attempts_fixture(db, settings, tenant_keys, receiver, clients)
    endpoint_id = await attempts.endpoint()
    query = text("SELECT xmin::text FROM webhook_endpoints WHERE id = :id")
    async with db.unit_of_work() as session:
        before = await session.scalar(query, {"id": endpoint_id})
    await attempts.batch(200, 200, 200)
    async with db.unit_of_work() as session:
        assert await session.scalar(query, {"id": endpoint_id}) == before  # never rewritten


async def failing_for(db: Database, endpoint_id: uuid.UUID, seconds: float) -> None:
    async with db.unit_of_work() as session:
        await session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(failing_since=func.now() - timedelta(seconds=seconds))
        )


async def notices(db: Database) -> list[OutboxEvent]:
    async with db.unit_of_work() as session:
        rows = await session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.event_type.in_([ENDPOINT_FAILING, ENDPOINT_DISABLED]))
            .order_by(OutboxEvent.occurred_at)
        )
        return list(rows)


async def test_a_run_is_warned_about_once_then_disabled(
    db: Database,
    database_url: str,
    redis_url: str,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
    log_lines: io.StringIO,
) -> None:
    settings = delivery_settings(
        database_url,
        redis_url,
        webhook_disable_after_seconds=100,
        webhook_disable_min_failures=3,
        webhook_retry_schedule=[0] + [1] * 10,
    )
    attempts = attempts_fixture(db, settings, tenant_keys, receiver, clients)
    endpoint_id = await attempts.endpoint()
    disabled_before = metric_value(exposition().decode(), AUTO_DISABLED)

    assert await attempts.batch(500) == set()  # failing, but not for long
    await failing_for(db, endpoint_id, 60)  # past half the period
    assert await attempts.batch(500) == {endpoint_id}
    await act_on_failing_endpoints(db, settings, {endpoint_id})
    await act_on_failing_endpoints(db, settings, {endpoint_id})  # another worker, later: nothing
    assert await run_of(db, endpoint_id) == (True, 2, True)
    assert await attempts.batch(500) == set()  # warned once per run; 3 failures, not for long

    await failing_for(db, endpoint_id, 101)
    assert await attempts.batch(500) == {endpoint_id}
    await act_on_failing_endpoints(db, settings, {endpoint_id})
    row = await endpoint_row(db, endpoint_id)
    assert (row.enabled, row.disabled_reason) == (False, "failing")
    assert row.disabled_at is not None

    warned, disabled = await notices(db)
    assert (warned.event_type, disabled.event_type) == (ENDPOINT_FAILING, ENDPOINT_DISABLED)
    assert {warned.resource_id, disabled.resource_id} == {endpoint_id}
    assert warned.payload["id"] == disabled.payload["id"] == str(endpoint_id)
    assert (warned.payload["enabled"], warned.payload["disabledReason"]) == (True, None)
    assert disabled.payload == EndpointOut.model_validate(row).model_dump(mode="json")
    assert metric_value(exposition().decode(), AUTO_DISABLED) == (disabled_before or 0) + 1
    [line] = [line for line in parsed(log_lines) if line["level"] == "WARNING"]
    assert line["message"] == "webhook endpoint disabled: every attempt to it failed"
    assert (line["tenantId"], line["endpointId"]) == (str(tenant_keys.tenant.id), str(endpoint_id))
    assert line["consecutiveFailures"] == 4
    assert "whsec_" not in log_lines.getvalue()


async def test_a_run_reaching_the_end_unwarned_is_disabled_once(
    db: Database,
    database_url: str,
    redis_url: str,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
) -> None:
    settings = delivery_settings(
        database_url, redis_url, webhook_disable_after_seconds=100, webhook_disable_min_failures=2
    )
    attempts = attempts_fixture(db, settings, tenant_keys, receiver, clients)
    endpoint_id = await attempts.endpoint()
    await attempts.batch(500)
    await failing_for(db, endpoint_id, 200)
    assert await attempts.batch(500) == {endpoint_id}
    # Several workers acting at once: one disabling, one event.
    await asyncio.gather(*(act_on_failing_endpoints(db, settings, {endpoint_id}) for _ in range(4)))
    assert [event.event_type for event in await notices(db)] == [ENDPOINT_DISABLED]


async def test_notices_go_to_the_other_subscribed_enabled_endpoints_only(
    db: Database,
    database_url: str,
    redis_url: str,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
) -> None:
    settings = delivery_settings(
        database_url, redis_url, webhook_disable_after_seconds=100, webhook_disable_min_failures=1
    )
    tenant = tenant_keys.tenant
    attempts = attempts_fixture(db, settings, tenant_keys, receiver, clients)
    failing_id = await attempts.endpoint(event_types=[REPORT_CREATED, ENDPOINT_DISABLED])
    await attempts.batch(500)
    await failing_for(db, failing_id, 200)
    everything, _ = await make_endpoint(db, settings, tenant, receiver.url("/all"))
    told, _ = await make_endpoint(
        db, settings, tenant, receiver.url("/told"), event_types=[ENDPOINT_DISABLED]
    )
    reports_url = receiver.url("/reports")
    await make_endpoint(db, settings, tenant, reports_url, event_types=[REPORT_CREATED])
    await make_endpoint(db, settings, tenant, receiver.url("/off"), enabled=False)
    await make_endpoint(db, settings, tenant_keys.other_tenant, receiver.url("/other-tenant"))
    # The failing endpoint's next failure disables it (no delivery to the new endpoints yet).
    receiver.script("/hook", Answer(500))
    await record_event(db, tenant, REPORT_CREATED)
    before = {row.id for row in await all_deliveries(db)}
    new = set(await relay(db)) - before
    claimed = await claim_deliveries(db, settings, limit=10, holder=None, only=list(new))
    hook = [d for d in claimed if d.url.endswith("/hook")]
    recorded = await record_attempts(
        db, settings, [await send(clients, settings, delivery) for delivery in hook]
    )
    assert recorded.failing_endpoints == {failing_id}
    await act_on_failing_endpoints(db, settings, recorded.failing_endpoints)
    [disabled] = await notices(db)
    deliveries = await relay(db)
    receivers = {row.endpoint_id for row in await all_deliveries(db) if row.id in deliveries}
    assert receivers == {everything.id, told.id}
    assert disabled.event_type == ENDPOINT_DISABLED
