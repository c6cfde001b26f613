"""CONTRACT.md §5 reads: list orderings, keyset pagination, latest, by slug, tenant isolation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.test_http_conventions import assert_error
from tests.factories import Keys, bearer
from tests.reports.helpers import REPORTS, batch, item

URL = REPORTS.format("acme")


async def upsert(client: httpx.AsyncClient, keys: Keys, *items: dict[str, Any]) -> None:
    response = await client.post(URL, json=batch(*items), headers=keys.headers)
    assert response.status_code == 200, response.text


async def slugs(client: httpx.AsyncClient, keys: Keys, query: str = "") -> list[str]:
    response = await client.get(f"{URL}{query}", headers=keys.headers)
    assert response.status_code == 200, response.text
    return [report["slug"] for report in response.json()["data"]]


async def test_published_is_the_default_ordered_by_published_at(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await upsert(
        client,
        tenant_keys,
        item("old", publishedAt="2026-01-01T00:00:00Z"),
        item("draft"),
        item("new", publishedAt="2026-06-01T00:00:00Z"),
        item("future", publishedAt="2030-01-01T00:00:00Z"),
    )
    assert await slugs(client, tenant_keys) == ["future", "new", "old"]
    assert await slugs(client, tenant_keys, "?status=published") == ["future", "new", "old"]
    assert await slugs(client, tenant_keys, "?status=draft") == ["draft"]
    page = (await client.get(URL, headers=tenant_keys.headers)).json()
    assert page["nextCursor"] is None


async def test_draft_and_all_are_ordered_by_updated_at(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await upsert(client, tenant_keys, item("a"), item("b", publishedAt="2026-01-01T00:00:00Z"))
    await upsert(client, tenant_keys, item("c"))
    await upsert(client, tenant_keys, item("a", title="touched"))
    assert await slugs(client, tenant_keys, "?status=all") == ["a", "c", "b"]
    assert await slugs(client, tenant_keys, "?status=draft") == ["a", "c"]


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("?status=archived", "status"),
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?limit=ten", "limit"),
        ("?cursor=not-a-cursor", "cursor"),
    ],
)
async def test_bad_list_parameters_are_422(
    client: httpx.AsyncClient, tenant_keys: Keys, query: str, path: str
) -> None:
    response = await client.get(f"{URL}{query}", headers=tenant_keys.headers)
    error = assert_error(response, 422, "validation_error")
    assert [d["path"] for d in error["details"]] == [path]


async def test_tampered_or_foreign_cursor_is_422(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await upsert(client, tenant_keys, *[item(f"r{i}") for i in range(3)])
    page = (await client.get(f"{URL}?status=draft&limit=1", headers=tenant_keys.headers)).json()
    cursor = page["nextCursor"]
    assert cursor
    tampered = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    for query in (f"?status=draft&cursor={tampered}", f"?status=published&cursor={cursor}"):
        response = await client.get(f"{URL}{query}", headers=tenant_keys.headers)
        assert_error(response, 422, "validation_error")


@pytest.mark.parametrize("status", ["published", "draft", "all"])
async def test_pagination_visits_every_unchanged_item_once_while_others_are_written(
    client: httpx.AsyncClient, tenant_keys: Keys, status: str
) -> None:
    published = status != "draft"
    originals = [
        item(f"orig-{i:02d}", publishedAt=f"2026-01-{i + 1:02d}T00:00:00Z" if published else None)
        for i in range(23)
    ]
    await upsert(client, tenant_keys, *originals)
    seen: list[str] = []
    cursor = None
    for page_number in range(20):
        query = f"?status={status}&limit=5" + (f"&cursor={cursor}" if cursor else "")
        page = (await client.get(f"{URL}{query}", headers=tenant_keys.headers)).json()
        seen.extend(report["slug"] for report in page["data"])
        await upsert(
            client,
            tenant_keys,
            item(
                f"new-{page_number}",
                publishedAt=f"2026-01-{page_number % 28 + 1:02d}T12:00:00Z" if published else None,
            ),
        )
        cursor = page["nextCursor"]
        if cursor is None:
            break
    original_slugs = [o["slug"] for o in originals]
    assert sorted(slug for slug in seen if slug.startswith("orig-")) == original_slugs
    assert len(seen) == len(set(seen))


async def test_latest_is_the_greatest_published_at_or_404(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    response = await client.get(f"{URL}/latest", headers=tenant_keys.headers)
    assert_error(response, 404, "not_found")
    await upsert(client, tenant_keys, item("draft"))
    assert_error(await client.get(f"{URL}/latest", headers=tenant_keys.headers), 404, "not_found")
    await upsert(
        client,
        tenant_keys,
        item("a", publishedAt="2026-03-01T00:00:00Z"),
        item("b", publishedAt="2026-05-01T00:00:00Z"),
    )
    latest = await client.get(f"{URL}/latest", headers=tenant_keys.headers)
    assert latest.status_code == 200
    assert latest.json()["data"]["slug"] == "b"
    assert set(latest.json()) == {"data"}


async def test_get_by_slug_includes_drafts(client: httpx.AsyncClient, tenant_keys: Keys) -> None:
    await upsert(client, tenant_keys, item("draft-one", content={"k": "v"}))
    response = await client.get(f"{URL}/draft-one", headers=tenant_keys.headers)
    assert response.status_code == 200
    assert response.json()["data"]["content"] == {"k": "v"}


@pytest.mark.parametrize("slug", ["missing", "UPPER", "a" * 300, "bad%20slug", "%00", "a%00b"])
async def test_unknown_or_malformed_slug_is_404(
    client: httpx.AsyncClient, tenant_keys: Keys, slug: str
) -> None:
    assert_error(await client.get(f"{URL}/{slug}", headers=tenant_keys.headers), 404, "not_found")


async def test_other_tenants_reports_are_invisible(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await upsert(client, tenant_keys, item("secret", publishedAt="2026-01-01T00:00:00Z"))
    other = bearer(tenant_keys.other_key)
    globex = REPORTS.format("globex")
    assert (await client.get(globex, headers=other)).json() == {"data": [], "nextCursor": None}
    assert_error(await client.get(f"{globex}/secret", headers=other), 404, "not_found")
    assert_error(await client.get(f"{globex}/latest", headers=other), 404, "not_found")
    assert_error(await client.get(f"{URL}/secret", headers=other), 403, "tenant_forbidden")


async def test_read_needs_the_read_scope(
    client: httpx.AsyncClient, tenant_keys: Keys, db: object, settings: object
) -> None:
    from app.core.config import Settings
    from db.session import Database
    from tests.factories import make_key

    assert isinstance(db, Database)
    assert isinstance(settings, Settings)
    writer = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:write"])
    for path in (URL, f"{URL}/latest", f"{URL}/x"):
        error = assert_error(
            await client.get(path, headers=bearer(writer)), 403, "insufficient_scope"
        )
        assert error["details"] == {"requiredScope": "reports:read"}
