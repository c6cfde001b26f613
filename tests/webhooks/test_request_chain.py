"""CONTRACT.md §14, from request to delivery: the events an API request causes keep its
X-Request-Id and Idempotency-Key, their deliveries its request id and the resource, and the
tenant's delivery list finds exactly the deliveries of one request."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select

from app.automation_runs.transitions import time_out_stale
from app.core.config import Settings
from db.models.outbox_event import OutboxEvent
from db.session import Database
from tests.automation_runs.helpers import create_run, send_callback
from tests.factories import PUBLIC_WEBHOOK_URL, Keys, make_endpoint
from tests.graphql.helpers import gql
from tests.reports.helpers import REPORTS, batch, item
from tests.worker.helpers import all_deliveries, relay

DELIVERIES = "/v1/tenants/acme/webhook-deliveries"
UPSERT = """
mutation Upsert($input: [ReportInput!]!, $key: String) {
  upsertReports(input: $input, idempotencyKey: $key) { summary { created } }
}
"""


async def events(db: Database) -> list[OutboxEvent]:
    async with db.unit_of_work() as session:
        return list(await session.scalars(select(OutboxEvent).order_by(OutboxEvent.occurred_at)))


async def report_ids(db: Database) -> dict[str, uuid.UUID]:
    async with db.unit_of_work() as session:
        rows = await session.execute(select(OutboxEvent.payload, OutboxEvent.resource_id))
    return {payload["slug"]: resource_id for payload, resource_id in rows}


async def post_batch(
    client: httpx.AsyncClient, keys: Keys, *slugs: str, **headers: str
) -> httpx.Response:
    response = await client.post(
        REPORTS.format("acme"),
        json=batch(*(item(slug, publishedAt="2026-01-01T00:00:00Z") for slug in slugs)),
        headers={**keys.headers, **headers},
    )
    assert response.status_code == 200, response.text
    return response


async def chain(client: httpx.AsyncClient, keys: Keys, request_id: str) -> list[dict[str, Any]]:
    response = await client.get(DELIVERIES, params={"requestId": request_id}, headers=keys.headers)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def test_rest_batch_events_carry_its_request_id_and_idempotency_key(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    response = await post_batch(
        client,
        tenant_keys,
        "a",
        "b",
        **{"X-Request-Id": "req-batch-1", "Idempotency-Key": '"key-1"'},
    )
    assert response.headers["x-request-id"] == "req-batch-1"
    stored = await events(db)
    assert len(stored) == 4  # created and published for each report
    assert {(e.request_id, e.idempotency_key) for e in stored} == {("req-batch-1", "key-1")}
    # Each event names its report.
    ids = {row["report"]["slug"]: row["report"]["id"] for row in response.json()["data"]}
    assert {(e.payload["slug"], str(e.resource_id)) for e in stored} == set(ids.items())


async def test_rest_batch_without_a_key_keeps_the_generated_request_id(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    response = await post_batch(client, tenant_keys, "a", **{"X-Request-Id": "bad id!"})
    generated = response.headers["x-request-id"]
    assert generated != "bad id!"
    stored = await events(db)
    assert {(e.request_id, e.idempotency_key) for e in stored} == {(generated, None)}


async def test_graphql_mutation_events_carry_its_request_id_and_idempotency_key(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    headers = {**tenant_keys.headers, "X-Request-Id": "req-gql-1"}
    body = await gql(client, headers, UPSERT, {"input": [{"slug": "g", "title": "G"}], "key": "k"})
    assert body["data"]["upsertReports"]["summary"] == {"created": 1}
    [event] = await events(db)
    assert (event.event_type, event.request_id, event.idempotency_key) == (
        "report.created",
        "req-gql-1",
        "k",
    )
    assert event.resource_id is not None


async def test_callback_run_events_carry_its_request_id(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    run = await create_run(client, tenant_keys, correlationId="c-1")
    response = await send_callback(
        client,
        "acme",
        {"correlationId": "c-1", "status": "succeeded"},
        headers={"X-Request-Id": "req-callback-1"},
    )
    assert response.status_code == 200, response.text
    [event] = await events(db)
    assert event.event_type == "automation_run.succeeded"
    assert (event.request_id, event.idempotency_key) == ("req-callback-1", None)
    assert str(event.resource_id) == run["id"]


async def test_chain_query_returns_exactly_the_deliveries_of_one_request(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    first, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    second, _ = await make_endpoint(
        db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL, event_types=["report.published"]
    )
    await post_batch(client, tenant_keys, "a", "b", **{"X-Request-Id": "req-one"})
    await post_batch(client, tenant_keys, "c", **{"X-Request-Id": "req-two"})
    await relay(db)
    rows = await all_deliveries(db)
    # Each batch's reports: created and published to the first endpoint, published to the second.
    assert len(rows) == 9
    of_one = await chain(client, tenant_keys, "req-one")
    expected = {str(row.id) for row in rows if row.request_id == "req-one"}
    assert len(expected) == 6
    assert {delivery["id"] for delivery in of_one} == expected
    assert {delivery["requestId"] for delivery in of_one} == {"req-one"}
    assert {delivery["endpointId"] for delivery in of_one} == {str(first.id), str(second.id)}
    slugs = await report_ids(db)
    assert {delivery["resourceId"] for delivery in of_one} == {str(slugs["a"]), str(slugs["b"])}
    assert len(await chain(client, tenant_keys, "req-two")) == 3
    assert await chain(client, tenant_keys, "req-none") == []
    # The same request id in another tenant's list finds nothing of this one's.
    other = await client.get(
        DELIVERIES.replace("acme", "globex"),
        params={"requestId": "req-one"},
        headers={"Authorization": f"Bearer {tenant_keys.other_key}"},
    )
    assert other.status_code == 200
    assert other.json() == {"data": [], "nextCursor": None}


async def test_job_caused_events_have_no_request_id(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    await create_run(client, tenant_keys, correlationId="c-1")
    running = await send_callback(client, "acme", {"correlationId": "c-1", "status": "running"})
    assert running.status_code == 200, running.text
    async with db.unit_of_work() as session:
        timed_out = await time_out_stale(session, timeout_seconds=0, limit=10)
    assert timed_out == 1
    [event] = await events(db)
    assert (event.event_type, event.request_id, event.idempotency_key) == (
        "automation_run.timed_out",
        None,
        None,
    )
    await relay(db)
    [row] = await all_deliveries(db)
    assert (row.request_id, row.resource_id) == (None, event.resource_id)


async def test_events_while_disabled_stay_skipped_when_relayed_after_re_enabling(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    url = f"/v1/tenants/acme/webhook-endpoints/{endpoint.id}"
    off = await client.patch(url, json={"enabled": False}, headers=tenant_keys.headers)
    assert off.status_code == 200, off.text
    await post_batch(client, tenant_keys, "a", **{"X-Request-Id": "req-off"})
    on = await client.patch(url, json={"enabled": True}, headers=tenant_keys.headers)
    assert on.status_code == 200, on.text
    await post_batch(client, tenant_keys, "b", **{"X-Request-Id": "req-on"})
    due = await relay(db)  # one relay, after re-enabling, sees all four events
    rows = await all_deliveries(db)
    assert {(row.request_id, row.status) for row in rows} == {
        ("req-off", "skipped"),
        ("req-on", "pending"),
    }
    assert len(rows) == 4
    assert set(due) == {row.id for row in rows if row.status == "pending"}
    skipped = await client.get(
        DELIVERIES, params={"status": "skipped"}, headers=tenant_keys.headers
    )
    assert {entry["requestId"] for entry in skipped.json()["data"]} == {"req-off"}
