"""`GET .../webhook-endpoints/{id}/stats` (CONTRACT.md §14): windows read from the rollup,
the backlog from the pending deliveries, the failure paths, and pruning of old minutes.
(With a real worker writing the rollup: tests/worker/test_delivery_stats.py.)"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from app.core.config import Settings
from app.core.time import utc_now
from app.webhooks.stats import latency_percentile, prune_rollup
from app.webhooks.stats_repository import LATENCY_BOUNDS_MS, LATENCY_BUCKETS
from db.models.webhook_delivery_stats import WebhookDeliveryStats
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.factories import (
    PUBLIC_WEBHOOK_URL,
    UNKNOWN_ID,
    Keys,
    bearer,
    make_delivery,
    make_endpoint,
    make_key,
)

STATS = "/v1/tenants/{}/webhook-endpoints/{}/stats"


def histogram(**by_slot: int) -> list[int]:
    """Bucket counts: `s3=4` puts 4 latencies in bucket 3 (LATENCY_BOUNDS_MS[2]..[3])."""
    counts = [0] * LATENCY_BUCKETS
    for slot, count in by_slot.items():
        counts[int(slot.removeprefix("s"))] = count
    return counts


async def add_minute(
    db: Database,
    endpoint_id: uuid.UUID,
    minute: datetime,
    *,
    attempts: int,
    delivered: int,
    latencies: list[int],
    last_success_at: datetime | None = None,
    last_failure_at: datetime | None = None,
) -> None:
    async with db.unit_of_work() as session:
        session.add(
            WebhookDeliveryStats(
                endpoint_id=endpoint_id,
                minute=minute.replace(second=0, microsecond=0),
                attempts=attempts,
                delivered=delivered,
                failed=attempts - delivered,
                latency_buckets=latencies,
                last_success_at=last_success_at,
                last_failure_at=last_failure_at,
            )
        )


async def rollup_minutes(db: Database) -> list[datetime]:
    async with db.unit_of_work() as session:
        rows = await session.scalars(
            select(WebhookDeliveryStats.minute).order_by(WebhookDeliveryStats.minute)
        )
        return list(rows)


async def stats_of(
    client: httpx.AsyncClient, keys: Keys, endpoint_id: uuid.UUID | str, query: str = ""
) -> dict[str, object]:
    response = await client.get(STATS.format("acme", endpoint_id) + query, headers=keys.headers)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    data: dict[str, object] = response.json()["data"]
    return data


def rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def test_no_attempts_gives_zeros_and_nulls(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    assert await stats_of(client, tenant_keys, endpoint.id) == {
        "window": "1h",
        "attempts": 0,
        "delivered": 0,
        "failed": 0,
        "successRate": None,
        "latencyP50Ms": None,
        "latencyP95Ms": None,
        "pending": 0,
        "oldestPendingAgeSeconds": None,
        "lastSuccessAt": None,
        "lastFailureAt": None,
    }


async def test_hour_and_day_windows_read_their_minutes(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    other, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    now = utc_now()
    recent_success = now - timedelta(minutes=10)
    old_failure = now - timedelta(hours=3)
    # In the last hour: 4 successes of 100..250 ms, 1 failure.
    await add_minute(
        db,
        endpoint.id,
        now - timedelta(minutes=10),
        attempts=5,
        delivered=4,
        latencies=histogram(s3=4),
        last_success_at=recent_success,
    )
    # In the last day only: 6 successes of 1..2.5 s, 4 failures.
    await add_minute(
        db,
        endpoint.id,
        now - timedelta(hours=3),
        attempts=10,
        delivered=6,
        latencies=histogram(s6=6),
        last_success_at=old_failure - timedelta(seconds=5),
        last_failure_at=old_failure,
    )
    # In neither window, but still kept: counts nothing; its failure is older than the one above.
    await add_minute(
        db,
        endpoint.id,
        now - timedelta(hours=30),
        attempts=100,
        delivered=0,
        latencies=histogram(),
        last_failure_at=now - timedelta(hours=30),
    )
    # Another endpoint's minute counts for that endpoint only.
    await add_minute(db, other.id, now, attempts=7, delivered=7, latencies=histogram(s0=7))

    hour = await stats_of(client, tenant_keys, endpoint.id, "?window=1h")
    assert hour == await stats_of(client, tenant_keys, endpoint.id)
    assert hour == {
        "window": "1h",
        "attempts": 5,
        "delivered": 4,
        "failed": 1,
        "successRate": 0.8,
        # Rank 2 of 4 in [100, 250): 100 + 150 * 2/4; rank 3.8: 100 + 150 * 3.8/4.
        "latencyP50Ms": 175,
        "latencyP95Ms": 242,
        "pending": 0,
        "oldestPendingAgeSeconds": None,
        "lastSuccessAt": rfc3339(recent_success),
        "lastFailureAt": rfc3339(old_failure),
    }
    day = await stats_of(client, tenant_keys, endpoint.id, "?window=24h")
    assert day == {
        **hour,
        "window": "24h",
        "attempts": 15,
        "delivered": 10,
        "failed": 5,
        "successRate": 10 / 15,
        # 10 successes: 4 in [100, 250), 6 in [1000, 2500). Rank 5 is the 1st of the 6;
        # rank 9.5 is the 5.5th: 1000 + 1500 * 5.5/6.
        "latencyP50Ms": 1250,
        "latencyP95Ms": 2375,
    }
    assert (await stats_of(client, tenant_keys, other.id))["attempts"] == 7


def test_percentiles_interpolate_within_buckets() -> None:
    assert latency_percentile(histogram(), 0.5) is None
    assert latency_percentile(histogram(s0=2), 0.5) == 12  # 0 + 25 * 1/2, rounded half to even
    assert latency_percentile(histogram(s0=1, s1=1), 0.95) == 48  # 25 + 25 * 0.9/1 = 47.5
    # The open last bucket answers its lower bound.
    assert latency_percentile(histogram(s15=3), 0.5) == LATENCY_BOUNDS_MS[-1]


async def test_backlog_counts_pending_deliveries_and_the_oldest_age(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    """No worker runs: the deliveries wait, pending."""
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    other, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    tenant = tenant_keys.tenant
    await make_delivery(db, endpoint, tenant, created_at=utc_now() - timedelta(seconds=600))
    await make_delivery(db, endpoint, tenant, created_at=utc_now() - timedelta(seconds=30))
    await make_delivery(db, endpoint, tenant)
    await make_delivery(
        db, endpoint, tenant, status="dead", created_at=utc_now() - timedelta(days=1)
    )
    await make_delivery(db, endpoint, tenant, status="delivered")
    await make_delivery(db, other, tenant, created_at=utc_now() - timedelta(days=1))
    data = await stats_of(client, tenant_keys, endpoint.id)
    assert data["pending"] == 3
    age = data["oldestPendingAgeSeconds"]
    assert isinstance(age, int)
    # The machine may be slow: the age only grows after the insert.
    assert 600 <= age < 600 + 120
    assert data["attempts"] == 0


async def test_unknown_or_foreign_endpoint_is_404(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    foreign, _ = await make_endpoint(db, settings, tenant_keys.other_tenant, PUBLIC_WEBHOOK_URL)
    for endpoint_id in (UNKNOWN_ID, str(foreign.id), "not-a-uuid", UNKNOWN_ID.upper()[:-1]):
        response = await client.get(STATS.format("acme", endpoint_id), headers=tenant_keys.headers)
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("window", ["7d", "", "1H", "60m", "24"])
async def test_other_windows_are_422(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys, window: str
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    response = await client.get(
        STATS.format("acme", endpoint.id), params={"window": window}, headers=tenant_keys.headers
    )
    error = assert_error(response, 422, "validation_error")
    assert error["details"]


async def test_scope_tenant_and_key_are_checked(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    url = STATS.format("acme", endpoint.id)
    reports_reader = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:read"])
    refused = await client.get(url, headers=bearer(reports_reader))
    error = assert_error(refused, 403, "insufficient_scope")
    assert error["details"] == {"requiredScope": "webhooks:read"}
    assert_error(await client.get(url), 401, "unauthenticated")
    assert_error(
        await client.get(STATS.format("globex", endpoint.id), headers=tenant_keys.headers),
        403,
        "tenant_forbidden",
    )
    reader = await make_key(db, settings, tenant_keys.tenant, scopes=["webhooks:read"])
    allowed = await client.get(url, headers=bearer(reader))
    assert allowed.status_code == 200
    assert "ratelimit" in allowed.headers


async def test_old_minutes_are_pruned_in_bounded_batches(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    now = utc_now()
    for hours in (49, 50, 51, 52, 53):
        await add_minute(
            db,
            endpoint.id,
            now - timedelta(hours=hours),
            attempts=1,
            delivered=1,
            latencies=histogram(s0=1),
        )
    kept = [now - timedelta(hours=47), now - timedelta(minutes=1)]
    for minute in kept:
        await add_minute(db, endpoint.id, minute, attempts=1, delivered=1, latencies=histogram())
    pruned = []
    for _ in range(4):
        async with db.unit_of_work() as session:
            pruned.append(await prune_rollup(session, limit=2))
    assert pruned == [2, 2, 1, 0]
    assert await rollup_minutes(db) == [m.replace(second=0, microsecond=0) for m in kept]


async def test_deleting_an_endpoint_deletes_its_rollup(
    client: httpx.AsyncClient, db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, PUBLIC_WEBHOOK_URL)
    await add_minute(db, endpoint.id, utc_now(), attempts=1, delivered=1, latencies=histogram())
    deleted = await client.delete(
        f"/v1/tenants/acme/webhook-endpoints/{endpoint.id}", headers=tenant_keys.headers
    )
    assert deleted.status_code == 204
    async with db.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(WebhookDeliveryStats)) == 0
