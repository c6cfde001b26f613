"""CONTRACT.md §8 delivery log and retry: newest first, filtered by status, dead → pending."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.core.time import utc_now
from db.models.webhook_delivery import WebhookDelivery
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.benchmarks.engine_probe import statement_counter
from tests.factories import PUBLIC_WEBHOOK_URL, UNKNOWN_ID, Keys, bearer, make_delivery

ENDPOINTS = "/v1/tenants/acme/webhook-endpoints"
RETRY = "/v1/tenants/{}/webhook-deliveries/{}/retry"
DELIVERY_FIELDS = {
    "id",
    "endpointId",
    "resourceId",
    "requestId",
    "eventId",
    "eventType",
    "status",
    "attempts",
    "lastStatusCode",
    "lastError",
    "nextAttemptAt",
    "deliveredAt",
    "createdAt",
}
RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
BASE_TIME = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


async def create_endpoint(client: httpx.AsyncClient, keys: Keys) -> uuid.UUID:
    response = await client.post(ENDPOINTS, json={"url": PUBLIC_WEBHOOK_URL}, headers=keys.headers)
    assert response.status_code == 201
    return uuid.UUID(response.json()["data"]["id"])


async def log(
    client: httpx.AsyncClient, keys: Keys, endpoint_id: uuid.UUID, query: str = ""
) -> dict[str, Any]:
    response = await client.get(
        f"{ENDPOINTS}/{endpoint_id}/deliveries{query}", headers=keys.headers
    )
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def stored(db: Database, delivery_id: uuid.UUID) -> WebhookDelivery:
    async with db.unit_of_work() as session:
        row = await session.get(WebhookDelivery, delivery_id)
    assert row is not None
    return row


async def count_deliveries(db: Database) -> int:
    async with db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(WebhookDelivery)) or 0)


async def test_log_shows_deliveries_newest_first_with_their_event_type(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    endpoint_id = await create_endpoint(client, tenant_keys)
    older = await make_delivery(
        db,
        endpoint_id,
        tenant_keys.tenant,
        status="dead",
        event_type="report.published",
        attempts=8,
        created_at=BASE_TIME,
        last_status_code=503,
        last_error="HTTP 503",
    )
    newer = await make_delivery(
        db, endpoint_id, tenant_keys.tenant, created_at=BASE_TIME + timedelta(minutes=1)
    )
    page = await log(client, tenant_keys, endpoint_id)
    assert set(page) == {"data", "nextCursor"}
    assert page["nextCursor"] is None
    assert [entry["id"] for entry in page["data"]] == [str(newer), str(older)]
    assert all(set(entry) == DELIVERY_FIELDS for entry in page["data"])
    dead = page["data"][1]
    row = await stored(db, older)
    assert dead == {
        "id": str(older),
        "endpointId": str(endpoint_id),
        "eventId": str(row.event_id),
        "eventType": "report.published",
        "status": "dead",
        "attempts": 8,
        "lastStatusCode": 503,
        "lastError": "HTTP 503",
        "nextAttemptAt": None,
        "deliveredAt": None,
        "resourceId": None,
        "requestId": None,
        "createdAt": "2026-11-01T12:00:00.000Z",
    }
    assert page["data"][0]["eventType"] == "report.created"


async def test_log_filters_by_status_and_pages_without_repeats(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    endpoint_id = await create_endpoint(client, tenant_keys)
    other_endpoint = await create_endpoint(client, tenant_keys)
    statuses = ["pending", "dead", "delivered", "dead", "dead", "pending", "dead"]
    ids = [
        await make_delivery(
            db, endpoint_id, tenant_keys.tenant, status=status, created_at=BASE_TIME
        )
        for status in statuses
    ]
    await make_delivery(db, other_endpoint, tenant_keys.tenant, status="dead")
    newest_first = sorted(ids, reverse=True)  # same createdAt: then id, descending

    for status in (None, "dead", "pending", "delivered"):
        expected = [
            str(delivery_id)
            for delivery_id in newest_first
            if status is None or statuses[ids.index(delivery_id)] == status
        ]
        seen: list[str] = []
        cursor = None
        for _ in range(10):
            query = "?limit=2" + (f"&status={status}" if status else "")
            query += f"&cursor={cursor}" if cursor else ""
            page = await log(client, tenant_keys, endpoint_id, query)
            assert len(page["data"]) <= 2
            assert all(status is None or e["status"] == status for e in page["data"])
            seen.extend(entry["id"] for entry in page["data"])
            cursor = page["nextCursor"]
            if cursor is None:
                break
        assert seen == expected, status


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("?status=failed", "status"),
        ("?status=", "status"),
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?cursor=x", "cursor"),
    ],
)
async def test_bad_log_parameters_are_422(
    client: httpx.AsyncClient, tenant_keys: Keys, query: str, path: str
) -> None:
    endpoint_id = await create_endpoint(client, tenant_keys)
    response = await client.get(
        f"{ENDPOINTS}/{endpoint_id}/deliveries{query}", headers=tenant_keys.headers
    )
    error = assert_error(response, 422, "validation_error")
    assert [detail["path"] for detail in error["details"]] == [path]


async def test_a_cursor_of_another_status_is_422(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    endpoint_id = await create_endpoint(client, tenant_keys)
    for _ in range(3):
        await make_delivery(db, endpoint_id, tenant_keys.tenant, status="dead")
    cursor = (await log(client, tenant_keys, endpoint_id, "?status=dead&limit=1"))["nextCursor"]
    assert cursor
    response = await client.get(
        f"{ENDPOINTS}/{endpoint_id}/deliveries?status=pending&cursor={cursor}",
        headers=tenant_keys.headers,
    )
    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize("endpoint_id", [UNKNOWN_ID, "not-a-uuid"])
async def test_a_bad_cursor_is_422_before_an_unknown_endpoint_is_404(
    client: httpx.AsyncClient, tenant_keys: Keys, endpoint_id: str
) -> None:
    response = await client.get(
        f"{ENDPOINTS}/{endpoint_id}/deliveries?cursor=x", headers=tenant_keys.headers
    )
    assert_error(response, 422, "validation_error")


async def test_log_reads_in_a_fixed_number_of_statements(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    endpoint_id = await create_endpoint(client, tenant_keys)
    counts = []
    for total in (1, 20):
        while await count_deliveries(db) < total:
            await make_delivery(db, endpoint_id, tenant_keys.tenant)
        with statement_counter() as counted:
            page = await log(client, tenant_keys, endpoint_id, "?limit=100")
        assert len(page["data"]) == total
        counts.append(counted())
    assert counts[0] == counts[1]


@pytest.mark.parametrize("endpoint_id", ["nope", UNKNOWN_ID])
async def test_log_of_an_unknown_endpoint_is_404(
    client: httpx.AsyncClient, tenant_keys: Keys, endpoint_id: str
) -> None:
    response = await client.get(
        f"{ENDPOINTS}/{endpoint_id}/deliveries", headers=tenant_keys.headers
    )
    assert_error(response, 404, "not_found")


async def test_deleting_an_endpoint_deletes_its_log(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    endpoint_id = await create_endpoint(client, tenant_keys)
    kept = await create_endpoint(client, tenant_keys)
    await make_delivery(db, endpoint_id, tenant_keys.tenant, status="dead")
    await make_delivery(db, kept, tenant_keys.tenant)
    response = await client.delete(f"{ENDPOINTS}/{endpoint_id}", headers=tenant_keys.headers)
    assert response.status_code == 204
    assert await count_deliveries(db) == 1


async def test_retry_puts_a_dead_delivery_back_at_the_start_of_its_schedule(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    endpoint_id = await create_endpoint(client, tenant_keys)
    delivery_id = await make_delivery(
        db,
        endpoint_id,
        tenant_keys.tenant,
        status="dead",
        event_type="automation_run.failed",
        attempts=8,
        schedule_step=8,
        created_at=BASE_TIME,
        last_status_code=500,
        last_error="HTTP 500",
    )
    before = utc_now()
    response = await client.post(RETRY.format("acme", delivery_id), headers=tenant_keys.headers)
    assert response.status_code == 202, response.text
    assert response.headers["content-type"] == "application/json"
    assert "idempotent-replayed" not in response.headers
    body = response.json()
    assert set(body) == {"data"}
    retried = body["data"]
    assert set(retried) == DELIVERY_FIELDS
    assert retried | {"nextAttemptAt": None} == {
        "id": str(delivery_id),
        "endpointId": str(endpoint_id),
        "eventId": retried["eventId"],
        "eventType": "automation_run.failed",
        "status": "pending",
        "attempts": 8,
        "lastStatusCode": 500,
        "lastError": "HTTP 500",
        "nextAttemptAt": None,
        "deliveredAt": None,
        "resourceId": None,
        "requestId": None,
        "createdAt": "2026-11-01T12:00:00.000Z",
    }
    assert RFC3339_Z.match(retried["nextAttemptAt"])
    row = await stored(db, delivery_id)
    assert str(row.event_id) == retried["eventId"]
    assert (row.status, row.attempts, row.schedule_step) == ("pending", 8, 0)
    assert (row.last_status_code, row.last_error) == (500, "HTTP 500")
    assert row.next_attempt_at is not None
    assert abs(row.next_attempt_at - before) < timedelta(seconds=30)
    assert row.updated_at > BASE_TIME

    listed = await log(client, tenant_keys, endpoint_id, "?status=pending")
    assert listed["data"] == [retried]


@pytest.mark.parametrize("status", ["pending", "delivered"])
async def test_retrying_a_delivery_that_is_not_dead_is_409(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, status: str
) -> None:
    endpoint_id = await create_endpoint(client, tenant_keys)
    delivery_id = await make_delivery(
        db, endpoint_id, tenant_keys.tenant, status=status, attempts=2, schedule_step=2
    )
    before = await stored(db, delivery_id)
    response = await client.post(
        RETRY.format("acme", delivery_id), json={}, headers=tenant_keys.headers
    )
    assert_error(response, 409, "conflict")
    after = await stored(db, delivery_id)
    assert (after.status, after.schedule_step, after.updated_at) == (
        status,
        2,
        before.updated_at,
    )


@pytest.mark.parametrize("delivery_id", ["nope", "1", UNKNOWN_ID])
async def test_retrying_an_unknown_delivery_is_404(
    client: httpx.AsyncClient, tenant_keys: Keys, delivery_id: str
) -> None:
    response = await client.post(RETRY.format("acme", delivery_id), headers=tenant_keys.headers)
    assert_error(response, 404, "not_found")


async def test_another_tenants_delivery_cannot_be_retried(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    endpoint_id = await create_endpoint(client, tenant_keys)
    delivery_id = await make_delivery(db, endpoint_id, tenant_keys.tenant, status="dead")
    other = bearer(tenant_keys.other_key)
    assert_error(
        await client.post(RETRY.format("globex", delivery_id), headers=other), 404, "not_found"
    )
    assert_error(
        await client.post(RETRY.format("acme", delivery_id), headers=other),
        403,
        "tenant_forbidden",
    )
    other_log = await client.get(f"{ENDPOINTS}/{endpoint_id}/deliveries", headers=other)
    assert_error(other_log, 403, "tenant_forbidden")
    assert (await stored(db, delivery_id)).status == "dead"


async def test_retry_refuses_input(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    endpoint_id = await create_endpoint(client, tenant_keys)
    delivery_id = await make_delivery(db, endpoint_id, tenant_keys.tenant, status="dead")
    response = await client.post(
        RETRY.format("acme", delivery_id), json={"now": True}, headers=tenant_keys.headers
    )
    assert_error(response, 422, "validation_error")
    assert (await stored(db, delivery_id)).status == "dead"
