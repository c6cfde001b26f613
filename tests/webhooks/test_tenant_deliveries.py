"""CONTRACT.md §14 `GET /v1/tenants/{t}/webhook-deliveries`: the tenant's deliveries newest
first, each filter, pagination bound to its filters, the refusals, and the indexes it uses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from app.core.config import Settings
from app.core.pagination import Position
from app.webhooks.delivery_filters import DeliveryFilters
from app.webhooks.repository import tenant_deliveries_query
from db.models.outbox_event import OutboxEvent
from db.models.webhook_delivery import WebhookDelivery
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.factories import PUBLIC_WEBHOOK_URL, Keys, bearer, make_endpoint, make_key

DELIVERIES = "/v1/tenants/{}/webhook-deliveries"
BASE_TIME = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


async def add_delivery(
    db: Database,
    endpoint: WebhookEndpoint,
    *,
    minute: int,
    status: str = "pending",
    event_type: str = "report.created",
    request_id: str | None = None,
    resource_id: uuid.UUID | None = None,
) -> tuple[uuid.UUID, uuid.UUID]:
    """An event and its delivery to `endpoint`, created `minute` minutes after BASE_TIME; the
    delivery's and the event's ids."""
    async with db.unit_of_work() as session:
        event = OutboxEvent(
            tenant_id=endpoint.tenant_id,
            event_type=event_type,
            payload={"id": "x"},
            request_id=request_id,
            resource_id=resource_id,
        )
        session.add(event)
        await session.flush()
        delivery = WebhookDelivery(
            tenant_id=endpoint.tenant_id,
            endpoint_id=endpoint.id,
            event_id=event.id,
            status=status,
            request_id=request_id,
            resource_id=resource_id,
            created_at=BASE_TIME + timedelta(minutes=minute),
        )
        session.add(delivery)
        await session.flush()
        return delivery.id, event.id


async def listed(
    client: httpx.AsyncClient, keys: Keys, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await client.get(DELIVERIES.format("acme"), params=params, headers=keys.headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def ids(client: httpx.AsyncClient, keys: Keys, **params: Any) -> list[uuid.UUID]:
    return [uuid.UUID(entry["id"]) for entry in (await listed(client, keys, params))["data"]]


@pytest.fixture
async def endpoints(db: Database, settings: Settings, tenant_keys: Keys) -> list[WebhookEndpoint]:
    return [
        (await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL))[0]
        for _ in range(2)
    ]


async def test_lists_every_endpoints_deliveries_newest_first_with_their_endpoint(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    db: Database,
    settings: Settings,
    endpoints: list[WebhookEndpoint],
) -> None:
    first, second = endpoints
    older, _ = await add_delivery(db, first, minute=0, status="dead")
    newer, _ = await add_delivery(db, second, minute=1, status="skipped")
    theirs, _ = await make_endpoint(db, settings, tenant_keys.other_tenant, PUBLIC_WEBHOOK_URL)
    await add_delivery(db, theirs, minute=2)
    page = await listed(client, tenant_keys)
    assert page["nextCursor"] is None
    assert [entry["id"] for entry in page["data"]] == [str(newer), str(older)]
    assert [entry["endpointId"] for entry in page["data"]] == [str(second.id), str(first.id)]
    assert [entry["status"] for entry in page["data"]] == ["skipped", "dead"]
    assert page["data"][0]["createdAt"] == "2026-11-01T12:01:00.000Z"


async def test_each_filter_selects_its_deliveries(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, endpoints: list[WebhookEndpoint]
) -> None:
    first, second = endpoints
    report = uuid.uuid4()
    a, a_event = await add_delivery(db, first, minute=0, request_id="req-a", resource_id=report)
    b, _ = await add_delivery(
        db, first, minute=1, status="delivered", event_type="report.published"
    )
    c, _ = await add_delivery(db, second, minute=2, status="skipped", resource_id=report)
    d, _ = await add_delivery(
        db, second, minute=3, status="dead", event_type="automation_run.failed", request_id="r:b"
    )
    assert await ids(client, tenant_keys) == [d, c, b, a]
    assert await ids(client, tenant_keys, endpointId=str(first.id)) == [b, a]
    assert await ids(client, tenant_keys, status="skipped") == [c]
    assert await ids(client, tenant_keys, status="delivered") == [b]
    assert await ids(client, tenant_keys, status="pending") == [a]
    assert await ids(client, tenant_keys, eventType="automation_run.failed") == [d]
    assert await ids(client, tenant_keys, eventId=str(a_event)) == [a]
    assert await ids(client, tenant_keys, requestId="req-a") == [a]
    assert await ids(client, tenant_keys, requestId="r:b") == [d]
    assert await ids(client, tenant_keys, resourceId=str(report)) == [c, a]
    # since is inclusive, until exclusive; offsets name the same moments.
    assert await ids(client, tenant_keys, since="2026-11-01T12:01:00Z") == [d, c, b]
    assert await ids(client, tenant_keys, until="2026-11-01T12:02:00Z") == [b, a]
    window = {"since": "2026-11-01T13:01:00+01:00", "until": "2026-11-01T12:03:00.000Z"}
    assert await ids(client, tenant_keys, **window) == [c, b]
    # A `+` left unencoded in the query string arrives as a space: read as the offset's sign.
    unencoded = await client.get(
        DELIVERIES.format("acme") + "?since=2026-11-01T13:02:00+01:00", headers=tenant_keys.headers
    )
    assert [entry["id"] for entry in unencoded.json()["data"]] == [str(d), str(c)]
    empty = {"since": "2026-11-01T12:02:00Z", "until": "2026-11-01T12:02:00Z"}
    assert await ids(client, tenant_keys, **empty) == []
    # Filters combine.
    assert await ids(client, tenant_keys, resourceId=str(report), endpointId=str(second.id)) == [c]
    assert await ids(client, tenant_keys, resourceId=str(report), status="dead") == []
    assert await ids(client, tenant_keys, eventId=str(uuid.uuid4())) == []


async def test_pages_follow_the_filters_without_repeats(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, endpoints: list[WebhookEndpoint]
) -> None:
    first, second = endpoints
    mine = [
        (await add_delivery(db, first, minute=minute // 2, status="dead"))[0] for minute in range(7)
    ]
    for minute in range(3):
        await add_delivery(db, second, minute=minute, status="dead")
    seen: list[str] = []
    params: dict[str, Any] = {"endpointId": str(first.id), "status": "dead", "limit": 3}
    pages = 0
    while True:
        page = await listed(client, tenant_keys, params)
        pages += 1
        seen += [entry["id"] for entry in page["data"]]
        if page["nextCursor"] is None:
            break
        params["cursor"] = page["nextCursor"]
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == {str(delivery_id) for delivery_id in mine}
    # Newest first, ties broken by id descending.
    page = await listed(client, tenant_keys, {"endpointId": str(first.id), "limit": 100})
    places = [(entry["createdAt"], entry["id"]) for entry in page["data"]]
    assert places == sorted(places, reverse=True)


async def test_a_cursor_only_continues_the_list_and_filters_it_came_from(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, endpoints: list[WebhookEndpoint]
) -> None:
    first, _ = endpoints
    for minute in range(3):
        await add_delivery(db, first, minute=minute, request_id="req-a")
    page = await listed(client, tenant_keys, {"requestId": "req-a", "limit": 1})
    cursor = page["nextCursor"]
    assert cursor is not None
    same = await listed(client, tenant_keys, {"requestId": "req-a", "limit": 1, "cursor": cursor})
    assert len(same["data"]) == 1
    url = DELIVERIES.format("acme")
    for params in (
        {"cursor": cursor},
        {"requestId": "req-b", "cursor": cursor},
        {"requestId": "req-a", "status": "pending", "cursor": cursor},
    ):
        response = await client.get(url, params=params, headers=tenant_keys.headers)
        error = assert_error(response, 422, "validation_error")
        assert error["details"][0]["path"] == "cursor"
    # Nor does an endpoint log's cursor continue the tenant's list, or the reverse.
    endpoint_log = await client.get(
        f"/v1/tenants/acme/webhook-endpoints/{first.id}/deliveries",
        params={"limit": 1},
        headers=tenant_keys.headers,
    )
    log_cursor = endpoint_log.json()["nextCursor"]
    response = await client.get(url, params={"cursor": log_cursor}, headers=tenant_keys.headers)
    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("endpointId", "not-a-uuid"),
        ("eventId", "123"),
        ("resourceId", ""),
        ("status", "failed"),
        ("eventType", "report.deleted"),
        ("requestId", "has space"),
        ("requestId", "x" * 129),
        ("since", "2026-11-01"),
        ("since", "2026-11-01T12:00:00"),
        ("until", "1764590400"),
        ("until", "yesterday"),
        ("since", "0001-01-01T00:00:00+01:00"),
        ("limit", "0"),
        ("limit", "101"),
        ("cursor", "bogus"),
    ],
)
async def test_malformed_filters_are_422_validation_error(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, name: str, value: str
) -> None:
    response = await client.get(
        DELIVERIES.format("acme"), params={name: value}, headers=tenant_keys.headers
    )
    error = assert_error(response, 422, "validation_error")
    assert name in error["details"][0]["path"]


async def test_refusals_401_without_a_key_403_without_the_scope_or_for_another_tenant(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    url = DELIVERIES.format("acme")
    assert_error(await client.get(url), 401, "unauthenticated")
    # Authentication comes before validation.
    assert_error(await client.get(url, params={"status": "bogus"}), 401, "unauthenticated")
    assert_error(await client.get(url, headers=bearer("afk_nope")), 401, "unauthenticated")
    writer = await make_key(db, settings, tenant_keys.tenant, scopes=["webhooks:write"])
    refused = await client.get(url, headers=bearer(writer))
    error = assert_error(refused, 403, "insufficient_scope")
    assert error["details"]["requiredScope"] == "webhooks:read"
    other = await client.get(url, headers=bearer(tenant_keys.other_key))
    assert_error(other, 403, "tenant_forbidden")
    reader = await make_key(db, settings, tenant_keys.tenant, scopes=["webhooks:read"])
    allowed = await client.get(url, headers=bearer(reader))
    assert allowed.status_code == 200
    assert allowed.json() == {"data": [], "nextCursor": None}


async def _plan(
    db: Database, tenant_id: uuid.UUID, filters: DeliveryFilters, *, reverse: bool = False
) -> str:
    after = Position("any", BASE_TIME + timedelta(days=1), uuid.uuid4())
    query = tenant_deliveries_query(tenant_id, filters, after, 21, reverse=reverse)
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    async with db.unit_of_work() as session:
        rows = await session.execute(text(f"EXPLAIN {sql}"))
    return "\n".join(row[0] for row in rows)


async def test_request_and_resource_filters_use_their_indexes(
    tenant_keys: Keys, db: Database, endpoints: list[WebhookEndpoint]
) -> None:
    first, _ = endpoints
    tenant_id = tenant_keys.tenant.id
    async with db.unit_of_work() as session:
        # Enough rows of the tenant that scanning them would cost more than the index.
        await session.execute(
            text(
                "INSERT INTO outbox_events (id, tenant_id, event_type, payload, request_id, "
                "resource_id) SELECT gen_random_uuid(), :tenant, 'report.created', '{}', "
                "'req-' || n, gen_random_uuid() FROM generate_series(1, 20000) AS n"
            ),
            {"tenant": tenant_id},
        )
        await session.execute(
            text(
                "INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, "
                "request_id, resource_id, created_at) SELECT gen_random_uuid(), tenant_id, "
                ":endpoint, id, request_id, resource_id, now() - random() * interval '30 days' "
                "FROM outbox_events"
            ),
            {"endpoint": first.id},
        )
        await session.execute(text("ANALYZE outbox_events, webhook_deliveries"))
    by_request = await _plan(db, tenant_id, DeliveryFilters(request_id="req-7"))
    assert "ix_webhook_deliveries_request" in by_request, by_request
    by_resource = await _plan(db, tenant_id, DeliveryFilters(resource_id=uuid.uuid4()))
    assert "ix_webhook_deliveries_resource" in by_resource, by_resource
    unfiltered = await _plan(db, tenant_id, DeliveryFilters())
    assert "ix_webhook_deliveries_tenant_log" in unfiltered, unfiltered
    # Read backwards (GraphQL's `last`/`before`), the same indexes serve, scanned backwards.
    backwards = await _plan(db, tenant_id, DeliveryFilters(), reverse=True)
    assert "Index Scan Backward using ix_webhook_deliveries_tenant_log" in backwards, backwards
    by_request = await _plan(db, tenant_id, DeliveryFilters(request_id="req-7"), reverse=True)
    assert "ix_webhook_deliveries_request" in by_request, by_request
    # An endpoint's list (GraphQL's WebhookEndpoint.deliveries) reads the endpoint log's index.
    quiet = DeliveryFilters(endpoint_id=uuid.uuid4())
    for reverse in (False, True):
        by_endpoint = await _plan(db, tenant_id, quiet, reverse=reverse)
        assert "ix_webhook_deliveries_log" in by_endpoint, by_endpoint
