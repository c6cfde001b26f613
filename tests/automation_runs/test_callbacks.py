"""CONTRACT.md §7: signed callbacks, anti-replay, transitions, terminal guard, Redis down."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import subprocess
import sys
from datetime import timedelta

import httpx
from sqlalchemy import select

from app.core.config import DEV_ACTIVEPIECES_WEBHOOK_SECRET, Settings
from app.core.time import utc_now
from app.webhooks.signing import signature_header
from db.models.outbox_event import OutboxEvent
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.asgi import serve
from tests.automation_runs.helpers import (
    CALLBACK,
    RUNS,
    create_run,
    runs_in_db,
    send_callback,
)
from tests.conftest import make_settings
from tests.factories import UNKNOWN_ID, Keys, bearer
from tests.live import live_server


async def events(db: Database) -> list[OutboxEvent]:
    async with db.unit_of_work() as session:
        return list(await session.scalars(select(OutboxEvent)))


async def test_running_then_succeeded(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    run = await create_run(client, tenant_keys, correlationId="c-1", input={"x": 1})
    running = await send_callback(
        client, "acme", {"correlationId": "c-1", "status": "running", "providerRunId": "ap-9"}
    )
    assert running.status_code == 200, running.text
    data = running.json()["data"]
    assert (data["status"], data["providerRunId"]) == ("running", "ap-9")
    assert data["startedAt"] is not None
    assert data["completedAt"] is None
    done = await send_callback(
        client,
        str(tenant_keys.tenant.id),
        {"correlationId": "c-1", "status": "succeeded", "output": {"y": 2}},
    )
    assert done.status_code == 200, done.text
    data = done.json()["data"]
    assert data["id"] == run["id"]
    assert (data["status"], data["output"], data["providerRunId"]) == (
        "succeeded",
        {"y": 2},
        "ap-9",
    )
    assert data["completedAt"] is not None
    assert data["startedAt"] == running.json()["data"]["startedAt"]
    [event] = await events(db)
    assert event.event_type == "automation_run.succeeded"
    assert event.payload == data


async def test_callback_from_queued_applies_directly_and_failed_stores_error(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await create_run(client, tenant_keys, correlationId="c-1")
    response = await send_callback(
        client, "acme", {"correlationId": "c-1", "status": "failed", "error": {"reason": "boom"}}
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["status"], data["error"]) == ("failed", {"reason": "boom"})
    assert data["startedAt"] is not None
    [event] = await events(db)
    assert event.event_type == "automation_run.failed"
    [row] = await runs_in_db(db)
    assert row.next_attempt_at is None  # no dispatch left to do


def signed(
    body: str,
    *,
    secret: str = DEV_ACTIVEPIECES_WEBHOOK_SECRET,
    shift: int = 0,
    message_id: str = "msg_1",
) -> dict[str, str]:
    moment = (utc_now() + timedelta(seconds=shift)).replace(microsecond=0)
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature_header([secret], message_id, moment, body),
    }


async def test_bad_signatures_are_401_and_change_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await create_run(client, tenant_keys, correlationId="c-1")
    body = json.dumps({"correlationId": "c-1", "status": "succeeded"})
    other_secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    cases = {
        "missing": {"content-type": "application/json"},
        "wrong secret": signed(body, secret=other_secret),
        "stale": signed(body, shift=-310),
        "future": signed(body, shift=310),
        "malformed": {**signed(body), "webhook-signature": "v1,not base64!"},
        "tampered id": {**signed(body), "webhook-id": "msg_other"},
    }
    for name, headers in cases.items():
        response = await client.post(CALLBACK.format("acme"), content=body, headers=headers)
        assert response.status_code == 401, name
        assert_error(response, 401, "invalid_signature")
    tampered_body = await client.post(
        CALLBACK.format("acme"), content=body.replace("succeeded", "failed"), headers=signed(body)
    )
    assert_error(tampered_body, 401, "invalid_signature")
    [row] = await runs_in_db(db)
    assert row.status == "queued"
    assert await events(db) == []


async def test_signature_is_checked_before_anything_else(client: httpx.AsyncClient) -> None:
    response = await client.post(
        CALLBACK.format("no-such-tenant"),
        content=b"not json",
        headers={"content-type": "text/plain"},
    )
    assert_error(response, 401, "invalid_signature")


async def test_the_second_configured_secret_verifies(
    database_url: str, redis_url: str, tenant_keys: Keys, db: Database
) -> None:
    new_secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    settings = make_settings(
        database_url,
        redis_url,
        activepieces_webhook_secret=f"{new_secret},{DEV_ACTIVEPIECES_WEBHOOK_SECRET}",
    )
    async with serve(settings) as client:
        await create_run(client, tenant_keys, correlationId="c-1")
        old = await send_callback(client, "acme", {"correlationId": "c-1", "status": "running"})
        new = await send_callback(
            client, "acme", {"correlationId": "c-1", "status": "running"}, secret=new_secret
        )
    assert (old.status_code, new.status_code) == (200, 200)


async def test_replayed_webhook_id_is_409_with_no_second_effect(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await create_run(client, tenant_keys, correlationId="c-1")
    callback = {"correlationId": "c-1", "status": "running", "providerRunId": "first"}
    first = await send_callback(client, "acme", callback, message_id="msg_same")
    assert first.status_code == 200
    again = await send_callback(
        client, "acme", {**callback, "providerRunId": "second"}, message_id="msg_same"
    )
    assert_error(again, 409, "webhook_replayed")
    [row] = await runs_in_db(db)
    assert row.provider_run_id == "first"


async def test_a_callback_replayed_on_another_tenants_path_is_refused(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    """The signature does not cover the path: the exact bytes of A's callback, sent to B's
    callback path with B's matching correlationId, must change nothing (CONTRACT.md §7)."""
    await create_run(client, tenant_keys, correlationId="shared")
    b_run = await client.post(
        RUNS.format("globex"),
        json={"flowId": "f", "correlationId": "shared"},
        headers=bearer(tenant_keys.other_key),
    )
    assert b_run.status_code == 202
    body = json.dumps({"correlationId": "shared", "status": "succeeded", "output": {"a": 1}})
    headers = signed(body, message_id="msg_from_a")
    first = await client.post(CALLBACK.format("acme"), content=body, headers=headers)
    assert first.status_code == 200
    replayed = await client.post(CALLBACK.format("globex"), content=body, headers=headers)
    assert_error(replayed, 409, "webhook_replayed")
    statuses = {str(run.tenant_id): run.status for run in await runs_in_db(db)}
    assert statuses == {
        str(tenant_keys.tenant.id): "succeeded",
        str(tenant_keys.other_tenant.id): "queued",
    }


