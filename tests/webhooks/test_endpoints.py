"""CONTRACT.md §8 endpoints: create, list, get, patch, delete; URL rules; scopes and tenancy."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text

from app.core.config import Settings
from app.webhooks.secrets import SecretBox
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from tests.api.test_http_conventions import assert_error, assert_only_the_canonical_form_names
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import PUBLIC_WEBHOOK_URL, UNKNOWN_ID, Keys, bearer, make_key

ENDPOINTS = "/v1/tenants/{}/webhook-endpoints"
URL = ENDPOINTS.format("acme")
ENDPOINT_FIELDS = {
    "id",
    "url",
    "eventTypes",
    "description",
    "enabled",
    "disabledAt",
    "disabledReason",
    "ordering",
    "maxDeliveriesPerSecond",
    "createdAt",
    "updatedAt",
}
RATE_CAP = "maxDeliveriesPerSecond"
RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
SECRET = re.compile(r"^whsec_[A-Za-z0-9+/]{43}=$")


async def create(
    client: httpx.AsyncClient, keys: Keys, url: str = PUBLIC_WEBHOOK_URL, **fields: Any
) -> dict[str, Any]:
    response = await client.post(URL, json={"url": url, **fields}, headers=keys.headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def count_endpoints(db: Database) -> int:
    async with db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(WebhookEndpoint)) or 0)


async def stored(db: Database, endpoint_id: str) -> WebhookEndpoint:
    async with db.unit_of_work() as session:
        row = await session.get(WebhookEndpoint, uuid.UUID(endpoint_id))
    assert row is not None
    return row


async def test_create_shows_the_secret_once_and_stores_it_encrypted(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    response = await client.post(URL, json={"url": PUBLIC_WEBHOOK_URL}, headers=tenant_keys.headers)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    assert "idempotent-replayed" not in response.headers
    body = response.json()
    assert set(body) == {"data"}
    created = body["data"]
    assert set(created) == ENDPOINT_FIELDS | {"secret"}
    assert created["url"] == PUBLIC_WEBHOOK_URL
    assert created["eventTypes"] is None
    assert created["description"] is None
    assert created["enabled"] is True
    assert str(uuid.UUID(created["id"])) == created["id"]
    assert RFC3339_Z.match(created["createdAt"])
    assert created["updatedAt"] == created["createdAt"]
    assert SECRET.match(created["secret"])
    assert response.headers["location"] == (
        f"/v1/tenants/{tenant_keys.tenant.id}/webhook-endpoints/{created['id']}"
    )

    row = await stored(db, created["id"])
    assert row.tenant_id == tenant_keys.tenant.id
    assert created["secret"] not in row.secret_encrypted
    assert "whsec_" not in row.secret_encrypted
    assert (
        SecretBox.from_keys(settings.data_encryption_key).decrypt(row.secret_encrypted)
        == (created["secret"])
    )
    assert row.previous_secret_encrypted is None
    assert row.previous_secret_expires_at is None

    one = await client.get(f"{URL}/{created['id']}", headers=tenant_keys.headers)
    assert one.status_code == 200
    assert one.json() == {"data": {k: v for k, v in created.items() if k != "secret"}}
    listed = await client.get(URL, headers=tenant_keys.headers)
    assert listed.json() == {"data": [one.json()["data"]], "nextCursor": None}
    assert created["secret"] not in one.text + listed.text


async def test_create_with_event_types_drops_repeats_and_keeps_description(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    created = await create(
        client,
        tenant_keys,
        eventTypes=["report.published", "automation_run.failed", "report.published"],
        description="Production receiver",
    )
    assert created["eventTypes"] == ["report.published", "automation_run.failed"]
    assert created["description"] == "Production receiver"
    assert (await create(client, tenant_keys, eventTypes=None))["eventTypes"] is None


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"url": PUBLIC_WEBHOOK_URL, "eventTypes": ["report.deleted"]}, "eventTypes.0"),
        ({"url": PUBLIC_WEBHOOK_URL, "eventTypes": ["report.created", "nope"]}, "eventTypes.1"),
        ({"url": PUBLIC_WEBHOOK_URL, "eventTypes": []}, "eventTypes"),
        ({"url": PUBLIC_WEBHOOK_URL, "eventTypes": "report.created"}, "eventTypes"),
        ({"url": PUBLIC_WEBHOOK_URL, "description": "d" * 1001}, "description"),
        ({"url": PUBLIC_WEBHOOK_URL, "enabled": False}, "enabled"),
        ({"url": PUBLIC_WEBHOOK_URL, "secret": "whsec_mine"}, "secret"),
        ({}, "url"),
        ({"url": None}, "url"),
        ({"url": 42}, "url"),
        ({"url": ""}, "url"),
        ({"url": PUBLIC_WEBHOOK_URL + "/" + "a" * 2048}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "ftp://93.184.216.34/"}, "url"),
        ({"url": "http://93.184.216.34/hook"}, "url"),
        ({"url": "https://no-such-host.invalid/hook"}, "url"),
    ],
)
async def test_invalid_create_is_422_and_writes_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, body: Any, path: str
) -> None:
    response = await client.post(URL, json=body, headers=tenant_keys.headers)
    error = assert_error(response, 422, "validation_error")
    assert [detail["path"] for detail in error["details"]] == [path]
    assert "location" not in response.headers
    assert await count_endpoints(db) == 0


NON_PUBLIC = "The URL's host resolves to a non-public address."


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://127.0.0.1/", NON_PUBLIC),
        ("https://localhost/", NON_PUBLIC),
        ("https://10.1.2.3/", NON_PUBLIC),
        ("https://172.16.5.4/", NON_PUBLIC),
        ("https://192.168.0.10/", NON_PUBLIC),
        ("https://169.254.169.254/latest/meta-data/", NON_PUBLIC),
        ("https://[::1]/", NON_PUBLIC),
        ("https://[::ffff:127.0.0.1]/", NON_PUBLIC),
        ("https://[fe80::1]/", NON_PUBLIC),
        ("https://[fd00::1]/", NON_PUBLIC),
        ("https://100.64.0.1/", NON_PUBLIC),
        ("https://0.0.0.0/", NON_PUBLIC),
        ("https://2130706433/", NON_PUBLIC),
        ("https://0x7f.1/", NON_PUBLIC),
        ("https://user:hunter2@93.184.216.34/", "The URL must not contain credentials."),
    ],
)
async def test_non_public_targets_are_422_with_the_flags_off(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, url: str, message: str
) -> None:
    response = await client.post(URL, json={"url": url}, headers=tenant_keys.headers)
    error = assert_error(response, 422, "validation_error")
    assert error["details"] == [{"path": "url", "message": message}]
    assert url not in response.text
    assert "hunter2" not in response.text
    assert await count_endpoints(db) == 0


async def test_http_and_private_targets_need_their_settings(
    database_url: str, redis_url: str, tenant_keys: Keys, db: Database
) -> None:
    private_http = "http://127.0.0.1:9/hook"
    http_only = make_settings(database_url, redis_url, webhook_allow_http=True)
    async with serve(http_only) as client:
        accepted = await client.post(
            URL, json={"url": "http://93.184.216.34/hook"}, headers=tenant_keys.headers
        )
        assert accepted.status_code == 201, accepted.text
        refused = await client.post(URL, json={"url": private_http}, headers=tenant_keys.headers)
        assert_error(refused, 422, "validation_error")

    private_only = make_settings(database_url, redis_url, webhook_allow_private_targets=True)
    async with serve(private_only) as client:
        accepted = await client.post(
            URL, json={"url": "https://localhost/hook"}, headers=tenant_keys.headers
        )
        assert accepted.status_code == 201, accepted.text
        refused = await client.post(URL, json={"url": private_http}, headers=tenant_keys.headers)
        assert_error(refused, 422, "validation_error")

    both = make_settings(
        database_url, redis_url, webhook_allow_http=True, webhook_allow_private_targets=True
    )
    async with serve(both) as client:
        accepted = await client.post(URL, json={"url": private_http}, headers=tenant_keys.headers)
        assert accepted.status_code == 201, accepted.text
        assert accepted.json()["data"]["url"] == private_http
    assert await count_endpoints(db) == 3


async def test_list_is_oldest_first_in_keyset_pages(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    ids = [(await create(client, tenant_keys, description=f"n{i}"))["id"] for i in range(5)]
    globex = await client.post(
        ENDPOINTS.format("globex"),
        json={"url": PUBLIC_WEBHOOK_URL},
        headers=bearer(tenant_keys.other_key),
    )
    assert globex.status_code == 201
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        response = await client.get(URL + query, headers=tenant_keys.headers)
        assert response.status_code == 200
        page = response.json()
        assert set(page) == {"data", "nextCursor"}
        assert all(set(endpoint) == ENDPOINT_FIELDS for endpoint in page["data"])
        seen.extend(endpoint["id"] for endpoint in page["data"])
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == ids


@pytest.mark.parametrize(
    ("query", "path"),
    [("?limit=0", "limit"), ("?limit=101", "limit"), ("?cursor=bogus", "cursor")],
)
async def test_bad_list_parameters_are_422(
    client: httpx.AsyncClient, tenant_keys: Keys, query: str, path: str
) -> None:
    error = assert_error(
        await client.get(URL + query, headers=tenant_keys.headers), 422, "validation_error"
    )
    assert [detail["path"] for detail in error["details"]] == [path]


async def test_a_cursor_of_another_list_is_422(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    for _ in range(2):
        await create(client, tenant_keys)
    reports = await client.post(
        "/v1/tenants/acme/reports",
        json={"reports": [{"slug": f"r{i}", "title": "t"} for i in range(2)]},
        headers=tenant_keys.headers,
    )
    assert reports.status_code == 200
    page = await client.get(
        "/v1/tenants/acme/reports?status=all&limit=1", headers=tenant_keys.headers
    )
    foreign = page.json()["nextCursor"]
    assert foreign
    response = await client.get(f"{URL}?cursor={foreign}", headers=tenant_keys.headers)
    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
@pytest.mark.parametrize("endpoint_id", ["nope", "123", UNKNOWN_ID, "%20"])
async def test_unknown_or_malformed_id_is_404(
    client: httpx.AsyncClient, tenant_keys: Keys, method: str, endpoint_id: str
) -> None:
    kwargs: dict[str, Any] = {"json": {}} if method == "PATCH" else {}
    response = await client.request(
        method, f"{URL}/{endpoint_id}", headers=tenant_keys.headers, **kwargs
    )
    assert_error(response, 404, "not_found")


async def test_patch_changes_only_the_fields_present(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    created = await create(client, tenant_keys, eventTypes=["report.created"], description="first")
    path = f"{URL}/{created['id']}"
    response = await client.patch(path, json={"description": "second"}, headers=tenant_keys.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data"}
    patched = body["data"]
    assert set(patched) == ENDPOINT_FIELDS
    unchanged = {k: v for k, v in created.items() if k not in {"secret", "updatedAt"}}
    assert patched == {**unchanged, "description": "second", "updatedAt": patched["updatedAt"]}
    assert RFC3339_Z.match(patched["updatedAt"])
    assert patched["updatedAt"] >= created["updatedAt"]
    row = await stored(db, created["id"])
    assert row.updated_at > row.created_at

    everything = await client.patch(
        path,
        json={
            "url": "https://93.184.216.35/other",
            "eventTypes": None,
            "description": None,
            "enabled": False,
            "ordering": "per-resource",
            "maxDeliveriesPerSecond": 5,
        },
        headers=tenant_keys.headers,
    )
    assert everything.status_code == 200
    disabled_at = everything.json()["data"]["disabledAt"]
    assert RFC3339_Z.match(disabled_at)
    assert everything.json()["data"] | {"updatedAt": None} == {
        "id": created["id"],
        "url": "https://93.184.216.35/other",
        "eventTypes": None,
        "description": None,
        "enabled": False,
        "disabledAt": disabled_at,
        "disabledReason": "manual",
        "ordering": "per-resource",
        "maxDeliveriesPerSecond": 5,
        "createdAt": created["createdAt"],
        "updatedAt": None,
    }
    fetched = await client.get(path, headers=tenant_keys.headers)
    assert fetched.json() == everything.json()


async def test_empty_or_same_patch_changes_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    created = await create(client, tenant_keys, description="same")
    path = f"{URL}/{created['id']}"
    for body in ({}, {"description": "same", "enabled": True}):
        response = await client.patch(path, json=body, headers=tenant_keys.headers)
        assert response.status_code == 200, response.text
        assert response.json()["data"] == {k: v for k, v in created.items() if k != "secret"}


async def test_enabling_again_restarts_enabled_since(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    created = await create(client, tenant_keys)
    path = f"{URL}/{created['id']}"
    since_created = (await stored(db, created["id"])).enabled_since

    disabled = await client.patch(path, json={"enabled": False}, headers=tenant_keys.headers)
    assert disabled.json()["data"]["enabled"] is False
    row = await stored(db, created["id"])
    assert (row.enabled, row.enabled_since) == (False, since_created)

    enabled = await client.patch(path, json={"enabled": True}, headers=tenant_keys.headers)
    assert enabled.json()["data"]["enabled"] is True
    row = await stored(db, created["id"])
    assert row.enabled is True
    assert row.enabled_since > since_created
    since_enabled = row.enabled_since

    again = await client.patch(
        path, json={"enabled": True, "description": "touched"}, headers=tenant_keys.headers
    )
    assert again.status_code == 200
    assert (await stored(db, created["id"])).enabled_since == since_enabled


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"url": None}, "url"),
        ({"enabled": None}, "enabled"),
        ({"enabled": "false"}, "enabled"),
        ({"enabled": 0}, "enabled"),
        ({"eventTypes": []}, "eventTypes"),
        ({"eventTypes": ["report.archived"]}, "eventTypes.0"),
        ({"secret": "whsec_x"}, "secret"),
        ({"url": "https://127.0.0.1/"}, "url"),
        ({"url": "http://93.184.216.34/"}, "url"),
    ],
)
async def test_invalid_patch_is_422_and_changes_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, body: Any, path: str
) -> None:
    created = await create(client, tenant_keys)
    before = await stored(db, created["id"])
    response = await client.patch(f"{URL}/{created['id']}", json=body, headers=tenant_keys.headers)
    error = assert_error(response, 422, "validation_error")
    assert [detail["path"] for detail in error["details"]] == [path]
    after = await stored(db, created["id"])
    assert (after.url, after.enabled, after.event_types, after.updated_at) == (
        before.url,
        before.enabled,
        before.event_types,
        before.updated_at,
    )


async def test_patch_without_a_body_is_400(client: httpx.AsyncClient, tenant_keys: Keys) -> None:
    created = await create(client, tenant_keys)
    response = await client.patch(f"{URL}/{created['id']}", headers=tenant_keys.headers)
    assert_error(response, 400, "invalid_json")


async def test_delete_is_204_then_the_endpoint_is_gone(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    kept = await create(client, tenant_keys)
    created = await create(client, tenant_keys)
    path = f"{URL}/{created['id']}"
    response = await client.delete(path, headers=tenant_keys.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers
    assert_error(await client.get(path, headers=tenant_keys.headers), 404, "not_found")
    assert_error(await client.delete(path, headers=tenant_keys.headers), 404, "not_found")
    listed = (await client.get(URL, headers=tenant_keys.headers)).json()["data"]
    assert [endpoint["id"] for endpoint in listed] == [kept["id"]]
    assert await count_endpoints(db) == 1


async def test_create_needs_the_write_scope_and_writes_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    reader = bearer(await make_key(db, settings, tenant_keys.tenant, scopes=["webhooks:read"]))
    response = await client.post(URL, json={"url": PUBLIC_WEBHOOK_URL}, headers=reader)
    error = assert_error(response, 403, "insufficient_scope")
    assert error["details"] == {"requiredScope": "webhooks:write"}
    assert await count_endpoints(db) == 0


async def test_every_change_needs_the_write_scope(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    created = await create(client, tenant_keys)
    reader = bearer(await make_key(db, settings, tenant_keys.tenant, scopes=["webhooks:read"]))
    path = f"{URL}/{created['id']}"
    for response in (
        await client.patch(path, json={"enabled": False}, headers=reader),
        await client.delete(path, headers=reader),
        await client.post(f"{path}/rotate-secret", headers=reader),
        await client.post(
            f"/v1/tenants/acme/webhook-deliveries/{uuid.uuid4()}/retry", headers=reader
        ),
    ):
        error = assert_error(response, 403, "insufficient_scope")
        assert error["details"] == {"requiredScope": "webhooks:write"}
    row = await stored(db, created["id"])
    assert row.enabled is True
    assert row.previous_secret_encrypted is None


async def test_reads_need_the_read_scope(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    created = await create(client, tenant_keys)
    writer = bearer(await make_key(db, settings, tenant_keys.tenant, scopes=["webhooks:write"]))
    path = f"{URL}/{created['id']}"
    for read in (URL, path, f"{path}/deliveries"):
        error = assert_error(await client.get(read, headers=writer), 403, "insufficient_scope")
        assert error["details"] == {"requiredScope": "webhooks:read"}
    other_scopes = bearer(
        await make_key(db, settings, tenant_keys.tenant, scopes=["reports:read", "reports:write"])
    )
    assert_error(await client.get(URL, headers=other_scopes), 403, "insufficient_scope")


async def test_other_tenants_endpoints_are_out_of_reach(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    created = await create(client, tenant_keys, description="acme's")
    other = bearer(tenant_keys.other_key)
    path = f"{URL}/{created['id']}"
    for response in (
        await client.get(URL, headers=other),
        await client.post(URL, json={"url": PUBLIC_WEBHOOK_URL}, headers=other),
        await client.get(path, headers=other),
        await client.patch(path, json={"enabled": False}, headers=other),
        await client.delete(path, headers=other),
        await client.post(f"{path}/rotate-secret", headers=other),
        await client.get(f"{path}/deliveries", headers=other),
    ):
        assert_error(response, 403, "tenant_forbidden")

    globex = ENDPOINTS.format("globex")
    own_path = f"{globex}/{created['id']}"
    assert (await client.get(globex, headers=other)).json() == {"data": [], "nextCursor": None}
    for response in (
        await client.get(own_path, headers=other),
        await client.patch(own_path, json={"enabled": False}, headers=other),
        await client.delete(own_path, headers=other),
        await client.post(f"{own_path}/rotate-secret", headers=other),
        await client.get(f"{own_path}/deliveries", headers=other),
    ):
        assert_error(response, 404, "not_found")
    row = await stored(db, created["id"])
    assert (row.enabled, row.previous_secret_encrypted) == (True, None)
    assert await count_endpoints(db) == 1


async def test_tenant_uuid_path_works_like_the_slug(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    created = await create(client, tenant_keys)
    by_uuid = f"{ENDPOINTS.format(tenant_keys.tenant.id)}/{created['id']}"
    response = await client.get(by_uuid, headers=tenant_keys.headers)
    assert response.status_code == 200
    assert response.json()["data"]["id"] == created["id"]


async def test_checks_run_in_the_contract_order(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    bad_url = {"url": "https://127.0.0.1/"}
    assert_error(await client.post(URL, json=bad_url), 401, "unauthenticated")
    assert_error(
        await client.post(
            URL, content=b"url=x", headers={**tenant_keys.headers, "content-type": "text/plain"}
        ),
        415,
        "unsupported_media_type",
    )
    assert_error(
        await client.post(
            URL, content=b"{", headers={**tenant_keys.headers, "content-type": "application/json"}
        ),
        400,
        "invalid_json",
    )
    assert_error(
        await client.post(
            URL, json=bad_url, headers={**tenant_keys.headers, "Idempotency-Key": ""}
        ),
        400,
        "invalid_idempotency_key",
    )
    assert await count_endpoints(db) == 0


async def test_only_the_canonical_uuid_form_names_an_endpoint(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    endpoint_id = (await create(client, tenant_keys))["id"]
    await assert_only_the_canonical_form_names(client, URL, endpoint_id, tenant_keys.headers)


async def test_new_endpoint_is_enabled_unordered_and_uncapped(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    created = await create(client, tenant_keys)
    assert created["enabled"] is True
    assert created["disabledAt"] is None
    assert created["disabledReason"] is None
    assert created["ordering"] == "none"
    assert created["maxDeliveriesPerSecond"] is None

    chosen = await create(client, tenant_keys, ordering="per-resource", maxDeliveriesPerSecond=1000)
    assert chosen["ordering"] == "per-resource"
    assert chosen["maxDeliveriesPerSecond"] == 1000


async def test_enabling_again_clears_the_disabling(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    created = await create(client, tenant_keys)
    path = f"{URL}/{created['id']}"
    disabled = await client.patch(path, json={"enabled": False}, headers=tenant_keys.headers)
    assert disabled.json()["data"]["disabledReason"] == "manual"
    async with db.unit_of_work() as session:
        await session.execute(
            text(
                "UPDATE webhook_endpoints SET failing_since = now(), consecutive_failures = 7,"
                " failing_notice_at = now() WHERE id = :id"
            ),
            {"id": created["id"]},
        )
    enabled = await client.patch(path, json={"enabled": True}, headers=tenant_keys.headers)
    assert enabled.status_code == 200
    data = enabled.json()["data"]
    assert (data["enabled"], data["disabledAt"], data["disabledReason"]) == (True, None, None)
    row = await stored(db, created["id"])
    assert (row.failing_since, row.consecutive_failures, row.failing_notice_at) == (None, 0, None)
    assert row.enabled_since > row.created_at


@pytest.mark.parametrize(
    ("method", "body", "path"),
    [
        ("POST", {"url": PUBLIC_WEBHOOK_URL, "ordering": "fifo"}, "ordering"),
        ("POST", {"url": PUBLIC_WEBHOOK_URL, "maxDeliveriesPerSecond": 0}, RATE_CAP),
        (
            "POST",
            {"url": PUBLIC_WEBHOOK_URL, "maxDeliveriesPerSecond": 1001},
            "maxDeliveriesPerSecond",
        ),
        ("POST", {"url": PUBLIC_WEBHOOK_URL, "maxDeliveriesPerSecond": 2.5}, RATE_CAP),
        ("PATCH", {"ordering": None}, "ordering"),
        ("PATCH", {"maxDeliveriesPerSecond": "5"}, "maxDeliveriesPerSecond"),
    ],
)
async def test_bad_ordering_or_rate_cap_is_422_and_changes_nothing(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    db: Database,
    method: str,
    body: dict[str, Any],
    path: str,
) -> None:
    existing = await create(client, tenant_keys)
    url = URL if method == "POST" else f"{URL}/{existing['id']}"
    response = await client.request(method, url, json=body, headers=tenant_keys.headers)
    error = assert_error(response, 422, "validation_error")
    assert [detail["path"] for detail in error["details"]] == [path]
    async with db.unit_of_work() as session:
        count = await session.scalar(text("SELECT count(*) FROM webhook_endpoints"))
    assert count == 1
    after = await client.get(f"{URL}/{existing['id']}", headers=tenant_keys.headers)
    assert after.json()["data"] == {k: v for k, v in existing.items() if k != "secret"}


async def test_patch_null_rate_cap_removes_it(client: httpx.AsyncClient, tenant_keys: Keys) -> None:
    created = await create(client, tenant_keys, maxDeliveriesPerSecond=3)
    response = await client.patch(
        f"{URL}/{created['id']}", json={"maxDeliveriesPerSecond": None}, headers=tenant_keys.headers
    )
    assert response.json()["data"]["maxDeliveriesPerSecond"] is None
