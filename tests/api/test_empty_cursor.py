"""CONTRACT.md §1 lists: an empty `?cursor=` is no cursor (the first page), on every REST list."""

from __future__ import annotations

import httpx
import pytest

from app.core.config import Settings
from db.session import Database
from tests.automation_runs.helpers import create_run
from tests.factories import PUBLIC_WEBHOOK_URL, Keys, make_delivery, make_endpoint
from tests.reports.helpers import REPORTS, batch, item

LISTS = [
    REPORTS.format("acme"),
    f"{REPORTS.format('acme')}?status=all",
    "/v1/tenants/acme/automation-runs",
    "/v1/tenants/acme/automation-runs?status=queued",
    "/v1/tenants/acme/webhook-endpoints",
    "/v1/tenants/acme/webhook-endpoints/{endpoint}/deliveries",
    "/v1/tenants/acme/webhook-endpoints/{endpoint}/deliveries?status=pending",
]


@pytest.mark.parametrize("url", LISTS)
async def test_empty_cursor_is_the_first_page(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings, url: str
) -> None:
    endpoint = await _two_of_each(client, tenant_keys, db, settings)
    first_page = url.format(endpoint=endpoint) + ("&" if "?" in url else "?") + "limit=1"

    without = await client.get(first_page, headers=tenant_keys.headers)
    empty = await client.get(f"{first_page}&cursor=", headers=tenant_keys.headers)

    assert without.status_code == 200, without.text
    assert empty.status_code == 200, empty.text
    assert empty.json() == without.json()
    assert len(empty.json()["data"]) == 1
    assert empty.json()["nextCursor"]


async def _two_of_each(
    client: httpx.AsyncClient, keys: Keys, db: Database, settings: Settings
) -> str:
    """Two items in every list, so a first page of one has a next page; the endpoint's id."""
    published = {"publishedAt": "2026-01-01T00:00:00Z"}
    response = await client.post(
        REPORTS.format("acme"),
        json=batch(item("a", **published), item("b", **published)),
        headers=keys.headers,
    )
    assert response.status_code == 200, response.text
    for _ in range(2):
        await create_run(client, keys)
    endpoint, _ = await make_endpoint(db, settings, keys.tenant, PUBLIC_WEBHOOK_URL)
    await make_endpoint(db, settings, keys.tenant, PUBLIC_WEBHOOK_URL)
    for _ in range(2):
        await make_delivery(db, endpoint, keys.tenant)
    return str(endpoint.id)