async def test_run_id_binds_a_callback_to_one_run_of_the_paths_tenant(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    a_run = await create_run(client, tenant_keys, correlationId="shared")
    b_response = await client.post(
        RUNS.format("globex"),
        json={"flowId": "f", "correlationId": "shared"},
        headers=bearer(tenant_keys.other_key),
    )
    b_run = b_response.json()["data"]
    callback = {"correlationId": "shared", "status": "succeeded", "output": {"a": 1}}
    # A fresh webhook-id (not a replay) with A's runId, on B's path: no such run there.
    for run_id in (a_run["id"], "not-a-uuid", UNKNOWN_ID):
        refused = await send_callback(client, "globex", {**callback, "runId": run_id})
        assert_error(refused, 404, "not_found")
    assert {run.status for run in await runs_in_db(db)} == {"queued"}
    applied = await send_callback(client, "globex", {**callback, "runId": b_run["id"]})
    assert applied.status_code == 200, applied.text
    assert applied.json()["data"]["id"] == b_run["id"]
    assert_error(
        await send_callback(client, "globex", {**callback, "runId": 7}), 422, "validation_error"
    )


async def run_test_callback_script(base_url: str, tenant: str, *arguments: str) -> tuple[int, str]:
    completed = await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable, "-m", "app.callbacks.send_test_callback",
            "--url", f"{base_url}{CALLBACK.format(tenant)}", *arguments,
        ],
        env={**os.environ, "ACTIVEPIECES_WEBHOOK_SECRET": DEV_ACTIVEPIECES_WEBHOOK_SECRET},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    return completed.returncode, completed.stdout + completed.stderr


async def test_the_test_callback_script_sends_the_run_id(
    client: httpx.AsyncClient, tenant_keys: Keys, settings: Settings, db: Database
) -> None:
    run = await create_run(client, tenant_keys, correlationId="c-1")
    other = await client.post(
        RUNS.format("globex"),
        json={"flowId": "f", "correlationId": "c-1"},
        headers=bearer(tenant_keys.other_key),
    )
    assert other.status_code == 202
    async with live_server(settings) as base_url:
        completed = await run_test_callback_script(
            base_url, "acme", "--run-id", run["id"], "--correlation-id", "c-1",
            "--status", "succeeded", "--output", '{"ok": true}',
        )  # fmt: skip
        wrong = await run_test_callback_script(
            base_url, "globex", "--run-id", run["id"], "--correlation-id", "c-1",
            "--status", "failed",
        )  # fmt: skip
    assert completed[0] == 0, completed[1]
    assert completed[1].startswith("200 ")
    assert (wrong[0], wrong[1][:4]) == (1, "404 ")
    statuses = {str(row.tenant_id): (row.status, row.output) for row in await runs_in_db(db)}
    assert statuses == {
        str(tenant_keys.tenant.id): ("succeeded", {"ok": True}),
        str(tenant_keys.other_tenant.id): ("queued", None),
    }


