"""CONTRACT.md §15 webhook mutations: each one's effect, the same representation as REST, its
refusals (validation, not_found, conflict, insufficient_scope) writing nothing."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.core.config import Settings
from app.core.time import utc_now
from app.webhooks.secrets import SecretBox
from db.models.outbox_event import OutboxEvent
from db.models.webhook_delivery import WebhookDelivery
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from tests.factories import (
    PUBLIC_WEBHOOK_URL,
    UNKNOWN_ID,
    Keys,
    bearer,
    make_delivery,
    make_endpoint,
    make_key,
)
from tests.graphql.helpers import gql
from tests.graphql.webhook_helpers import (
    CREATE,
    DELETE,
    RECOVER,
    RETRY,
    ROTATE,
    SEND_TEST,
    UPDATE,
    only_error,
    rest_spelling,
    rows,
)

SECRET = re.compile(r"^whsec_[A-Za-z0-9+/]{43}=$")
REST = "/v1/tenants/acme"
SINCE = "2000-01-01T00:00:00Z"


async def stored_endpoint(db: Database, endpoint_id: str) -> WebhookEndpoint | None:
    async with db.unit_of_work() as session:
        return await session.get(WebhookEndpoint, uuid.UUID(endpoint_id))


async def delivery_status(db: Database, delivery_id: uuid.UUID) -> str:
    async with db.unit_of_work() as session:
        status = await session.scalar(
            select(WebhookDelivery.status).where(WebhookDelivery.id == delivery_id)
        )
    return str(status)


def refusal(body: dict[str, Any], code: str) -> dict[str, Any]:
    error = only_error(body)
    assert error["extensions"]["code"] == code, error
    return error


async def test_create_answers_the_endpoint_and_its_secret_once_stored_encrypted(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    body = await gql(
        client,
        tenant_keys.headers,
        CREATE,
        {
            "input": {
                "url": PUBLIC_WEBHOOK_URL,
                "eventTypes": ["report.created", "report.created", "webhook.test"],
                "description": "Our CRM",
                "ordering": "PER_RESOURCE",
                "maxDeliveriesPerSecond": 5,
            }
        },
    )
    assert "errors" not in body, body
    payload = body["data"]["createWebhookEndpoint"]
    assert SECRET.match(payload["secret"])
    endpoint = payload["endpoint"]
    rest = await client.get(
        f"{REST}/webhook-endpoints/{endpoint['id']}", headers=tenant_keys.headers
    )
    assert rest_spelling(endpoint) == rest.json()["data"]
    assert endpoint["eventTypes"] == ["report.created", "webhook.test"]  # repeats dropped
    assert (endpoint["ordering"], endpoint["maxDeliveriesPerSecond"]) == ("PER_RESOURCE", 5)
    row = await stored_endpoint(db, endpoint["id"])
    assert row is not None
    assert payload["secret"] not in row.secret_encrypted
    assert (
        SecretBox.from_keys(settings.data_encryption_key).decrypt(row.secret_encrypted)
        == (payload["secret"])
    )
    # The defaults are REST's.
    plain = await gql(client, tenant_keys.headers, CREATE, {"input": {"url": PUBLIC_WEBHOOK_URL}})
    defaults = plain["data"]["createWebhookEndpoint"]["endpoint"]
    assert (defaults["eventTypes"], defaults["ordering"], defaults["enabled"]) == (
        None,
        "NONE",
        True,
    )


@pytest.mark.parametrize(
    ("fields", "paths"),
    [
        ({"url": "ftp://example.com/x"}, ["input.url"]),
        ({"url": "https://127.0.0.1/x"}, ["input.url"]),
        ({"url": "", "eventTypes": ["no.such"]}, ["input.eventTypes.0", "input.url"]),
        ({"url": PUBLIC_WEBHOOK_URL, "eventTypes": []}, ["input.eventTypes"]),
        (
            {"url": PUBLIC_WEBHOOK_URL, "maxDeliveriesPerSecond": 0},
            ["input.maxDeliveriesPerSecond"],
        ),
        ({"url": PUBLIC_WEBHOOK_URL, "description": "x" * 1001}, ["input.description"]),
    ],
)
async def test_create_refuses_what_rest_refuses_and_writes_nothing(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    db: Database,
    fields: dict[str, Any],
    paths: list[str],
) -> None:
    body = await gql(client, tenant_keys.headers, CREATE, {"input": fields, "key": "bad"})
    error = refusal(body, "validation_error")
    assert sorted(detail["path"] for detail in error["extensions"]["details"]) == paths
    assert await rows(db) == {
        "endpoints": 0,
        "events": 0,
        "deliveries": 0,
        "recoveries": 0,
        "keys": 0,
    }


async def test_update_changes_only_the_fields_given(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(
        db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL, event_types=["report.created"]
    )
    await gql(
        client,
        tenant_keys.headers,
        UPDATE,
        {"id": str(endpoint.id), "input": {"description": "first"}},
    )
    body = await gql(
        client,
        tenant_keys.headers,
        UPDATE,
        {"id": str(endpoint.id), "input": {"enabled": False, "eventTypes": None}},
    )
    assert "errors" not in body, body
    updated = body["data"]["updateWebhookEndpoint"]
    assert (updated["enabled"], updated["disabledReason"]) == (False, "MANUAL")
    assert updated["disabledAt"] is not None
    assert updated["eventTypes"] is None  # an explicit null: every type
    assert updated["description"] == "first"  # not given: unchanged
    rest = await client.get(f"{REST}/webhook-endpoints/{endpoint.id}", headers=tenant_keys.headers)
    assert rest_spelling(updated) == rest.json()["data"]
    cleared = await gql(
        client,
        tenant_keys.headers,
        UPDATE,
        {"id": str(endpoint.id), "input": {"enabled": True, "description": None}},
    )
    again = cleared["data"]["updateWebhookEndpoint"]
    assert (again["enabled"], again["disabledAt"], again["disabledReason"]) == (True, None, None)
    assert again["description"] is None


async def test_update_refusals_write_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    foreign, _ = await make_endpoint(db, settings, tenant_keys.other_tenant, PUBLIC_WEBHOOK_URL)
    before = await stored_endpoint(db, str(endpoint.id))
    for field in ("url", "enabled", "ordering"):
        body = await gql(
            client, tenant_keys.headers, UPDATE, {"id": str(endpoint.id), "input": {field: None}}
        )
        error = refusal(body, "validation_error")
        assert [d["path"] for d in error["extensions"]["details"]] == [f"input.{field}"]
    unsafe = await gql(
        client,
        tenant_keys.headers,
        UPDATE,
        {"id": str(endpoint.id), "input": {"url": "http://10.0.0.1/x"}},
    )
    assert refusal(unsafe, "validation_error")["extensions"]["details"][0]["path"] == "input.url"
    for unknown in (UNKNOWN_ID, "nope", str(foreign.id)):
        body = await gql(
            client, tenant_keys.headers, UPDATE, {"id": unknown, "input": {"description": "x"}}
        )
        refusal(body, "not_found")
    after = await stored_endpoint(db, str(endpoint.id))
    assert after is not None
    assert before is not None
    assert after.updated_at == before.updated_at
    foreign_after = await stored_endpoint(db, str(foreign.id))
    assert foreign_after is not None
    assert foreign_after.description is None


async def test_delete_removes_the_endpoint_and_its_deliveries(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    foreign, _ = await make_endpoint(db, settings, tenant_keys.other_tenant, PUBLIC_WEBHOOK_URL)
    await make_delivery(db, endpoint, tenant_keys.tenant, status="dead")
    body = await gql(client, tenant_keys.headers, DELETE, {"id": str(endpoint.id).upper()})
    assert body["data"]["deleteWebhookEndpoint"] == {"id": str(endpoint.id)}
    assert await stored_endpoint(db, str(endpoint.id)) is None
    assert (await rows(db))["deliveries"] == 0
    for unknown in (str(endpoint.id), UNKNOWN_ID, "nope", str(foreign.id)):
        refusal(await gql(client, tenant_keys.headers, DELETE, {"id": unknown}), "not_found")
    assert await stored_endpoint(db, str(foreign.id)) is not None


async def test_rotate_gives_a_new_secret_and_keeps_the_previous_one_a_day(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, secret = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    foreign, _ = await make_endpoint(db, settings, tenant_keys.other_tenant, PUBLIC_WEBHOOK_URL)
    body = await gql(client, tenant_keys.headers, ROTATE, {"id": str(endpoint.id)})
    assert "errors" not in body, body
    rotated = body["data"]["rotateWebhookEndpointSecret"]
    assert SECRET.match(rotated["secret"])
    assert rotated["secret"] != secret
    row = await stored_endpoint(db, str(endpoint.id))
    assert row is not None
    box = SecretBox.from_keys(settings.data_encryption_key)
    assert box.decrypt(row.secret_encrypted) == rotated["secret"]
    assert row.previous_secret_encrypted is not None
    assert box.decrypt(row.previous_secret_encrypted) == secret
    assert row.previous_secret_expires_at is not None
    expected = row.previous_secret_expires_at.isoformat(timespec="milliseconds")
    assert rotated["previousSecretExpiresAt"] == expected.replace("+00:00", "Z")
    assert row.previous_secret_expires_at - utc_now() > timedelta(hours=23)
    for unknown in (UNKNOWN_ID, "nope", str(foreign.id)):
        refusal(await gql(client, tenant_keys.headers, ROTATE, {"id": unknown}), "not_found")


async def test_retry_sends_a_dead_delivery_again_and_refuses_others(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    dead = await make_delivery(
        db, endpoint, tenant_keys.tenant, status="dead", attempts=3, schedule_step=3
    )
    delivered = await make_delivery(db, endpoint, tenant_keys.tenant, status="delivered")
    foreign_endpoint, _ = await make_endpoint(
        db, settings, tenant_keys.other_tenant, PUBLIC_WEBHOOK_URL
    )
    foreign = await make_delivery(db, foreign_endpoint, tenant_keys.other_tenant, status="dead")
    body = await gql(client, tenant_keys.headers, RETRY, {"id": str(dead)})
    assert "errors" not in body, body
    retried = body["data"]["retryWebhookDelivery"]
    assert (retried["id"], retried["status"], retried["attempts"]) == (str(dead), "PENDING", 3)
    assert await delivery_status(db, dead) == "pending"
    refusal(await gql(client, tenant_keys.headers, RETRY, {"id": str(delivered)}), "conflict")
    refusal(await gql(client, tenant_keys.headers, RETRY, {"id": str(dead)}), "conflict")
    for unknown in (UNKNOWN_ID, "nope", str(foreign)):
        refusal(await gql(client, tenant_keys.headers, RETRY, {"id": unknown}), "not_found")
    assert await delivery_status(db, delivered) == "delivered"
    assert await delivery_status(db, foreign) == "dead"


async def test_recover_starts_a_recovery_like_rest(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    for status in ("dead", "skipped", "dead", "delivered"):
        await make_delivery(db, endpoint, tenant_keys.tenant, status=status)
    body = await gql(
        client,
        tenant_keys.headers,
        RECOVER,
        {"id": str(endpoint.id), "input": {"since": SINCE, "statuses": ["DEAD"]}},
    )
    assert "errors" not in body, body
    recovery = body["data"]["recoverWebhookEndpoint"]
    assert (recovery["status"], recovery["total"], recovery["done"]) == ("RUNNING", 2, 0)
    assert recovery["endpointId"] == str(endpoint.id)
    read = await client.get(
        f"{REST}/webhook-recoveries/{recovery['id']}", headers=tenant_keys.headers
    )
    assert read.status_code == 200
    assert read.json()["data"]["total"] == 2
    empty = await gql(
        client,
        tenant_keys.headers,
        RECOVER,
        {"id": str(endpoint.id), "input": {"since": "2100-01-01T00:00:00+02:00"}},
    )
    assert empty["data"]["recoverWebhookEndpoint"]["status"] == "COMPLETED"


async def test_recover_refusals_write_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    disabled, _ = await make_endpoint(
        db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL, enabled=False
    )
    foreign, _ = await make_endpoint(db, settings, tenant_keys.other_tenant, PUBLIC_WEBHOOK_URL)
    await make_delivery(db, disabled, tenant_keys.tenant, status="dead")
    before = await rows(db)
    recover = {"since": SINCE}
    refusal(
        await gql(client, tenant_keys.headers, RECOVER, {"id": str(disabled.id), "input": recover}),
        "conflict",
    )
    for unknown in (UNKNOWN_ID, "nope", str(foreign.id)):
        body = await gql(client, tenant_keys.headers, RECOVER, {"id": unknown, "input": recover})
        refusal(body, "not_found")
    empty = await gql(
        client,
        tenant_keys.headers,
        RECOVER,
        {"id": str(disabled.id), "input": {"since": SINCE, "statuses": []}},
    )
    error = refusal(empty, "validation_error")
    assert [d["path"] for d in error["extensions"]["details"]] == ["input.statuses"]
    assert await rows(db) == before


async def test_send_test_webhook_records_the_event_with_the_requests_origin(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(
        db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL, event_types=["report.created"]
    )
    headers = {**tenant_keys.headers, "X-Request-Id": "req-gql-1"}
    body = await gql(client, headers, SEND_TEST, {"id": str(endpoint.id), "key": "test-1"})
    assert "errors" not in body, body
    delivery = body["data"]["sendTestWebhook"]
    assert (delivery["eventType"], delivery["status"]) == ("webhook.test", "PENDING")
    assert (delivery["requestId"], delivery["resourceId"]) == ("req-gql-1", str(endpoint.id))
    async with db.unit_of_work() as session:
        event = await session.get(OutboxEvent, uuid.UUID(delivery["eventId"]))
    assert event is not None
    assert (event.request_id, event.idempotency_key) == ("req-gql-1", "test-1")
    assert event.payload == {"endpointId": str(endpoint.id)}


async def test_send_test_webhook_refusals_write_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    disabled, _ = await make_endpoint(
        db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL, enabled=False
    )
    foreign, _ = await make_endpoint(db, settings, tenant_keys.other_tenant, PUBLIC_WEBHOOK_URL)
    body = await gql(client, tenant_keys.headers, SEND_TEST, {"id": str(disabled.id), "key": "k"})
    refusal(body, "conflict")
    for unknown in (UNKNOWN_ID, "nope", str(foreign.id)):
        refusal(await gql(client, tenant_keys.headers, SEND_TEST, {"id": unknown}), "not_found")
    counts = await rows(db)
    assert (counts["events"], counts["deliveries"], counts["keys"]) == (0, 0, 0)


MUTATIONS = [
    pytest.param(CREATE, {"input": {"url": PUBLIC_WEBHOOK_URL}}, id="create"),
    pytest.param(UPDATE, {"id": "{endpoint}", "input": {"enabled": False}}, id="update"),
    pytest.param(DELETE, {"id": "{endpoint}"}, id="delete"),
    pytest.param(ROTATE, {"id": "{endpoint}"}, id="rotate"),
    pytest.param(RETRY, {"id": "{delivery}"}, id="retry"),
    pytest.param(RECOVER, {"id": "{endpoint}", "input": {"since": SINCE}}, id="recover"),
    pytest.param(SEND_TEST, {"id": "{endpoint}"}, id="send-test"),
]


@pytest.mark.parametrize(("document", "variables"), MUTATIONS)
async def test_each_mutation_needs_webhooks_write_and_writes_nothing_without_it(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    db: Database,
    settings: Settings,
    document: str,
    variables: dict[str, Any],
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    delivery = await make_delivery(db, endpoint, tenant_keys.tenant, status="dead")
    ids = {"{endpoint}": str(endpoint.id), "{delivery}": str(delivery)}
    filled = {
        name: ids.get(value, value) if isinstance(value, str) else value
        for name, value in variables.items()
    }
    before = await rows(db)
    row_before = await stored_endpoint(db, str(endpoint.id))
    reader = await make_key(db, settings, tenant_keys.tenant, scopes=["webhooks:read"])
    body = await gql(client, bearer(reader), document, {**filled, "key": "k"})
    error = refusal(body, "insufficient_scope")
    assert error["extensions"]["details"] == {"requiredScope": "webhooks:write"}
    assert await rows(db) == before
    row_after = await stored_endpoint(db, str(endpoint.id))
    assert row_before is not None
    assert row_after is not None
    assert (row_after.updated_at, row_after.secret_encrypted) == (
        row_before.updated_at,
        row_before.secret_encrypted,
    )
    assert await delivery_status(db, delivery) == "dead"
