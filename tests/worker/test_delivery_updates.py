"""Delivery changes published for live subscribers: the REST representation, one message per
endpoint for a whole recorded batch (one pipeline), and an outage that only logs."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from app.core.config import Settings
from app.webhooks.delivery import claim_deliveries, delivery_loop_database, record_attempts, send
from app.webhooks.live import DeliveryChanged, DeliveryPublisher, representation
from app.webhooks.repository import DeliveryLogEntry
from app.webhooks.schemas import DeliveryOut
from app.webhooks.sender import ClientPool
from db.models.webhook_delivery import DeliveryStatus
from db.session import Database
from tests.factories import Keys, make_endpoint
from tests.live import free_port
from tests.logs import parsed
from tests.receiver import Answer, Receiver
from tests.worker.helpers import record_event, relay

MOMENT = datetime(2026, 11, 24, 10, 0, 0, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    "entry",
    [
        DeliveryLogEntry(
            id=uuid.uuid4(),
            endpoint_id=uuid.uuid4(),
            event_id=uuid.uuid4(),
            event_type="report.created",
            status=DeliveryStatus.PENDING,
            attempts=0,
            last_status_code=None,
            last_error=None,
            next_attempt_at=None,
            delivered_at=None,
            resource_id=None,
            request_id=None,
            created_at=MOMENT,
        ),
        DeliveryLogEntry(
            id=uuid.uuid4(),
            endpoint_id=uuid.uuid4(),
            event_id=uuid.uuid4(),
            event_type="automation_run.failed",
            status=DeliveryStatus.DELIVERED,
            attempts=3,
            last_status_code=200,
            last_error="HTTP 500",
            next_attempt_at=MOMENT.astimezone(timezone(timedelta(hours=2))),
            delivered_at=MOMENT + timedelta(seconds=1),
            resource_id=uuid.uuid4(),
            request_id="req-1",
            created_at=MOMENT.replace(microsecond=0),
        ),
    ],
)
def test_the_published_form_is_the_rest_representation(entry: DeliveryLogEntry) -> None:
    assert representation(entry) == DeliveryOut.model_validate(entry).model_dump(mode="json")


async def messages_until_quiet(redis_url: str, pattern: str, act: Any) -> list[tuple[str, Any]]:
    """The (channel, JSON) messages published on channels matching `pattern` while `act` runs
    and for a second after."""
    listener = Redis.from_url(redis_url)
    pubsub = listener.pubsub()
    await pubsub.psubscribe(pattern)
    try:
        await act()
        received = []
        deadline = asyncio.get_running_loop().time() + 1.0
        while (remaining := deadline - asyncio.get_running_loop().time()) > 0:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=remaining)
            if message is not None:
                received.append((message["channel"].decode(), json.loads(message["data"])))
        return received
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await listener.aclose()


async def test_a_recorded_batch_is_one_message_per_endpoint(
    db: Database,
    settings: Settings,
    redis_url: str,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
    client: httpx.AsyncClient,
) -> None:
    endpoints = [
        (await make_endpoint(db, settings, tenant_keys.tenant, receiver.script(path, Answer(200))))[
            0
        ]
        for path in ("/one", "/two")
    ]
    for _ in range(3):
        await record_event(db, tenant_keys.tenant)
    assert len(await relay(db)) == 6
    publishing = Redis.from_url(redis_url)
    publisher = DeliveryPublisher(publishing)
    loop_db = delivery_loop_database(settings, connections=1)
    loop_db.on_commit(DeliveryChanged, publisher.publish_soon)

    async def deliver_one_batch() -> None:
        claimed = await claim_deliveries(loop_db, settings, limit=10, holder=None)
        assert len(claimed) == 6
        attempts = await asyncio.gather(*[send(clients, settings, d) for d in claimed])
        await record_attempts(loop_db, settings, attempts)
        await publisher.drain()

    try:
        received = await messages_until_quiet(
            redis_url, f"aetherflow:webhook-deliveries:{tenant_keys.tenant.id}:*", deliver_one_batch
        )
    finally:
        await loop_db.dispose()
        await publishing.aclose()
    logged = await client.get("/v1/tenants/acme/webhook-deliveries", headers=tenant_keys.headers)
    assert sorted(name for name, _ in received) == sorted(
        f"aetherflow:webhook-deliveries:{tenant_keys.tenant.id}:{e.id}" for e in endpoints
    )
    published = [delivery for _, deliveries in received for delivery in deliveries]
    assert sorted(published, key=lambda d: d["id"]) == sorted(
        logged.json()["data"], key=lambda d: d["id"]
    )
    assert {(d["status"], d["attempts"]) for d in published} == {("delivered", 1)}


async def test_updates_lost_to_an_unreachable_redis_are_only_logged(
    log_lines: io.StringIO,
) -> None:
    unreachable = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=2)
    publisher = DeliveryPublisher(unreachable)
    change = DeliveryChanged(
        uuid.uuid4(),
        DeliveryLogEntry(
            id=uuid.uuid4(),
            endpoint_id=uuid.uuid4(),
            event_id=uuid.uuid4(),
            event_type="report.created",
            status=DeliveryStatus.PENDING,
            attempts=0,
            last_status_code=None,
            last_error=None,
            next_attempt_at=MOMENT,
            delivered_at=None,
            resource_id=None,
            request_id=None,
            created_at=MOMENT,
        ),
    )
    try:
        for _ in range(3):
            publisher.publish_soon([change, change])
            await publisher.drain()
    finally:
        await unreachable.aclose()
    warnings = [line for line in parsed(log_lines) if "delivery updates" in line["message"]]
    assert [line["level"] for line in warnings] == ["WARNING"]
    assert warnings[0]["message"].startswith("2 delivery updates not published (ConnectionError)")
