"""CONTRACT.md §6: create (202, Location, idempotent), get, list; conflicts and validation."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from app.core.config import Settings
from db.session import Database
from tests.api.test_http_conventions import assert_error, assert_only_the_canonical_form_names
from tests.automation_runs.helpers import RUNS, create_run, runs_in_db
from tests.factories import Keys, bearer, make_key

URL = RUNS.format("acme")
RUN_FIELDS = {
    "id",
    "flowId",
    "provider",
    "status",
    "correlationId",
    "input",
    "output",
    "error",
    "providerRunId",
    "attempts",
    "createdAt",
    "updatedAt",
    "startedAt",
    "completedAt",
}


async def test_create_is_202_with_location_and_a_queued_run(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    response = await client.post(
        URL, json={"flowId": "flow_1", "input": {"a": 1}}, headers=tenant_keys.headers
    )
    assert response.status_code == 202, response.text
    run = response.json()["data"]
    assert set(run) == RUN_FIELDS
    assert run["status"] == "queued"
    assert run["provider"] == "activepieces"
    assert run["input"] == {"a": 1}
    assert run["attempts"] == 0
    assert run["output"] is None
    assert run["startedAt"] is None
    assert str(uuid.UUID(run["correlationId"])) == run["correlationId"]
    assert response.headers["location"] == (
        f"/v1/tenants/{tenant_keys.tenant.id}/automation-runs/{run['id']}"
    )
    [row] = await runs_in_db(db)
    assert row.next_attempt_at is not None  # the row is its own dispatch work


async def test_get_and_list_with_status_and_pagination(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    created = [await create_run(client, tenant_keys, correlationId=f"c-{i}") for i in range(5)]
    one = await client.get(f"{URL}/{created[0]['id']}", headers=tenant_keys.headers)
    assert one.status_code == 200
    assert one.json()["data"] == created[0]
    seen: list[str] = []
    cursor = None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = (await client.get(f"{URL}{query}", headers=tenant_keys.headers)).json()
        seen += [run["id"] for run in page["data"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == [run["id"] for run in reversed(created)]
    queued = await client.get(f"{URL}?status=queued", headers=tenant_keys.headers)
    assert len(queued.json()["data"]) == 5
    running = await client.get(f"{URL}?status=running", headers=tenant_keys.headers)
    assert running.json() == {"data": [], "nextCursor": None}
    bad = await client.get(f"{URL}?status=done", headers=tenant_keys.headers)
    assert_error(bad, 422, "validation_error")
    first_page = (await client.get(f"{URL}?limit=2", headers=tenant_keys.headers)).json()
    foreign = await client.get(
        f"{URL}?status=running&cursor={first_page['nextCursor']}", headers=tenant_keys.headers
    )
    assert_error(foreign, 422, "validation_error")


async def test_reused_correlation_id_is_409_and_writes_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await create_run(client, tenant_keys, correlationId="order-1")
    again = await client.post(
        URL, json={"flowId": "flow_2", "correlationId": "order-1"}, headers=tenant_keys.headers
    )
    assert_error(again, 409, "conflict")
    assert len(await runs_in_db(db)) == 1


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({}, "flowId"),
        ({"flowId": ""}, "flowId"),
        ({"flowId": "has/slash"}, "flowId"),
        ({"flowId": "f", "input": [1]}, "input"),
        ({"flowId": "f", "provider": "zapier"}, "provider"),
        ({"flowId": "f", "correlationId": "x" * 129}, "correlationId"),
        ({"flowId": "f", "correlationId": ""}, "correlationId"),
        ({"flowId": "f", "extra": 1}, "extra"),
        ({"flowId": "f", "input": {"a": "\u0000"}}, "input.a"),
        (None, ""),
    ],
)
async def test_invalid_bodies_are_422(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, body: Any, path: str
) -> None:
    # Encoded here, as some cases are not objects.
    response = await client.post(
        URL,
        content=json.dumps(body),
        headers={**tenant_keys.headers, "content-type": "application/json"},
    )
    error = assert_error(response, 422, "validation_error")
    assert path in [d["path"] for d in error["details"]]
    assert await runs_in_db(db) == []


@pytest.mark.parametrize("correlation_id", ["order 42", "café-7", "x" * 128])
async def test_any_correlation_id_of_1_to_128_characters_is_accepted(
    client: httpx.AsyncClient, tenant_keys: Keys, correlation_id: str
) -> None:
    response = await client.post(
        URL, json={"flowId": "f", "correlationId": correlation_id}, headers=tenant_keys.headers
    )
    assert response.status_code == 202, response.text
    assert response.json()["data"]["correlationId"] == correlation_id


async def test_create_is_idempotent_with_the_original_location(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    headers = {**tenant_keys.headers, "Idempotency-Key": "run-1"}
    first = await client.post(URL, json={"flowId": "f"}, headers=headers)
    replay = await client.post(URL, json={"flowId": "f"}, headers=headers)
    assert replay.status_code == 202
    assert replay.content == first.content
    assert replay.headers["location"] == first.headers["location"]
    assert replay.headers["idempotent-replayed"] == "true"
    assert len(await runs_in_db(db)) == 1


async def test_runs_of_another_tenant_are_404_and_ids_are_checked(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    run = await create_run(client, tenant_keys)
    globex = RUNS.format("globex")
    other = bearer(tenant_keys.other_key)
    assert_error(await client.get(f"{globex}/{run['id']}", headers=other), 404, "not_found")
    assert_error(
        await client.get(f"{URL}/not-a-uuid", headers=tenant_keys.headers), 404, "not_found"
    )
    assert_error(
        await client.get(f"{URL}/{uuid.uuid4()}", headers=tenant_keys.headers), 404, "not_found"
    )
    assert (await client.get(globex, headers=other)).json()["data"] == []


async def test_scopes(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    reader = await make_key(db, settings, tenant_keys.tenant, scopes=["automations:read"])
    error = assert_error(
        await client.post(URL, json={"flowId": "f"}, headers=bearer(reader)),
        403,
        "insufficient_scope",
    )
    assert error["details"] == {"requiredScope": "automations:write"}
    writer = await make_key(db, settings, tenant_keys.tenant, scopes=["automations:write"])
    error = assert_error(await client.get(URL, headers=bearer(writer)), 403, "insufficient_scope")
    assert error["details"] == {"requiredScope": "automations:read"}


async def test_only_the_canonical_uuid_form_names_a_run(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    run_id = (await create_run(client, tenant_keys))["id"]
    await assert_only_the_canonical_form_names(client, URL, run_id, tenant_keys.headers)
