"""publishedAt is stored at the precision the API shows (milliseconds, UTC): a value with more
digits answers as stored, and sending either form again finds the report unchanged."""

from __future__ import annotations

import httpx

from tests.factories import Keys
from tests.reports.helpers import REPORTS, batch, item

URL = REPORTS.format("acme")


async def _result(client: httpx.AsyncClient, keys: Keys, published: str) -> tuple[str, str]:
    response = await client.post(
        URL, json=batch(item("precise", publishedAt=published)), headers=keys.headers
    )
    assert response.status_code == 200, response.text
    [entry] = response.json()["data"]
    return entry["result"], entry["report"]["publishedAt"]


async def test_published_at_is_kept_to_the_millisecond(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    shown = "2026-11-01T08:00:00.123Z"
    assert await _result(client, tenant_keys, "2026-11-01T10:00:00.123987+02:00") == (
        "created",
        shown,
    )
    assert await _result(client, tenant_keys, shown) == ("unchanged", shown)
    assert await _result(client, tenant_keys, "2026-11-01T08:00:00.123456Z") == ("unchanged", shown)
    assert await _result(client, tenant_keys, "2026-11-01T08:00:00.124Z") == (
        "updated",
        "2026-11-01T08:00:00.124Z",
    )
