"""One delivery attempt against real local receivers: signing, retries, dead ends, SSRF."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update
from standardwebhooks.webhooks import Webhook

from app.core.config import Settings
from app.core.time import utc_now
from app.webhooks.delivery import attempt_delivery
from app.webhooks.sender import ClientPool
from db.models.webhook_delivery import WebhookDelivery
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from tests.factories import Keys, make_endpoint
from tests.live import free_port
from tests.logs import parsed
from tests.receiver import Answer, Receiver
from tests.worker.helpers import delivery, delivery_settings, record_event, relay


@pytest.fixture
def retry_in_a_minute(database_url: str, redis_url: str) -> Settings:
    """A retry that cannot come due on its own while the test runs."""
    return delivery_settings(database_url, redis_url, webhook_retry_schedule=[0, 60])


@pytest.fixture
def one_second_timeout(database_url: str, redis_url: str) -> Settings:
    return delivery_settings(database_url, redis_url, webhook_timeout_seconds=1)


async def make_due(db: Database) -> None:
    async with db.unit_of_work() as session:
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.status == "pending")
            .values(next_attempt_at=utc_now() - timedelta(seconds=1))
        )


async def one_delivery(
    db: Database, settings: Settings, tenant_keys: Keys, url: str
) -> tuple[uuid.UUID, str]:
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    event_id = await record_event(db, tenant_keys.tenant)
    [delivery_id] = await relay(db)
    return delivery_id, str(event_id)


async def test_2xx_is_delivered_signed_with_the_event_id(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, clients: ClientPool
) -> None:
    url = receiver.script("/hook", Answer(204))
    _, secret = await make_endpoint(db, settings, tenant_keys.tenant, url)
    event_id = await record_event(db, tenant_keys.tenant, title="T")
    [delivery_id] = await relay(db)
    report = await attempt_delivery(db, clients, settings, delivery_id)
    assert report is not None
    assert report.status == "delivered"
    [request] = receiver.at("/hook")
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == str(event_id)
    assert request.headers["x-correlation-id"] == "corr-1"
    assert "x-request-id" not in request.headers  # a job's event, not a request's
    body = json.loads(request.body)
    assert set(body) == {"type", "timestamp", "data"}
    assert body["type"] == "report.created"
    assert body["data"] == {"slug": "a", "title": "T"}
    assert body["timestamp"].endswith("Z")
    Webhook(secret).verify(request.body, request.headers)
    row = await delivery(db, delivery_id)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 204)
    assert row.delivered_at is not None
    assert row.next_attempt_at is None


async def test_a_request_carries_the_headers_of_an_http_client(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, clients: ClientPool
) -> None:
    url = receiver.script("/hook", Answer(200))
    await make_endpoint(db, settings, tenant_keys.tenant, url)
    await record_event(db, tenant_keys.tenant)
    [delivery_id] = await relay(db)
    await attempt_delivery(db, clients, settings, delivery_id)
    [request] = receiver.at("/hook")
    assert request.headers["host"] == url.split("/")[2]
    assert request.headers["user-agent"] == "AetherFlow-Webhooks/1"
    assert request.headers["accept"] == "*/*"
    assert request.headers["content-length"] == str(len(request.body))
    assert "transfer-encoding" not in request.headers


async def test_500_then_200_is_retried_with_the_same_webhook_id(
    db: Database,
    retry_in_a_minute: Settings,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
) -> None:
    settings = retry_in_a_minute
    url = receiver.script("/hook", Answer(500, body=b"oops"), Answer(200))
    delivery_id, event_id = await one_delivery(db, settings, tenant_keys, url)
    first = await attempt_delivery(db, clients, settings, delivery_id)
    assert first is not None
    assert first.status == "pending"
    assert first.retry_in is not None
    assert 54 <= first.retry_in <= 66
    row = await delivery(db, delivery_id)
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 500)
    assert row.last_response_body == "oops"
    assert row.last_error == "HTTP 500"
    assert await attempt_delivery(db, clients, settings, delivery_id) is None  # not due yet
    await make_due(db)
    second = await attempt_delivery(db, clients, settings, delivery_id)
    assert second is not None
    assert second.status == "delivered"
    requests = receiver.at("/hook")
    assert [r.headers["webhook-id"] for r in requests] == [event_id, event_id]
    assert requests[0].body == requests[1].body
    assert (await delivery(db, delivery_id)).attempts == 2


async def test_retry_after_longer_than_the_schedule_is_honoured(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, clients: ClientPool
) -> None:
    url = receiver.script("/hook", Answer(429, headers={"Retry-After": "120"}))
    delivery_id, _ = await one_delivery(db, settings, tenant_keys, url)
    report = await attempt_delivery(db, clients, settings, delivery_id)
    assert report is not None
    assert report.retry_in == 120
    row = await delivery(db, delivery_id)
    assert row.next_attempt_at is not None
    assert 115 < (row.next_attempt_at - utc_now()).total_seconds() <= 120


@pytest.mark.parametrize("status", [410, 400, 301, 302])
async def test_3xx_and_other_4xx_end_the_delivery_at_once(
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
    status: int,
) -> None:
    url = receiver.script("/hook", Answer(status, headers={"Location": receiver.url("/elsewhere")}))
    delivery_id, _ = await one_delivery(db, settings, tenant_keys, url)
    report = await attempt_delivery(db, clients, settings, delivery_id)
    assert report is not None
    assert report.status == "dead"
    row = await delivery(db, delivery_id)
    assert (row.status, row.attempts, row.last_status_code) == ("dead", 1, status)
    assert receiver.at("/elsewhere") == []  # redirects are not followed


@pytest.mark.parametrize("status", [408, 429, 502, 503])
async def test_retryable_statuses_are_retried(
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
    status: int,
) -> None:
    url = receiver.script("/hook", Answer(status))
    delivery_id, _ = await one_delivery(db, settings, tenant_keys, url)
    report = await attempt_delivery(db, clients, settings, delivery_id)
    assert report is not None
    assert report.status == "pending"


async def test_slower_than_the_timeout_is_retried(
    db: Database,
    one_second_timeout: Settings,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
) -> None:
    settings = one_second_timeout
    url = receiver.script("/hook", Answer(200, delay=5))
    delivery_id, _ = await one_delivery(db, settings, tenant_keys, url)
    report = await attempt_delivery(db, clients, settings, delivery_id)
    assert report is not None
    assert report.status == "pending"
    row = await delivery(db, delivery_id)
    assert row.last_error == "timed out after 1s"
    assert row.last_status_code is None


async def test_closed_port_is_retried(
    db: Database, settings: Settings, tenant_keys: Keys, clients: ClientPool
) -> None:
    delivery_id, _ = await one_delivery(
        db, settings, tenant_keys, f"http://127.0.0.1:{free_port()}/hook"
    )
    report = await attempt_delivery(db, clients, settings, delivery_id)
    assert report is not None
    assert report.status == "pending"
    assert ((await delivery(db, delivery_id)).last_error or "").startswith("ConnectError")


async def test_dead_after_the_schedule(
    db: Database,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
    database_url: str,
    redis_url: str,
) -> None:
    settings = delivery_settings(database_url, redis_url, webhook_retry_schedule=[0, 0])
    url = receiver.script("/hook", Answer(500))
    delivery_id, _ = await one_delivery(db, settings, tenant_keys, url)
    statuses = []
    for _ in range(3):
        await make_due(db)
        report = await attempt_delivery(db, clients, settings, delivery_id)
        statuses.append(report.status if report else None)
    assert statuses == ["pending", "dead", None]
    row = await delivery(db, delivery_id)
    assert (row.status, row.attempts, row.schedule_step) == ("dead", 2, 2)
    assert len(receiver.at("/hook")) == 2


async def test_both_secrets_sign_during_rotation(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, clients: ClientPool
) -> None:
    from app.webhooks.secrets import SecretBox, generate_secret

    url = receiver.script("/hook", Answer(200))
    endpoint, old_secret = await make_endpoint(db, settings, tenant_keys.tenant, url)
    new_secret = generate_secret()
    box = SecretBox.from_keys(settings.data_encryption_key)
    async with db.unit_of_work() as session:
        await session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint.id)
            .values(
                secret_encrypted=box.encrypt(new_secret),
                previous_secret_encrypted=box.encrypt(old_secret),
                previous_secret_expires_at=utc_now() + timedelta(hours=24),
            )
        )
    await record_event(db, tenant_keys.tenant)
    [delivery_id] = await relay(db)
    await attempt_delivery(db, clients, settings, delivery_id)
    [request] = receiver.at("/hook")
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(new_secret).verify(request.body, request.headers)
    Webhook(old_secret).verify(request.body, request.headers)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:{port}/hook", "http://[::ffff:127.0.0.1]:{port}/hook"]
)
async def test_private_targets_are_refused_at_delivery_time(
    db: Database,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
    database_url: str,
    redis_url: str,
    url: str,
) -> None:
    strict = delivery_settings(database_url, redis_url, webhook_allow_private_targets=False)
    receiver.script("/hook", Answer(200))
    delivery_id, _ = await one_delivery(db, strict, tenant_keys, url.format(port=receiver.port))
    report = await attempt_delivery(db, clients, strict, delivery_id)
    assert report is not None
    assert report.status == "pending"
    assert ((await delivery(db, delivery_id)).last_error or "").startswith("target refused")
    assert receiver.received == []


async def test_duplicate_tasks_make_one_attempt(
    db: Database,
    retry_in_a_minute: Settings,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
) -> None:
    settings = retry_in_a_minute
    url = receiver.script("/hook", Answer(500, delay=0.2))
    delivery_id, _ = await one_delivery(db, settings, tenant_keys, url)
    reports = await asyncio.gather(
        *[attempt_delivery(db, clients, settings, delivery_id) for _ in range(5)]
    )
    assert sum(report is not None for report in reports) == 1
    assert len(receiver.at("/hook")) == 1
    assert (await delivery(db, delivery_id)).attempts == 1


async def test_disabled_endpoint_skips_pending_deliveries(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, clients: ClientPool
) -> None:
    url = receiver.script("/hook", Answer(200))
    delivery_id, _ = await one_delivery(db, settings, tenant_keys, url)
    async with db.unit_of_work() as session:
        await session.execute(update(WebhookEndpoint).values(enabled=False))
    report = await attempt_delivery(db, clients, settings, delivery_id)
    assert report is not None
    assert report.status == "skipped"
    row = await delivery(db, delivery_id)
    assert (row.status, row.attempts, row.last_error) == ("skipped", 0, "endpoint disabled")
    assert row.next_attempt_at is None
    assert row.lease_holder is None
    assert receiver.received == []


async def test_each_attempt_logs_one_line_with_its_ids_and_outcome(
    db: Database,
    settings: Settings,
    tenant_keys: Keys,
    receiver: Receiver,
    clients: ClientPool,
    log_lines: io.StringIO,
) -> None:
    url = receiver.script("/hook", Answer(503))
    delivery_id, event_id = await one_delivery(db, settings, tenant_keys, url)
    await attempt_delivery(db, clients, settings, delivery_id)
    [line] = [line for line in parsed(log_lines) if line["message"] == "webhook attempt"]
    assert line == {
        "time": line["time"],
        "level": "INFO",
        "message": "webhook attempt",
        "logger": "app.webhooks.delivery",
        "deliveryId": str(delivery_id),
        "eventId": event_id,
        "tenantId": str(tenant_keys.tenant.id),
        "correlationId": "corr-1",
        "attempt": 1,
        "statusCode": 503,
        "outcome": "pending",
    }
