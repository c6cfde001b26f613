"""CONTRACT.md §15 webhook queries: webhookEndpoint, WebhookEndpoint.stats, webhookRecovery,
webhookRecoveryPreview, eventTypes and apiKeys, each the REST representation through the same
services; scopes; another tenant's ids."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest

from app.core.config import Settings
from app.core.time import utc_now
from app.tenants import service as tenants
from app.webhooks import recovery as recoveries
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
from tests.graphql.helpers import error_codes, gql
from tests.graphql.webhook_helpers import (
    ENDPOINT_FIELDS,
    RECOVERY_FIELDS,
    only_error,
    rest_spelling,
    rows,
)
from tests.webhooks.test_delivery_stats import add_minute, histogram

ENDPOINT = f"""
query Endpoint($id: ID!) {{ webhookEndpoint(id: $id) {{ {ENDPOINT_FIELDS} }} }}
"""
STATS_FIELDS = """
  window attempts delivered failed successRate latencyP50Ms latencyP95Ms pending
  oldestPendingAgeSeconds lastSuccessAt lastFailureAt
"""
STATS = f"""
query Stats($id: ID!) {{
  webhookEndpoint(id: $id) {{
    hour: stats {{ {STATS_FIELDS} }}
    day: stats(window: TWENTY_FOUR_HOURS) {{ {STATS_FIELDS} }}
  }}
}}
"""
RECOVERY = f"""
query Recovery($id: ID!) {{ webhookRecovery(id: $id) {{ {RECOVERY_FIELDS} }} }}
"""
PREVIEW = """
query Preview($id: ID!, $input: RecoverWebhookEndpointInput!) {
  webhookRecoveryPreview(endpointId: $id, input: $input) { count sample }
}
"""
EVENT_TYPES = "{ eventTypes { type description schema } }"
API_KEYS = """
{ apiKeys { prefix name scopes createdAt lastUsedAt expiresAt revokedAt } }
"""
REST = "/v1/tenants/acme"


async def test_webhook_endpoint_is_the_rest_representation(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    created = await client.post(
        f"{REST}/webhook-endpoints",
        json={
            "url": PUBLIC_WEBHOOK_URL,
            "eventTypes": ["report.created"],
            "ordering": "per-resource",
        },
        headers=tenant_keys.headers,
    )
    assert created.status_code == 201, created.text
    endpoint_id = created.json()["data"]["id"]
    rest = await client.get(f"{REST}/webhook-endpoints/{endpoint_id}", headers=tenant_keys.headers)
    body = await gql(client, tenant_keys.headers, ENDPOINT, {"id": endpoint_id})
    assert "errors" not in body
    assert rest_spelling(body["data"]["webhookEndpoint"]) == rest.json()["data"]
    # The canonical id in upper case names it too.
    upper = await gql(client, tenant_keys.headers, ENDPOINT, {"id": endpoint_id.upper()})
    assert upper["data"]["webhookEndpoint"]["id"] == endpoint_id


async def test_unknown_malformed_or_foreign_endpoint_is_null(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    foreign, _ = await make_endpoint(db, settings, tenant_keys.other_tenant, PUBLIC_WEBHOOK_URL)
    for endpoint_id in (UNKNOWN_ID, "not-a-uuid", str(foreign.id)):
        body = await gql(client, tenant_keys.headers, ENDPOINT, {"id": endpoint_id})
        assert body == {"data": {"webhookEndpoint": None}}


async def test_stats_are_the_rest_statistics_for_both_windows(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    now = utc_now()
    await add_minute(
        db,
        endpoint.id,
        now - timedelta(minutes=5),
        attempts=4,
        delivered=3,
        latencies=histogram(s2=2, s5=1),
        last_success_at=now - timedelta(minutes=5),
        last_failure_at=now - timedelta(minutes=4),
    )
    await add_minute(
        db, endpoint.id, now - timedelta(hours=3), attempts=2, delivered=0, latencies=histogram()
    )
    await make_delivery(db, endpoint, tenant_keys.tenant, status="pending")
    body = await gql(client, tenant_keys.headers, STATS, {"id": str(endpoint.id)})
    assert "errors" not in body
    node = body["data"]["webhookEndpoint"]
    for alias, window in (("hour", "1h"), ("day", "24h")):
        rest = await client.get(
            f"{REST}/webhook-endpoints/{endpoint.id}/stats?window={window}",
            headers=tenant_keys.headers,
        )
        expected = rest.json()["data"]
        got = rest_spelling(node[alias])
        # The oldest pending delivery ages between the two reads.
        assert (
            abs(got.pop("oldestPendingAgeSeconds") - expected.pop("oldestPendingAgeSeconds")) <= 5
        )
        assert got == expected
    assert (node["hour"]["window"], node["hour"]["attempts"]) == ("ONE_HOUR", 4)
    assert (node["day"]["window"], node["day"]["attempts"]) == ("TWENTY_FOUR_HOURS", 6)
    assert node["hour"]["pending"] == 1


async def test_stats_need_webhooks_read(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    reports_only = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:read"])
    body = await gql(client, bearer(reports_only), STATS, {"id": str(endpoint.id)})
    error = only_error(body)
    assert error["extensions"]["code"] == "insufficient_scope"
    assert error["extensions"]["details"] == {"requiredScope": "webhooks:read"}


async def test_webhook_recovery_is_the_rest_representation_or_null(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    await make_delivery(db, endpoint, tenant_keys.tenant, status="dead", attempts=3)
    started = await client.post(
        f"{REST}/webhook-endpoints/{endpoint.id}/recover",
        json={"since": "2000-01-01T00:00:00Z"},
        headers=tenant_keys.headers,
    )
    assert started.status_code == 202, started.text
    recovery_id = started.json()["data"]["id"]
    async with db.unit_of_work() as session:
        await recoveries.recover_batch(session, recovery_id=uuid.UUID(recovery_id))
    rest = await client.get(f"{REST}/webhook-recoveries/{recovery_id}", headers=tenant_keys.headers)
    body = await gql(client, tenant_keys.headers, RECOVERY, {"id": recovery_id})
    assert rest_spelling(body["data"]["webhookRecovery"]) == rest.json()["data"]
    assert body["data"]["webhookRecovery"]["done"] == 1

    foreign_endpoint, _ = await make_endpoint(
        db, settings, tenant_keys.other_tenant, PUBLIC_WEBHOOK_URL
    )
    foreign = await client.post(
        f"/v1/tenants/globex/webhook-endpoints/{foreign_endpoint.id}/recover",
        json={"since": "2000-01-01T00:00:00Z"},
        headers=bearer(tenant_keys.other_key),
    )
    assert foreign.status_code == 202, foreign.text
    for unknown in (UNKNOWN_ID, "nope", foreign.json()["data"]["id"]):
        body = await gql(client, tenant_keys.headers, RECOVERY, {"id": unknown})
        assert body == {"data": {"webhookRecovery": None}}


async def test_recovery_preview_is_the_rest_dry_run_and_writes_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    for status in ("dead", "skipped", "delivered", "dead"):
        await make_delivery(db, endpoint, tenant_keys.tenant, status=status)
    since = "2000-01-01T00:00:00Z"
    rest = await client.post(
        f"{REST}/webhook-endpoints/{endpoint.id}/recover",
        json={"since": since, "statuses": ["dead"], "dryRun": True},
        headers=tenant_keys.headers,
    )
    assert rest.status_code == 200, rest.text
    body = await gql(
        client,
        tenant_keys.headers,
        PREVIEW,
        {"id": str(endpoint.id), "input": {"since": since, "statuses": ["DEAD"]}},
    )
    assert body["data"]["webhookRecoveryPreview"] == rest.json()["data"]
    assert body["data"]["webhookRecoveryPreview"]["count"] == 2
    both = await gql(
        client, tenant_keys.headers, PREVIEW, {"id": str(endpoint.id), "input": {"since": since}}
    )
    assert both["data"]["webhookRecoveryPreview"]["count"] == 3
    assert (await rows(db))["recoveries"] == 0


async def test_recovery_preview_refusals(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    disabled, _ = await make_endpoint(
        db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL, enabled=False
    )
    foreign, _ = await make_endpoint(db, settings, tenant_keys.other_tenant, PUBLIC_WEBHOOK_URL)
    good = {"since": "2026-01-01T00:00:00Z"}

    async def code(endpoint_id: object, input: object, headers: dict[str, str]) -> str:
        body = await gql(client, headers, PREVIEW, {"id": str(endpoint_id), "input": input})
        return str(only_error(body)["extensions"]["code"])

    assert await code(disabled.id, good, tenant_keys.headers) == "conflict"
    for unknown in (UNKNOWN_ID, "x", foreign.id):
        assert await code(unknown, good, tenant_keys.headers) == "not_found"
    reader = await make_key(db, settings, tenant_keys.tenant, scopes=["webhooks:read"])
    assert await code(endpoint.id, good, bearer(reader)) == "insufficient_scope"
    backwards = {"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}
    body = await gql(
        client, tenant_keys.headers, PREVIEW, {"id": str(endpoint.id), "input": backwards}
    )
    error = only_error(body)
    assert error["extensions"]["code"] == "validation_error"
    assert [d["path"] for d in error["extensions"]["details"]] == ["input"]
    pending = await gql(
        client,
        tenant_keys.headers,
        PREVIEW,
        {"id": str(endpoint.id), "input": {**good, "statuses": ["PENDING"]}},
    )
    assert error_codes(pending) == ["validation_error"]
    assert [d["path"] for d in pending["errors"][0]["extensions"]["details"]] == [
        "input.statuses.0"
    ]


async def test_event_types_are_the_public_catalog(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    catalog = await client.get("/v1/event-types")
    assert catalog.status_code == 200
    # Any key of the tenant reads it, whatever its scopes.
    reports_only = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:read"])
    body = await gql(client, bearer(reports_only), EVENT_TYPES)
    assert body["data"]["eventTypes"] == catalog.json()["data"]
    assert body["data"]["eventTypes"][0]["schema"]["$schema"].endswith("2020-12/schema")


async def test_api_keys_lists_the_tenants_keys_without_secrets(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    reader = await make_key(
        db, settings, tenant_keys.tenant, scopes=["reports:read"], expires_in_days=3
    )
    used = await client.get("/v1/tenants/acme/reports", headers=bearer(reader))
    assert used.status_code == 200  # the reader has been used once
    async with db.unit_of_work() as session:
        await tenants.revoke_key(session, tenant_id=tenant_keys.tenant.id, prefix=reader[4:12])
    body = await gql(client, tenant_keys.headers, API_KEYS)
    keys = body["data"]["apiKeys"]
    assert [key["prefix"] for key in keys] == [tenant_keys.key[4:12], reader[4:12]]
    full, revoked = keys
    assert (full["revokedAt"], full["expiresAt"]) == (None, None)
    assert full["lastUsedAt"] is not None  # this request's key
    assert revoked["scopes"] == ["reports:read"]
    assert None not in (revoked["revokedAt"], revoked["expiresAt"], revoked["lastUsedAt"])
    assert set(full) == {
        "prefix",
        "name",
        "scopes",
        "createdAt",
        "lastUsedAt",
        "expiresAt",
        "revokedAt",
    }
    # A key with no webhooks or reports scope at all lists them too; the other tenant's are
    # never listed.
    sessions_only = await make_key(db, settings, tenant_keys.tenant, scopes=["sessions:write"])
    listed = await gql(client, bearer(sessions_only), API_KEYS)
    assert len(listed["data"]["apiKeys"]) == 3
    other = await gql(client, bearer(tenant_keys.other_key), API_KEYS, tenant="globex")
    assert [key["prefix"] for key in other["data"]["apiKeys"]] == [tenant_keys.other_key[4:12]]


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (ENDPOINT, {"id": UNKNOWN_ID}),
        (RECOVERY, {"id": UNKNOWN_ID}),
        ("{ webhookEndpoints { id } }", {}),
    ],
)
async def test_webhook_queries_need_webhooks_read(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    db: Database,
    settings: Settings,
    document: str,
    variables: dict[str, object],
) -> None:
    reports_only = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:read"])
    body = await gql(client, bearer(reports_only), document, variables)
    error = only_error(body)
    assert error["extensions"]["code"] == "insufficient_scope"
    assert error["extensions"]["details"] == {"requiredScope": "webhooks:read"}