async def test_a_refused_callback_leaves_its_id_free(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    unknown = await send_callback(
        client, "acme", {"correlationId": "not-yet", "status": "running"}, message_id="msg_1"
    )
    assert_error(unknown, 404, "not_found")
    await create_run(client, tenant_keys, correlationId="not-yet")
    retried = await send_callback(
        client, "acme", {"correlationId": "not-yet", "status": "running"}, message_id="msg_1"
    )
    assert retried.status_code == 200


async def test_terminal_run_is_409_run_already_completed(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await create_run(client, tenant_keys, correlationId="c-1")
    await send_callback(client, "acme", {"correlationId": "c-1", "status": "succeeded"})
    for status in ("running", "failed", "succeeded"):
        response = await send_callback(client, "acme", {"correlationId": "c-1", "status": status})
        assert_error(response, 409, "run_already_completed")
    [row] = await runs_in_db(db)
    assert row.status == "succeeded"
    assert len(await events(db)) == 1


async def test_unknown_tenant_or_another_tenants_run_is_404(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await create_run(client, tenant_keys, correlationId="c-1")
    callback = {"correlationId": "c-1", "status": "running"}
    assert_error(await send_callback(client, "nobody", callback), 404, "not_found")
    assert_error(await send_callback(client, "globex", callback), 404, "not_found")


async def test_only_canonical_uuids_name_the_tenant_and_the_run(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    run = await create_run(client, tenant_keys, correlationId="c-1")
    tenant_id = tenant_keys.tenant.id
    callback = {"correlationId": "c-1", "status": "running"}
    for tenant in (f"{{{tenant_id}}}", tenant_id.hex, f"urn:uuid:{tenant_id}"):
        assert_error(await send_callback(client, tenant, callback), 404, "not_found")
    run_id = run["id"]
    for variant in (f"{{{run_id}}}", run_id.replace("-", ""), f"urn:uuid:{run_id}"):
        refused = await send_callback(client, "acme", {**callback, "runId": variant})
        assert_error(refused, 404, "not_found")
    applied = await send_callback(client, str(tenant_id), {**callback, "runId": run_id.upper()})
    assert applied.status_code == 200, applied.text


async def test_invalid_callback_bodies(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await create_run(client, tenant_keys, correlationId="c")
    for callback in (
        {"correlationId": "c", "status": "queued"},
        {"status": "running"},
        {"correlationId": "c", "status": "succeeded", "output": {"s": "\u0000"}},
    ):
        assert_error(await send_callback(client, "acme", callback), 422, "validation_error")
    for body in (
        "not json",
        '{"correlationId": "c", "status": "failed", "error": {"n": -1e400}}',
        '{"correlationId": "c", "status": "succeeded", "output": {"s": "\\ud800"}}',
    ):
        response = await client.post(CALLBACK.format("acme"), content=body, headers=signed(body))
        assert_error(response, 400, "invalid_json")
    [row] = await runs_in_db(db)
    assert row.status == "queued"


async def test_redis_down_is_503_and_the_run_is_unchanged(
    database_url: str, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    async with serve(settings) as healthy:
        await create_run(healthy, tenant_keys, correlationId="c-1")
    down = make_settings(database_url, "redis://127.0.0.1:1/0")
    async with serve(down) as client:
        response = await send_callback(
            client, "acme", {"correlationId": "c-1", "status": "succeeded"}
        )
    assert_error(response, 503, "service_unavailable")
    assert "retry-after" in response.headers
    [row] = await runs_in_db(db)
    assert row.status == "queued"
    assert await events(db) == []


async def test_concurrent_duplicate_callbacks_make_one_transition(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await create_run(client, tenant_keys, correlationId="c-1")
    responses = await asyncio.gather(
        *[
            send_callback(client, "acme", {"correlationId": "c-1", "status": "succeeded"})
            for _ in range(10)
        ]
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [409] * 9
    assert len(await events(db)) == 1


async def test_callbacks_need_no_api_key(client: httpx.AsyncClient, tenant_keys: Keys) -> None:
    await create_run(client, tenant_keys, correlationId="c-1")
    response = await send_callback(
        client,
        "acme",
        {"correlationId": "c-1", "status": "running"},
        headers={"Authorization": "Bearer not-a-key"},
    )
    assert response.status_code == 200


async def test_failed_signatures_count_against_the_address(
    database_url: str, redis_url: str, tenant_keys: Keys
) -> None:
    settings = make_settings(database_url, redis_url, rate_limit_auth_failures_per_minute=2)
    body = json.dumps({"correlationId": "c-1", "status": "running"})
    async with serve(settings) as client:
        statuses = [
            (
                await client.post(
                    CALLBACK.format("acme"), content=body, headers=signed(body, shift=-1000)
                )
            ).status_code
            for _ in range(3)
        ]
    assert statuses == [401, 401, 429]
