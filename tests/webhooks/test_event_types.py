"""The event-type catalog (CONTRACT.md §14): public, cacheable, the same schemas as the OpenAPI
`webhooks` section, and those schemas describe the payloads the product really records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
from sqlalchemy import select, update

from app.automation_runs.transitions import time_out_stale
from app.core.time import utc_now
from app.openapi_export import openapi_document
from app.outbox.events import EVENT_TYPES
from db.models.automation_run import AutomationRun
from db.models.outbox_event import OutboxEvent
from db.session import Database
from tests.automation_runs.helpers import create_run, send_callback
from tests.factories import PUBLIC_WEBHOOK_URL, Keys
from tests.reports.helpers import REPORTS, batch, item

EVENT_TYPES_URL = "/v1/event-types"
DOCUMENT = openapi_document()


def resolved(schema: Any, root: dict[str, Any]) -> Any:
    """`schema` with every local `$ref` replaced by what it names (in `root`)."""
    if isinstance(schema, list):
        return [resolved(each, root) for each in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return resolved(target, root)
    return {key: resolved(value, root) for key, value in schema.items()}


def comparable(schema: dict[str, Any]) -> Any:
    """A catalog schema without its dialect and definitions, its references resolved."""
    inlined = resolved(schema, schema)
    inlined.pop("$schema")
    inlined.pop("$defs", None)
    return inlined


async def catalog(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    response = await client.get(EVENT_TYPES_URL)
    assert response.status_code == 200, response.text
    return {entry["type"]: entry for entry in response.json()["data"]}


def validator(entries: dict[str, dict[str, Any]], event_type: str) -> Draft202012Validator:
    schema = entries[event_type]["schema"]
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


async def recorded_payloads(db: Database) -> list[tuple[str, dict[str, Any]]]:
    async with db.unit_of_work() as session:
        rows = await session.scalars(select(OutboxEvent).order_by(OutboxEvent.occurred_at))
        return [(row.event_type, row.payload) for row in rows]


async def test_every_event_type_is_listed_without_a_key(client: httpx.AsyncClient) -> None:
    response = await client.get(EVENT_TYPES_URL)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"data"}
    assert [entry["type"] for entry in body["data"]] == list(EVENT_TYPES)
    assert len(body["data"]) == 9
    for entry in body["data"]:
        assert set(entry) == {"type", "description", "schema"}
        assert entry["description"]
        assert entry["schema"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert entry["schema"]["type"] == "object"


async def test_a_key_of_any_tenant_changes_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    anonymous = await client.get(EVENT_TYPES_URL)
    with_key = await client.get(EVENT_TYPES_URL, headers=tenant_keys.headers)
    with_bad_key = await client.get(EVENT_TYPES_URL, headers={"Authorization": "Bearer nope"})
    assert anonymous.content == with_key.content == with_bad_key.content
    assert with_bad_key.status_code == 200
    assert "ratelimit" not in anonymous.headers


async def test_answer_is_cacheable_and_revalidated_by_etag(client: httpx.AsyncClient) -> None:
    first = await client.get(EVENT_TYPES_URL)
    assert first.headers["cache-control"] == "public, max-age=3600"
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert first.headers["x-content-type-options"] == "nosniff"
    for matching in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = await client.get(EVENT_TYPES_URL, headers={"If-None-Match": matching})
        assert again.status_code == 304, matching
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == "public, max-age=3600"
    stale = await client.get(EVENT_TYPES_URL, headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200
    assert stale.content == first.content


async def test_other_methods_are_405(client: httpx.AsyncClient) -> None:
    response = await client.post(EVENT_TYPES_URL, json={})
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["allow"]


async def test_each_schema_and_description_is_the_openapi_webhooks(
    client: httpx.AsyncClient,
) -> None:
    entries = await catalog(client)
    assert set(DOCUMENT["webhooks"]) == set(entries)
    for event_type, entry in entries.items():
        operation = DOCUMENT["webhooks"][event_type]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        data = resolved(body, DOCUMENT)["properties"]["data"]
        assert comparable(entry["schema"]) == data, event_type
        assert entry["description"] == operation["description"]


async def test_report_payloads_validate(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    url = REPORTS.format("acme")
    created = await client.post(
        url, json=batch(item("a", content={"blocks": [1, 2]})), headers=tenant_keys.headers
    )
    assert created.status_code == 200, created.text
    published = await client.post(
        url,
        json=batch(item("a", title="New", publishedAt="2026-01-01T00:00:00Z")),
        headers=tenant_keys.headers,
    )
    assert published.status_code == 200, published.text
    entries = await catalog(client)
    payloads = await recorded_payloads(db)
    assert [event_type for event_type, _ in payloads] == [
        "report.created",
        "report.updated",
        "report.published",
    ]
    for event_type, payload in payloads:
        validator(entries, event_type).validate(payload)


async def test_run_payloads_validate(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await create_run(client, tenant_keys, correlationId="ok", input={"x": 1})
    await create_run(client, tenant_keys, correlationId="bad")
    await create_run(client, tenant_keys, correlationId="slow")
    for callback in (
        {"correlationId": "ok", "status": "succeeded", "output": {"y": 2}},
        {"correlationId": "bad", "status": "failed", "error": {"reason": "boom"}},
        {"correlationId": "slow", "status": "running", "providerRunId": "ap-1"},
    ):
        assert (await send_callback(client, "acme", callback)).status_code == 200
    async with db.unit_of_work() as session:
        await session.execute(
            update(AutomationRun)
            .where(AutomationRun.correlation_id == "slow")
            .values(started_at=utc_now() - timedelta(seconds=61))
        )
    async with db.unit_of_work() as session:
        assert await time_out_stale(session, timeout_seconds=60, limit=10) == 1
    entries = await catalog(client)
    payloads = await recorded_payloads(db)
    assert sorted(event_type for event_type, _ in payloads) == [
        "automation_run.failed",
        "automation_run.succeeded",
        "automation_run.timed_out",
    ]
    for event_type, payload in payloads:
        validator(entries, event_type).validate(payload)


async def test_endpoint_and_test_event_payloads_validate(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    created = await client.post(
        "/v1/tenants/acme/webhook-endpoints",
        json={"url": PUBLIC_WEBHOOK_URL, "eventTypes": ["report.created"], "ordering": "none"},
        headers=tenant_keys.headers,
    )
    assert created.status_code == 201, created.text
    endpoint_id = created.json()["data"]["id"]
    disabled = await client.patch(
        f"/v1/tenants/acme/webhook-endpoints/{endpoint_id}",
        json={"enabled": False},
        headers=tenant_keys.headers,
    )
    assert disabled.status_code == 200, disabled.text
    representation = disabled.json()["data"]
    assert representation["disabledReason"] == "manual"
    entries = await catalog(client)
    for event_type in ("webhook.endpoint.failing", "webhook.endpoint.disabled"):
        validator(entries, event_type).validate(representation)
    validator(entries, "webhook.test").validate({"endpointId": endpoint_id})


@pytest.mark.parametrize(
    ("event_type", "field"),
    [
        ("report.created", "slug"),
        ("automation_run.failed", "status"),
        ("webhook.endpoint.disabled", "disabledAt"),
        ("webhook.test", "endpointId"),
    ],
)
async def test_a_payload_missing_a_required_field_fails(
    client: httpx.AsyncClient, event_type: str, field: str
) -> None:
    entries = await catalog(client)
    schema = entries[event_type]["schema"]
    assert field in schema["required"]
    incomplete = dict.fromkeys(schema["properties"])
    del incomplete[field]
    errors = list(validator(entries, event_type).iter_errors(incomplete))
    assert any(error.validator == "required" and field in error.message for error in errors)
    with pytest.raises(ValidationError):
        validator(entries, event_type).validate({})
